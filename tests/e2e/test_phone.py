"""The phone: every page of the access table (tests/test_url_access.py) at 375 px, for every role,
without sideways scrolling; the quick contact's save button in reach; "log another" after saving.

One browser context per role, one page reused for all of that role's pages; the records in the
URLs are the access table's own (its `world`), with long unbroken words and file names added so
that wrapping is tested too. Screenshots of the key pages go to test-artifacts/e2e/phone-*.png
(of every page walked, with LIAISON_PHONE_SHOTS=1)."""

import datetime
import os
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.attachments import PDF, CheckedFile
from cases.models import CaseNote
from contacts.models import Contact
from reports import jobs
from reports import services as report_services
from reports.models import ReportType
from tests.e2e.conftest import ARTIFACTS, sign_in, with_authenticator
from tests.test_url_access import ACCESS, ANONYMOUS, OBJECTS, PREFIX_RULES, URL_NAMES, A, C, M
from tests.test_url_access import world as access_table_world  # noqa: F401 (a fixture, used by name)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 375, "height": 667}  # an iPhone SE: the narrowest phone in common use

# Rows of the access table that answer a file or a health probe, not a page.
FILES = {
    "healthz",
    "gdpr:access_export_json",
    "gdpr:access_export_pdf",
    "cases:attachment_download",
    "attention:calendar_feed",  # an iCalendar file
    "attention:count",  # a fragment for the menu
    "accounts:session_left",  # JSON for the idle warning
    "clients:import_template",  # an XLSX file
    "clients:import_rejected",  # an XLSX file
    "documents:pdf_download",  # a PDF file
    "documents:template_download",  # a DOCX file
    "documents:pdf_progress",  # a fragment of the PDF's page
    "contacts:import_template",
    "contacts:import_rejected",
    "cases:import_template",
    "cases:import_rejected",
}

# Long unbroken words as people really type them: a double surname, a web address, a scanned file.
LONG_SURNAME = "Nejnezdevětadevadesáteronásobitelnějšího-Dvořáková"
LONG_ADDRESS = "https://www.mvcr.cz/clanek/metodika-cinnosti-asistentu-pri-jednani-s-policii-a-dalsimi-urady.aspx"
LONG_FILE = "Zapis_z_jednani_na_uradu_prace_a_OSPOD_2026-12-06_konecna_verze_podepsana.pdf"

# Where an element lies outside the viewport without a scrolling box of its own to hold it.
OVERFLOW_SCRIPT = """() => {
  // What a person may unfold must fit too: every <details> opened, the collapsed menu shown.
  document.querySelectorAll("details").forEach((details) => { details.open = true; });
  document.querySelectorAll(".collapse").forEach((part) => part.classList.add("show"));
  const width = window.innerWidth;
  const found = [];
  if (document.documentElement.scrollWidth > width) {
    found.push(`the page is ${document.documentElement.scrollWidth}px wide`);
  }
  // Inside a box that scrolls sideways on its own (a table's), or that clips what it holds (a
  // visually hidden label, whose text box may reach past its one pixel): not the page's overflow.
  const scrolls = (element) => {
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(box).overflowX)) return true;
    }
    return false;
  };
  const named = (element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
    + (typeof element.className === "string" && element.className.trim()
       ? "." + element.className.trim().split(/\\s+/).join(".") : "");
  const reported = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.left >= -1 && box.right <= width + 1) continue;
    if (scrolls(element) || reported.some((outer) => outer.contains(element))) continue;
    reported.push(element);
    const text = (element.innerText || element.value || "").trim().slice(0, 40);
    found.push(`${named(element)} from ${Math.round(box.left)} to ${Math.round(box.right)}px: "${text}"`);
  }
  // A long word overflows the box it is in while the box itself stays in place: its text's own box.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const holder = node.parentElement;
    if (!node.textContent.trim() || reported.some((outer) => outer.contains(holder))) continue;
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width === 0 || (box.left >= -1 && box.right <= width + 1) || scrolls(node)) continue;
    reported.push(holder);
    found.push(`text in ${named(holder)} from ${Math.round(box.left)} to ${Math.round(box.right)}px: `
      + `"${node.textContent.trim().slice(0, 40)}"`);
  }
  return found.slice(0, 8);
}"""


def _long_words(world) -> None:
    """The access table's records, as some people and offices write them."""
    client, case = world["own_client"], world["own_case"]
    client.last_name = LONG_SURNAME
    client.note = f"Metodika: {LONG_ADDRESS}"
    client.save(update_fields=["last_name", "note"])
    case.title = f"Lichva – {LONG_SURNAME}"
    case.save(update_fields=["title"])
    checked = CheckedFile(b"%PDF-1.4 test", PDF, LONG_FILE)
    case_services.attachment_add(case=case, by=case.assistant, checked=checked, shared_with_police=False)
    CaseNote.objects.create(case=case, author=case.assistant, text=f"Viz {LONG_ADDRESS}")
    contact = world["own_contact"]
    contact.outcome = f"Odkaz na metodiku {LONG_ADDRESS}"
    contact.note = LONG_FILE
    contact.save(update_fields=["outcome", "note"])
    shared = world["shared_case"]
    CaseNote.objects.create(case=shared, author=shared.assistant, text=LONG_ADDRESS, shared_with_police=True)


@pytest.fixture
def records(request):
    """The access table's records (its fixture `world`), with long words added."""
    world = request.getfixturevalue("access_table_world")
    _long_words(world)
    return world


def _report_pages(world) -> dict[str, list[str]]:
    """Report jobs live in the access table's `reports:` namespace row: their pages by role."""
    month = {"start": "2026-03-01", "end": "2026-03-31", "breakdown": "all", "format": "csv"}
    pages: dict[str, list[str]] = {C: [], M: []}
    for role, report_type in ((C, ReportType.ACTIVITY), (M, ReportType.NATIONAL_STATISTICS)):
        job = report_services.report_job_request(by=world["users"][role], report_type=report_type, raw_parameters=month)
        jobs.run_report_job(job.pk)
        pages[role].append(reverse("reports:detail", kwargs={"pk": job.pk}))
    pages[C] += [reverse("reports:create", kwargs={"report_type": t}) for t in (ReportType.ACTIVITY, "export")]
    pages[M].append(reverse("reports:create", kwargs={"report_type": ReportType.NATIONAL_STATISTICS}))
    return pages


def _pages_of(role: str, world, extra: dict[str, list[str]]) -> list[tuple[str, int]]:
    """Every page of the access table that the role opens with a GET, with the answer expected:
    200, and for a signed-in role also a refusal (403) and a page that does not exist (404)."""
    pages = []
    refused = None
    for name, rule in sorted(ACCESS.items()):
        if name not in URL_NAMES or name in FILES or rule.method != "get":
            continue
        own_kwargs = OBJECTS[rule.obj](world)[0] if rule.obj else {}
        opens = rule.anonymous == 200 if role == ANONYMOUS else role in rule.allowed and rule.ok == 200
        if opens:
            pages.append((reverse(name, kwargs=own_kwargs), 200))
        elif role != ANONYMOUS and role not in rule.allowed and refused is None:
            refused = (reverse(name, kwargs=own_kwargs), rule.denied)
    admin = PREFIX_RULES["admin:"]
    if role in admin.allowed:
        pages.append((reverse(admin.sample), 200))
    pages += [(path, 200) for path in extra.get(role, [])]
    if role != ANONYMOUS:
        pages += [refused, ("/neexistujici-stranka/", 404)] if refused else [("/neexistujici-stranka/", 404)]
    return pages


def _overflows(page, url: str, status: int = 200) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status == status, f"{url} answered {response and response.status}"
    assert response.headers["content-type"].startswith("text/html"), url
    return page.evaluate(OVERFLOW_SCRIPT)


def _phone_context(browser):
    # Reduced motion: Bootstrap scrolls smoothly otherwise, and a position read after Tab would be mid-way.
    context = browser.new_context(
        viewport=PHONE, locale="cs-CZ", device_scale_factor=1, has_touch=True, reduced_motion="reduce"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)


def test_every_page_fits_a_phone_for_every_role(browser, live_server, records):
    started = time.monotonic()
    extra = _report_pages(records)
    users = records["users"]
    problems: dict[str, list[str]] = {}
    visited = 0
    for role in [ANONYMOUS, *users]:
        context, page = _phone_context(browser)
        try:
            if role != ANONYMOUS:
                user = users[role]
                sign_in(page, live_server, user, with_authenticator(user))
            for path, status in _pages_of(role, records, extra):
                visited += 1
                found = _overflows(page, f"{live_server.url}{path}", status)
                if os.environ.get("LIAISON_PHONE_SHOTS"):  # to look at every page: one picture each
                    _shot(page, f"{role}{path}".strip("/").replace("/", "-"))
                if found:
                    problems[f"{role} {path}"] = found
        finally:
            context.close()
    elapsed = time.monotonic() - started
    print(f"\n{visited} pages at {PHONE['width']} px in {elapsed:.0f} s")  # noqa: T201
    assert visited > 100, visited
    assert problems == {}, "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in problems.items())


def test_screenshots_of_the_key_pages_at_375px(browser, live_server, records):
    """The key pages, photographed for a person to look at; each must also fit."""
    extra = _report_pages(records)
    pages = {
        A: {
            "start": "/",
            "contact-form": reverse("contacts:create"),
            "contact-list": reverse("contacts:list"),
            "client-detail": reverse("clients:detail", kwargs={"pk": records["own_client"].pk}),
            "case-detail": reverse("cases:detail", kwargs={"pk": records["own_case"].pk}),
        },
        C: {"reports": reverse("reports:list"), "report-job": extra[C][0], "dashboard": reverse("reports:dashboard")},
    }
    problems = {}
    for role, named in pages.items():
        context, page = _phone_context(browser)
        user = records["users"][role]
        try:
            sign_in(page, live_server, user, with_authenticator(user))
            for name, path in named.items():
                page.goto(f"{live_server.url}{path}")
                _shot(page, name)  # as it first appears: the check below unfolds every part
                found = page.evaluate(OVERFLOW_SCRIPT)
                if found:
                    problems[path] = found
            if role == A:
                page.goto(f"{live_server.url}/")
                page.get_by_role("button", name="Zobrazit nabídku").click()
                page.locator("#main-nav.show").wait_for()
                _shot(page, "menu-open")
        finally:
            context.close()
    assert problems == {}


def test_quick_contact_save_is_in_reach_on_a_phone(browser, live_server, alice):
    context, page = _phone_context(browser)
    try:
        sign_in(page, live_server, alice, with_authenticator(alice))
        page.goto(f"{live_server.url}/contacts/new/")
        save = page.locator("form.contact-form button[type=submit]").first
        assert save.inner_text() == "Uložit"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        # At the top of the form, without scrolling, the save button is on the screen and not covered.
        assert _on_screen_and_uncovered(page, save)
        page.screenshot(path=str(ARTIFACTS / "phone-contact-form-screen.png"))  # what the phone shows first
        # Half-way down the optional fields it is still there.
        page.locator("#id_locality").scroll_into_view_if_needed()
        assert _on_screen_and_uncovered(page, save)
        # Walking the form with Tab from the top, no field reached is hidden behind the save bar.
        page.evaluate("() => window.scrollTo(0, 0)")
        page.locator("#id_occurred_at").focus()
        hidden = []
        for _step in range(40):
            page.keyboard.press("Tab")
            where = page.evaluate(
                """() => {
                  const field = document.activeElement, bar = document.querySelector('.form-actions');
                  if (bar.contains(field)) return null;
                  const named = field.id || field.name || field.outerHTML.slice(0, 60);
                  return [named, field.getBoundingClientRect().bottom, bar.getBoundingClientRect().top];
                }"""
            )
            if where is None:
                break
            if where[1] > where[2] + 1:
                hidden.append(where)
        assert where is None, "Tab never reached the save bar"
        assert hidden == [], hidden
        # And the bar is usable from the keyboard: the activity and who was there, then Enter on the button.
        page.locator("#id_activities-0-activity_type").select_option(label="Telefonický kontakt")
        page.locator("#id_anonymous_persons").fill("1")
        save.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert Contact.objects.filter(assistant=alice).count() == 1
        _shot(page, "contact-saved")
    finally:
        context.close()


def _on_screen_and_uncovered(page, locator) -> bool:
    return page.evaluate(
        """(element) => {
          const box = element.getBoundingClientRect();
          if (box.top < 0 || box.bottom > window.innerHeight || box.left < 0 || box.right > window.innerWidth) {
            return false;
          }
          const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
          return hit === element || element.contains(hit);
        }""",
        locator.element_handle(),
    )


def test_log_another_contact_after_saving(browser, live_server, alice):
    """After saving, "Zapsat další kontakt" opens a fresh form on the same day and service."""
    context, page = _phone_context(browser)
    try:
        sign_in(page, live_server, alice, with_authenticator(alice))
        yesterday = timezone.localtime() - datetime.timedelta(days=1)
        page.goto(f"{live_server.url}/contacts/new/")
        page.locator("#id_occurred_at").fill(yesterday.replace(hour=9, minute=0).strftime("%Y-%m-%dT%H:%M"))
        page.locator("#id_duration_minutes").fill("45")
        page.locator("#id_activities-0-minutes").fill("45")
        page.locator("#id_activities-0-activity_type").select_option(label="Telefonický kontakt")
        page.locator("#id_anonymous_persons").fill("2")
        page.locator("#id_note").fill("První kontakt dne")
        with page.expect_navigation():
            page.get_by_role("button", name="Uložit", exact=True).click()
        assert "Kontakt byl uložen." in page.content()
        first = Contact.objects.get(assistant=alice)
        another = page.get_by_role("link", name="Zapsat další kontakt")
        with page.expect_navigation():
            another.click()
        assert page.locator("h1").inner_text() == "Zapsat kontakt"
        # The same day, starting where the last one ended; nothing else carried over.
        assert page.locator("#id_occurred_at").input_value() == yesterday.strftime("%Y-%m-%d") + "T09:45"
        assert page.locator("#id_note").input_value() == ""
        assert page.locator(".client-picker-chosen input").count() == 0
        assert page.locator("#id_anonymous_persons").input_value() == "0"
        page.locator("#id_activities-0-activity_type").select_option(label="Telefonický kontakt")
        page.locator("#id_anonymous_persons").fill("1")
        with page.expect_navigation():
            page.get_by_role("button", name="Uložit", exact=True).click()
        second = Contact.objects.exclude(pk=first.pk).get(assistant=alice)
        assert second.service_id == first.service_id
        assert timezone.localtime(second.occurred_at).date() == yesterday.date()
    finally:
        context.close()
