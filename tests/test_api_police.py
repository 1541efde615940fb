"""The police see through the API exactly what their case page shows: the page is the
reference, and the API's case is compared with it field by field (security review: the API
used to add the closing outcome and the client's and assistant's ids)."""

import datetime
import html
import re

import pytest
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import filesizeformat, yesno
from django.test import Client as PageClient
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from rest_framework.exceptions import PermissionDenied
from rest_framework.test import APIClient, APIRequestFactory

from accounts.models import Locality
from accounts.roles import Role
from api import serializers
from api.views import CaseViewSet
from cases import services as case_services
from cases.attachments import PDF, CheckedFile
from cases.models import CaseNote, CaseStatus, CrimeType, RiskLevel
from tests.factories import CaseFactory, ClientFactory, shared_case

OUTCOME = "Klientka se přestěhovala do Prahy, Vinohradská 12"


def _date(value: str | None) -> str:
    return date_filter(parse_date(value), "SHORT_DATE_FORMAT") if value else "–"


def _reviewed(value: str | None) -> str:
    if not value:
        return gettext("Not yet")
    return date_filter(timezone.localtime(parse_datetime(value)), "SHORT_DATETIME_FORMAT")


def _victim(api: dict) -> str:
    victim = api["victim"]
    return victim["name"] + (f" ({victim['birth_year']})" if victim["birth_year"] else "")


# Every fact of the page's list (its label, in English) -> the API keys that carry it and how
# the page writes them. A new fact on the page fails the test until it is added here and to
# the police serializer.
PAGE_FACTS = {
    "Victim": (("victim",), _victim),
    "Organisation": (("organisation",), lambda api: api["organisation"]),
    "Crime types": (("crime_types",), lambda api: ", ".join(api["crime_types"])),
    "Incident date": (("incident_date",), lambda api: _date(api["incident_date"])),
    "Reported to the police on": (("reported_on",), lambda api: _date(api["reported_on"])),
    "Region and locality": (
        ("region", "locality"),
        lambda api: api["region"] + (f", {api['locality']}" if api["locality"] else ""),
    ),
    "Police reference and unit": (
        ("police_reference", "police_unit"),
        lambda api: (api["police_reference"] or "–") + (f", {api['police_unit']}" if api["police_unit"] else ""),
    ),
    "Particularly vulnerable victim": (("particularly_vulnerable",), lambda api: yesno(api["particularly_vulnerable"])),
    "Risk level": (("risk_level",), lambda api: RiskLevel(api["risk_level"]).label),
    "Reviewed": (("police_reviewed_at",), lambda api: _reviewed(api["police_reviewed_at"])),
}
# Shown by the page outside its list: the address (id), the heading (title and status badge)
# and the section of shared attachments.
PAGE_ELSEWHERE = {"id", "title", "status", "shared_attachments"}


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def _found(pattern: str, content: str) -> re.Match[str]:
    match = re.search(pattern, content, re.S)
    assert match is not None, pattern
    return match


def _page_facts(content: str) -> dict:
    """What the police page shows, read from its HTML."""
    heading = _found(r"<h1[^>]*>(.*?)<span class=\"badge[^\"]*\">(.*?)</span>\s*</h1>", content)
    attachments_section = _found(r'id="shared-attachments-heading".*?</section>', content).group(0)
    attachments = re.findall(
        r'<a href="/cases/attachments/(\d+)/[^"]*">(.*?)</a> <span class="small">\((.*?)\)</span>',
        attachments_section,
        re.S,
    )
    return {
        "title": _text(heading.group(1)),
        "status": _text(heading.group(2)),
        "list": {
            _text(dt): _text(dd) for dt, dd in re.findall(r"<dt[^>]*>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", content, re.S)
        },
        "attachments": [(int(pk), _text(name), _text(size)) for pk, name, size in attachments],
    }


@pytest.fixture
def police_case(alice, police_officer, settings, tmp_path):
    """A closed shared case with everything the police page can show, and what it must not."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    client = ClientFactory(organisation=alice.organisation, created_by=alice, birth_year=1984, phone="+420 777 123 456")
    case = shared_case(
        client=client,
        assistant=alice,
        crime_types=list(CrimeType.objects.order_by("section")[:2]),
        incident_date=datetime.date(2026, 3, 2),
        reported_on=datetime.date(2026, 3, 5),
        locality=Locality.objects.filter(municipality__region__code="CZ064").first(),
        police_reference="KRPB-12345/TČ-2026",
        police_unit="OOP Brno-střed",
        particularly_vulnerable=True,
        risk_level=RiskLevel.HIGH,
        status=CaseStatus.CLOSED,
        outcome=OUTCOME,
        closed_at=timezone.now(),
    )
    CaseFactory(client=client, assistant=alice, shared_with_police=True)  # another case of the same person
    for name, shared in (("zprava-pro-policii.pdf", True), ("interni.pdf", False)):
        checked = CheckedFile(b"%PDF-1.4 test", PDF, name)
        case_services.attachment_add(case=case, by=alice, checked=checked, shared_with_police=shared)
    CaseNote.objects.create(case=case, author=alice, text="Interní: bojí se", shared_with_police=False)
    CaseNote.objects.create(case=case, author=alice, text="Pro policii: svědek", shared_with_police=True)
    case_services.police_feedback_record(case=case, officer=police_officer, text="Prověřeno", marks_reviewed=True)
    return case


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_police_api_case_is_the_police_page_field_by_field(police_case, police_officer):
    browser = PageClient()
    browser.force_login(police_officer)
    page = browser.get(reverse("police:case_detail", args=[police_case.pk]))
    assert page.status_code == 200
    shown = _page_facts(page.content.decode())
    api = _api(police_officer).get(f"/api/v1/cases/{police_case.pk}/").json()

    with translation.override(page["Content-Language"]):
        labels = {gettext(label): label for label in PAGE_FACTS}
        unknown = set(shown["list"]) - set(labels)
        assert not unknown, f"facts on the police page that the API test does not know: {unknown}"
        assert set(shown["list"]) == set(labels), "a fact of PAGE_FACTS is no longer on the page"
        covered = {key for keys, _format in PAGE_FACTS.values() for key in keys} | PAGE_ELSEWHERE
        assert set(api) == covered, f"extra in the API: {set(api) - covered}; missing: {covered - set(api)}"
        for shown_label, value in shown["list"].items():
            keys, write = PAGE_FACTS[labels[shown_label]]
            assert write(api) == value, f"{shown_label}: page {value!r}, API {[api[k] for k in keys]}"
        assert api["id"] == police_case.pk
        assert api["title"] == shown["title"]
        assert CaseStatus(api["status"]).label == shown["status"]
        assert set(api["victim"]) == {"name", "birth_year"}
        assert [
            (a["id"], a["original_name"], _text(filesizeformat(a["size"]))) for a in api["shared_attachments"]
        ] == shown["attachments"]
        assert all(set(a) == {"id", "original_name", "size"} for a in api["shared_attachments"])
    assert [a[1] for a in shown["attachments"]] == ["zprava-pro-policii.pdf"]
    body = str(api)
    assert OUTCOME not in body and "777 123 456" not in body and "interni.pdf" not in body


def test_police_api_timeline_is_the_page_timeline(police_case, police_officer):
    browser = PageClient()
    browser.force_login(police_officer)
    page_timeline = browser.get(reverse("police:case_detail", args=[police_case.pk])).context["timeline"]
    with translation.override("cs"):
        api_timeline = _api(police_officer).get(f"/api/v1/cases/{police_case.pk}/timeline/").json()
    assert [(e["label"], e["text"], e["who"]) for e in api_timeline] == [
        (e.label, e.text, e.who) for e in page_timeline
    ]
    assert all(e["shared_with_police"] for e in api_timeline)
    texts = " ".join(e["text"] for e in api_timeline)
    assert "Pro policii: svědek" in texts and "Interní" not in texts and "interni.pdf" not in texts


# Every column of the police list page (its heading, in English) -> the API keys of a row and
# how the page writes them.
LIST_COLUMNS = {
    "Title": (("id", "title"), lambda row: (row["id"], row["title"])),
    "Status": (("status",), lambda row: CaseStatus(row["status"]).label),
    "Crime types": (("crime_types",), lambda row: ", ".join(row["crime_types"])),
    "Locality": (("locality",), lambda row: row["locality"] or "–"),
    "Organisation": (("organisation",), lambda row: row["organisation"]),
    "Reviewed": (
        ("police_reviewed_at",),
        lambda row: date_filter(timezone.localtime(parse_datetime(row["police_reviewed_at"])), "SHORT_DATE_FORMAT")
        if row["police_reviewed_at"]
        else gettext("Not yet"),
    ),
}


def _list_page(content: str) -> tuple[list[str], list[list]]:
    """The police list page's column headings and rows (the title cell as its link's id and text)."""
    table = _found(r"<table.*?</table>", content).group(0)
    headings = [_text(th) for th in re.findall(r'<th scope="col">(.*?)</th>', table, re.S)]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        link = _found(r'href="/police/cases/(\d+)/">(.*?)</a>', cells[0])
        rows.append([(int(link.group(1)), _text(link.group(2))), *(_text(cell) for cell in cells[1:])])
    return headings, rows


def test_police_api_list_is_the_police_list_page_field_by_field(police_case, police_officer):
    browser = PageClient()
    browser.force_login(police_officer)
    page = browser.get(reverse("police:case_list"))
    headings, page_rows = _list_page(page.content.decode())
    api_rows = _api(police_officer).get("/api/v1/cases/").json()["results"]
    assert len(page_rows) == len(api_rows) == 2
    with translation.override(page["Content-Language"]):
        labels = {gettext(label): label for label in LIST_COLUMNS}
        assert set(headings) == set(labels), f"columns unknown to the test: {set(headings) - set(labels)}"
        covered = {key for keys, _write in LIST_COLUMNS.values() for key in keys}
        for page_row, api_row in zip(page_rows, api_rows, strict=True):
            assert set(api_row) == covered, f"extra: {set(api_row) - covered}; missing: {covered - set(api_row)}"
            for heading, value in zip(headings, page_row, strict=True):
                _keys, write = LIST_COLUMNS[labels[heading]]
                assert write(api_row) == value, f"{heading}: page {value!r}, API {api_row}"
    assert OUTCOME not in str(api_rows) and police_case.client.last_name not in str(api_rows)


def test_staff_keep_the_full_case(police_case, alice):
    case = _api(alice).get(f"/api/v1/cases/{police_case.pk}/").json()
    assert case["outcome"] == OUTCOME and case["client"] == police_case.client_id


@pytest.mark.parametrize("who", ["ministry_analyst", "administrator"])
def test_roles_without_cases_get_403(request, who, police_case):
    api = _api(request.getfixturevalue(who))
    assert api.get("/api/v1/cases/").status_code == 403
    assert api.get(f"/api/v1/cases/{police_case.pk}/").status_code == 403


@pytest.mark.parametrize("action", ["list", "retrieve", "timeline"])
@pytest.mark.parametrize("role", [Role.MINISTRY, Role.ADMIN, "a-future-role"])
def test_a_role_without_a_case_shape_gets_nothing(role, action, alice):
    """Fail closed: even a role that some day may see cases gets no shape until one is chosen."""
    alice.role = role
    request = APIRequestFactory().get("/api/v1/cases/")
    request.user = alice
    view = CaseViewSet(request=request, format_kwarg=None, action=action)
    with pytest.raises(PermissionDenied):
        view.get_serializer_class()


def test_schema_documents_both_shapes(alice):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]

    def shapes(name):
        return [ref["$ref"].rsplit("/", 1)[1] for ref in components[name]["oneOf"]]

    assert shapes("CaseForRole") == ["Case", "PoliceCase"]
    assert shapes("CaseListItemForRole") == ["Case", "PoliceCaseRow"]
    assert set(components["PoliceCase"]["properties"]) == set(serializers.PoliceCaseSerializer.Meta.fields)
    assert set(components["PoliceCaseRow"]["properties"]) == set(serializers.PoliceCaseRowSerializer.Meta.fields)
    # Each shape requires a key the other lacks, so an answer matches exactly one of them.
    assert {"client", "outcome"} <= set(components["Case"]["required"])
    assert {"victim", "organisation"} <= set(components["PoliceCase"]["required"])
    assert {"organisation", "police_reviewed_at"} <= set(components["PoliceCaseRow"]["required"])
    retrieve = schema["paths"]["/api/v1/cases/{id}/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert retrieve["schema"]["$ref"].endswith("/CaseForRole")
    listed = schema["paths"]["/api/v1/cases/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert listed["schema"]["$ref"].endswith("/PaginatedCaseListItemForRoleList")


@pytest.mark.parametrize("path", ["/api/v1/cases/", "/api/v1/cases/{pk}/"])
def test_police_api_query_count_is_constant(police_case, police_officer, alice, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = _api(police_officer)
    url = path.format(pk=police_case.pk)
    api.get(url)  # the audit trail's content type is cached per process from then on
    with CaptureQueriesContext(connection) as small:
        assert api.get(url).status_code == 200
    for _ in range(5):
        client = ClientFactory(organisation=alice.organisation, created_by=alice)
        shared_case(client=client, assistant=alice, crime_types=list(CrimeType.objects.all()[:3]))
        for name in ("a.pdf", "b.pdf"):
            checked = CheckedFile(b"%PDF-1.4 test", PDF, name)
            case_services.attachment_add(case=police_case, by=alice, checked=checked, shared_with_police=True)
    with CaptureQueriesContext(connection) as large:
        assert api.get(url).status_code == 200
    assert len(small) == len(large), "\n".join(q["sql"] for q in large.captured_queries)
