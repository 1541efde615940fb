"""Pages that must stay fast at national scale: the contact list pages by position with a
capped count, and every row is reachable going older and back newer."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from common import pagination
from tests.factories import ContactFactory


def _contacts(alice, n, same_time=False):
    start = timezone.now() - datetime.timedelta(days=1)
    return [
        ContactFactory(assistant=alice, occurred_at=start if same_time else start - datetime.timedelta(hours=i))
        for i in range(n)
    ]


def _ids(response):
    return [contact.pk for contact in response.context["page"].object_list]


def _follow(client, response, rel):
    match = re.search(rf'rel="{rel}" href="\?([^"]+)"', response.content.decode())
    assert match, f"no {rel} link"
    return client.get(reverse("contacts:list") + "?" + match.group(1).replace("&amp;", "&"))


def test_older_and_newer_walk_every_contact_once(client, alice, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 4)
    # Ties on the time are broken by the id, so none is skipped or repeated.
    made = _contacts(alice, 5) + _contacts(alice, 5, same_time=True)
    client.force_login(alice)
    response = client.get(reverse("contacts:list"))
    pages = [_ids(response)]
    assert response.context["page"].is_first
    while response.context["page"].has_next:
        response = _follow(client, response, "next")
        pages.append(_ids(response))
    seen = [pk for page in pages for pk in page]
    assert sorted(seen) == sorted(c.pk for c in made)
    assert len(seen) == len(set(seen))
    assert [len(p) for p in pages] == [4, 4, 2]
    back = _follow(client, response, "prev")
    assert _ids(back) == pages[1]
    back = _follow(client, back, "prev")
    assert _ids(back) == pages[0]
    assert back.context["page"].is_first and 'rel="prev"' not in back.content.decode()


def test_count_is_capped(client, alice, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    _contacts(alice, 5)
    client.force_login(alice)
    response = client.get(reverse("contacts:list"))
    assert response.context["page"].count_capped
    assert response.context["page"].count == 3
    assert "More than 3 contacts" in response.content.decode() or "Více než 3" in response.content.decode()


def test_bad_cursor_gives_the_first_page(client, alice):
    made = _contacts(alice, 3)
    client.force_login(alice)
    for bad in ["x", "2020-01-01~abc", "2020-01-01T00:00:00~5", "~", "9" * 100]:
        response = client.get(reverse("contacts:list"), {"after": bad})
        assert response.status_code == 200
        assert _ids(response) == [c.pk for c in made]


def test_filters_survive_paging(client, alice, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    made = _contacts(alice, 5)
    client.force_login(alice)
    response = client.get(reverse("contacts:list"), {"activity_type": made[0].activities.get().activity_type_id})
    next_link = re.search(r'rel="next" href="([^"]+)"', response.content.decode())
    assert next_link is not None
    assert "activity_type=" in next_link.group(1)


def _parse_select(html):
    from html.parser import HTMLParser

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__()
            self.select, self.options, self._option = None, [], None

        def handle_starttag(self, tag, attrs):
            if tag == "select":
                self.select = dict(attrs)
            elif tag == "option":
                self._option = [dict(attrs).get("value"), "selected" in dict(attrs), ""]
                self.options.append(self._option)

        def handle_data(self, data):
            if self._option is not None:
                self._option[2] += data.strip()

        def handle_endtag(self, tag):
            if tag == "option":
                self._option = None

    parser = Parser()
    parser.feed(str(html))
    return parser.select, parser.options


def test_quick_select_is_the_same_html_as_django_renders(alice, bob, own_contact):
    from common.templatetags.quick_forms import quick_field
    from contacts.filters import ContactFilter
    from contacts.selectors import contacts_for_list
    from programmes.services import service_create
    from tests.factories import activity_type_of

    service_create(organisation=alice.organisation, name="Intervenční centrum", kind="intervention_centre")
    mediation = activity_type_of(alice.organisation, "mediation")
    data = {"assistant": str(bob.pk), "activity_type": str(mediation.pk), "authority": "x", "locality": ""}
    form = ContactFilter(data, queryset=contacts_for_list(alice), user=alice).form
    form.is_valid()
    for name in ("assistant", "authority", "activity_type", "locality"):
        assert _parse_select(quick_field(form[name])) == _parse_select(str(form[name])), name
    assert 'aria-invalid="true"' in str(quick_field(form["authority"]))
    # With two services, each activity type is named with its service.
    assert f"{mediation.service.name} – Zprostředkování" in str(quick_field(form["activity_type"]))
    # Anything but a plain select box is Django's own rendering.
    assert str(quick_field(form["date_from"])) == str(form["date_from"])
