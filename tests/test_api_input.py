"""Numbers from the request are checked against their column's range before any query, and the
schema documents the error answers and the real download types.

Security review finding: `GET /api/v1/cases/11/timeline/?crime_types=9223372036854775808` was a
500 on the demo (SQLite), and the timeline applied the case list's filters to one case.
"""

import datetime
import importlib
from pathlib import Path

import django_filters
import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from rest_framework.generics import GenericAPIView
from rest_framework.serializers import IntegerField
from rest_framework.test import APIClient

from api.serializers import ClientSerializer, ContactSerializer
from api.urls import router
from api.validation import RangeCheckedFilterBackend
from cases.filters import CaseFilter, PoliceCaseFilter
from cases.models import Case, CaseStatus
from clients.models import Client
from common.filters import (
    IdChoiceFilter,
    IdMultipleChoiceFilter,
    IntegerInRangeFilter,
    RangeCheckedFilterSet,
    column_range,
)
from contacts.filters import ContactFilter
from contacts.models import Contact
from reports.models import ReportJob
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

BIGINT_MAX = 2**63 - 1
# Past the column's end, past SQLite's and PostgreSQL's integers, negative, zero, not a number.
BAD_NUMBERS = [str(2**63), str(2**64 + 1), "9" * 40, "9" * 400, "-1", "0", "abc", "1.5", "1e3", "0x10", "１", "1_0"]
NUMERIC_FILTERS = (
    django_filters.ModelChoiceFilter,
    django_filters.ModelMultipleChoiceFilter,
    django_filters.NumberFilter,
)


@pytest.fixture
def api():
    return APIClient()


def _project_filtersets() -> list[type[django_filters.FilterSet]]:
    """Every FilterSet class defined in the project's apps (their filters modules imported)."""
    for config in apps.get_app_configs():
        if config.path.startswith(str(settings.BASE_DIR)) and Path(config.path, "filters.py").exists():
            importlib.import_module(f"{config.name}.filters")
    found, todo = [], [django_filters.FilterSet]
    while todo:
        for subclass in todo.pop().__subclasses__():
            todo.append(subclass)
            if not subclass.__module__.startswith(("django_filters", "common.filters")):
                found.append(subclass)
    return found


def _api_filter_views() -> list[tuple[str, type[django_filters.rest_framework.FilterSet]]]:
    """(list URL, FilterSet class) of every API list with django-filter filters."""
    found = []
    for _prefix, viewset, basename in router.registry:
        assert issubclass(viewset, GenericAPIView)  # every route of the API is a generic viewset
        if any(
            issubclass(backend, django_filters.rest_framework.DjangoFilterBackend)
            for backend in viewset.filter_backends
        ):
            view = viewset(action="list", request=None, format_kwarg=None, kwargs={})
            # drf-spectacular's marker (read with getattr), unknown to the stubs: an empty queryset
            # without a user.
            view.swagger_fake_view = True  # type: ignore[attr-defined]
            filterset = RangeCheckedFilterBackend().get_filterset_class(view, view.get_queryset())
            assert filterset is not None
            found.append((reverse(f"api:{basename}-list"), filterset))
    return found


def _numeric_filters(filterset) -> list[str]:
    return [name for name, f in filterset.base_filters.items() if isinstance(f, NUMERIC_FILTERS)]


def test_every_filterset_derives_from_the_range_checked_one():
    filtersets = _project_filtersets()
    assert {ContactFilter, CaseFilter, PoliceCaseFilter} <= set(filtersets)
    for filterset in filtersets:
        assert issubclass(filterset, RangeCheckedFilterSet), filterset
        for name in _numeric_filters(filterset):
            f = filterset.base_filters[name]
            assert isinstance(f, IdChoiceFilter | IdMultipleChoiceFilter | IntegerInRangeFilter), (filterset, name)


def test_every_api_filterset_checks_its_numbers():
    views = _api_filter_views()
    assert {url for url, _f in views} == {
        reverse("api:contact-list"),
        reverse("api:case-list"),
        reverse("api:groupactivity-list"),
    }
    for url, filterset in views:
        assert issubclass(filterset, RangeCheckedFilterSet), url
        assert _numeric_filters(filterset), url


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_out_of_range_or_non_numeric_filter_values_answer_400_naming_the_filter(api, carol, value):
    api.force_authenticate(carol)
    checked = 0
    for url, filterset in _api_filter_views():
        for name in _numeric_filters(filterset):
            response = api.get(url, {name: value})
            assert response.status_code == 400, (url, name, response.status_code)
            assert name in response.json(), (url, name, response.json())
            checked += 1
    assert checked >= 5  # contacts: assistant, authority, locality; cases: crime_types, locality


def test_an_out_of_range_value_among_good_ones_answers_400(api, carol):
    api.force_authenticate(carol)
    response = api.get(reverse("api:case-list"), {"crime_types": ["1", str(2**63)]})
    assert response.status_code == 400
    assert response.json()["crime_types"] == ["Zadejte celé číslo od 1 do 9223372036854775807."]


@pytest.mark.parametrize("value", [str(2**63), "-5", "abc"])
def test_an_api_filter_refuses_a_bad_number_before_any_query(django_assert_num_queries, carol, value):
    """Before any query: SQLite cannot even take a number past 2**63 - 1 as a parameter."""
    for _url, filterset_class in _api_filter_views():
        for name in _numeric_filters(filterset_class):
            # The stubs leave out FilterSet._meta (its Meta options).
            model = filterset_class._meta.model  # type: ignore[attr-defined]
            filterset = filterset_class(data={name: value}, queryset=model.objects.all())
            with django_assert_num_queries(0):
                assert not filterset.is_valid()
            assert list(filterset.errors) == [name]


def test_the_pages_filters_refuse_out_of_range_values_before_any_query(
    django_assert_num_queries, carol, police_officer
):
    huge = str(2**63)
    for filterset, fields in (
        (ContactFilter({"assistant": huge, "authority": "0", "locality": huge}, Contact.objects.all(), user=carol), 3),
        (CaseFilter({"crime_type": huge, "assistant": huge, "locality": "-5"}, Case.objects.all(), user=carol), 3),
        (PoliceCaseFilter({"crime_type": "0", "locality": huge}, Case.objects.all(), region_id=None), 2),
    ):
        with django_assert_num_queries(0):
            assert not filterset.is_valid()
        assert len(filterset.errors) == fields, filterset.errors


def test_contact_list_page_with_an_out_of_range_filter_is_not_a_server_error(client, carol):
    client.force_login(carol)
    response = client.get(reverse("contacts:list"), {"assistant": str(2**63), "locality": "9" * 30})
    assert response.status_code == 200


def test_valid_filter_values_still_filter(api, carol, own_client):
    case = CaseFactory(client=own_client)
    api.force_authenticate(carol)
    crime = case.crime_types.first()
    response = api.get(reverse("api:case-list"), {"crime_types": crime.pk})
    assert response.status_code == 200 and [row["id"] for row in response.json()["results"]] == [case.pk]


# Path ids --------------------------------------------------------------------------------------


def _detail_urls(pk: str) -> list[str]:
    urls = []
    for prefix, viewset, _basename in router.registry:
        urls.append(f"/api/v1/{prefix}/{pk}/")
        # @action marks the method with url_path and detail; the stubs see a plain callable.
        actions = [action for action in viewset.get_extra_actions() if action.detail]  # type: ignore[attr-defined]
        urls += [f"/api/v1/{prefix}/{pk}/{action.url_path}/" for action in actions]  # type: ignore[attr-defined]
    return urls


@pytest.mark.parametrize("pk", [str(2**63), "9" * 30, "0", "-1", "abc", "1e3", "1.5", "-1.6e-06", "１"])
def test_a_path_id_out_of_range_or_not_a_number_answers_404(api, carol, pk):
    api.force_authenticate(carol)
    urls = _detail_urls(pk)
    assert any("timeline" in url for url in urls) and any("download" in url for url in urls)
    for url in urls:
        response = api.get(url)
        assert response.status_code == 404, (url, response.status_code)
        assert response["Content-Type"] == "application/json", url


def test_the_largest_id_is_a_plain_not_found(api, carol):
    api.force_authenticate(carol)
    assert api.get(f"/api/v1/cases/{BIGINT_MAX}/").status_code == 404


def test_column_ranges_are_postgresqls_whatever_the_database():
    assert column_range(Case._meta.pk) == (1, BIGINT_MAX)
    assert column_range(Case._meta.get_field("client")) == (1, BIGINT_MAX)  # a foreign key: the id it names
    assert column_range(ReportJob._meta.get_field("progress"))[1] <= 2**31 - 1
    assert column_range(models.PositiveIntegerField()) == (0, 2**31 - 1)
    assert column_range(models.IntegerField()) == (-(2**31), 2**31 - 1)


# The timeline ----------------------------------------------------------------------------------


def test_the_timeline_does_not_apply_the_list_filters(api, carol, own_client):
    case = CaseFactory(client=own_client, status=CaseStatus.NEW)
    api.force_authenticate(carol)
    url = reverse("api:case-timeline", args=[case.pk])
    # A filter of the list that this case does not match, and values out of any range.
    for params in ({"status": CaseStatus.CLOSED}, {"crime_types": str(2**63)}, {"locality": "abc"}):
        response = api.get(url, params)
        assert response.status_code == 200, (params, response.status_code)
        assert isinstance(response.json(), list)


# The schema ------------------------------------------------------------------------------------


@pytest.fixture
def schema(api, alice) -> dict:
    api.force_authenticate(alice)
    response = api.get(reverse("api:schema"))
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def test_schema_documents_the_error_answers_of_every_operation(schema):
    for path, method, operation in _operations(schema):
        for code in ("400", "401", "403", "404"):
            assert code in operation["responses"], (method, path, code)
            assert "application/json" in operation["responses"][code]["content"], (method, path, code)
        assert operation["responses"]["400"]["content"]["application/json"]["schema"]["type"] == "object"
        assert operation["responses"]["404"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorDetail"
        }
    assert schema["components"]["schemas"]["ErrorDetail"]["required"] == ["detail"]


def test_schema_gives_the_real_download_types(schema):
    content = schema["paths"]["/api/v1/report-jobs/{id}/download/"]["get"]["responses"]["200"]["content"]
    assert set(content) == {
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/pdf",
    }
    assert all(media["schema"] == {"type": "string", "format": "binary"} for media in content.values())


def test_schema_offers_no_filters_for_the_timeline(schema):
    operation = schema["paths"]["/api/v1/cases/{id}/timeline/"]["get"]
    assert [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"] == []
    listed = schema["paths"]["/api/v1/cases/"]["get"]
    assert {"crime_types", "locality", "status"} <= {p["name"] for p in listed["parameters"]}


# Numbers in the body ---------------------------------------------------------------------------

SQLITE_RANGE = (-(2**63), 2**63 - 1)


@pytest.fixture
def sqlite_integer_range(monkeypatch):
    """The database reports SQLite's integer range; model fields forget the validators they built."""
    from django.db import connection

    fields = [Contact._meta.get_field("duration_minutes"), Client._meta.get_field("birth_year")]
    for model_field in fields:
        model_field.__dict__.pop("validators", None)
    monkeypatch.setattr(connection.ops, "integer_field_range", lambda internal_type: SQLITE_RANGE)
    yield
    for model_field in fields:
        model_field.__dict__.pop("validators", None)  # built again with the real database's range


def test_body_numbers_take_the_column_range_whatever_the_database(sqlite_integer_range):
    duration = ContactSerializer().fields["duration_minutes"]
    birth_year = ClientSerializer().fields["birth_year"]
    assert isinstance(duration, IntegerField) and isinstance(birth_year, IntegerField)
    assert (duration.min_value, duration.max_value) == (0, 2**31 - 1)
    assert birth_year.max_value == 2**15 - 1


def test_a_body_number_out_of_range_answers_400_naming_the_field(api, alice):
    api.force_authenticate(alice)
    response = api.post(reverse("api:client-list"), {"identity": "pseudonym", "nickname": "X", "birth_year": 2**63})
    assert response.status_code == 400 and "birth_year" in response.json()


@pytest.mark.parametrize("when", ["0007-01-01T00:00:00Z", "1999-12-31T22:59:59Z"])
def test_a_contact_before_the_programme_is_refused(api, alice, when):
    """A year like 0007 came back with a local offset of +00:57:44, which no client can parse."""
    from tests.test_api import _contact_payload

    api.force_authenticate(alice)
    response = api.post(reverse("api:contact-list"), _contact_payload(occurred_at=when), format="json")
    assert response.status_code == 400
    assert response.json() == {"occurred_at": ["Datum nemůže být před rokem 2000."]}
    later = api.post(
        reverse("api:contact-list"),
        # The earliest a contact may be is ten years back (contacts.models.earliest_contact_day).
        _contact_payload(
            occurred_at=(timezone.now() - datetime.timedelta(days=365 * 9)).isoformat(), anonymous_persons=1
        ),
        format="json",
    )
    assert later.status_code == 201


@pytest.mark.parametrize(
    "start, end",
    [("0001-01-01", "0001-01-10"), ("9995-01-01", "9999-12-31"), ("1999-12-01", "2000-01-31")],
)
def test_a_report_period_outside_the_calendar_of_the_programme_answers_400(api, ministry_analyst, start, end):
    api.force_authenticate(ministry_analyst)
    response = api.get(reverse("api:national-statistics"), {"start": start, "end": end})
    assert response.status_code == 400
    assert response.json() == {"end": ["Období musí ležet mezi rokem 2000 a koncem příštího roku."]}


def test_schema_gives_the_range_of_every_id(schema):
    ids = {"type": "integer", "minimum": 1, "maximum": BIGINT_MAX}
    paths = 0
    for path, _method, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["schema"] == ids, path
                paths += 1
    assert paths >= 15  # every detail, update and detail action operation
    cases = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/cases/"]["get"]["parameters"]}
    assert cases["crime_types"]["items"] == ids and cases["locality"] == ids
    contacts = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/contacts/"]["get"]["parameters"]}
    assert contacts["assistant"] == contacts["authority"] == contacts["locality"] == ids


@pytest.mark.parametrize("query", ["7\x00OK", "\x00"])
def test_a_null_character_in_a_search_is_a_400_naming_the_parameter(carol, query):
    """Django refuses a null character in text; the answer keeps the API's error shape (an object
    of fields), not a bare list."""
    api = APIClient()
    api.force_authenticate(carol)
    answer = api.get("/api/v1/clients/", {"search": query, "page": "1"})
    assert answer.status_code == 400
    assert isinstance(answer.json(), dict) and "search" in answer.json()
