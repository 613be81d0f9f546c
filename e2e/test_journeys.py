"""The main user journeys, end to end in a browser, with axe-core on every page they visit.

Each journey signs in and creates what it needs under a unique title, so the journeys run in any
order on the session's one live portal. The `journey` fixture (conftest.py) fails a test whose
tab showed a page that axe-core did not check, or that got a server error.
"""

from __future__ import annotations

import datetime
import re
import uuid
import zoneinfo

import icalendar
from playwright.sync_api import expect

from e2e.conftest import DEMO_PASSWORD, Journey

expect.set_options(timeout=10_000)

REGION = "/regions/south-west"
ACTIVE_PLAN = "SW ADPH SLI Action Plan 2025-2027"
LONDON = zoneinfo.ZoneInfo("Europe/London")


def portal_today() -> datetime.date:
    """Today where the portal lives: its dates are Europe/London's, not this machine's UTC."""
    return datetime.datetime.now(zoneinfo.ZoneInfo("Europe/London")).date()


def unique(text: str) -> str:
    return f"{text} {uuid.uuid4().hex[:8]}"


def fill_date(page, legend: str, day: datetime.date) -> None:
    """A GOV.UK date input: three boxes in a fieldset named by its legend."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def nav(tab: Journey, label: str, step: str) -> None:
    """Follow a link of the header's service navigation, and check the page."""
    tab.page.get_by_role("navigation", name="Menu").get_by_role("link", name=label, exact=True).click()
    tab.check(step)


def action(page, name: str):
    """A link or a link styled as a button (some carry role="button", some do not)."""
    return page.get_by_role("link", name=name, exact=True).or_(page.get_by_role("button", name=name, exact=True))


def h1(page):
    return page.get_by_role("heading", level=1)


def expect_success(page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def summary_card(page, heading: str):
    return page.locator(".govuk-summary-card").filter(has=page.get_by_role("heading", name=heading, exact=True))


def calendar_events(ics: str) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(ics).walk("VEVENT"))


# --- 1. The coordinator builds a plan -------------------------------------------------------------


def test_coordinator_builds_a_plan_signs_it_off_and_schedules_a_meeting(journey):
    tab = journey("coordinator-plan")
    page = tab.page
    tab.sign_in("coordinator")
    assert page.url.endswith(f"{REGION}/dashboard/")
    expect(h1(page)).to_have_text("Dashboard")

    # A new draft plan through GOV.UK date inputs; a date that does not exist first.
    nav(tab, "Action plans", "plans")
    action(page, "Create a plan").click()
    tab.check("plan-new")
    title = unique("E2E plan 2027-2029")
    page.get_by_label("Title").fill(title)
    fill_date(page, "Start date", datetime.date(2027, 4, 1))
    end = page.get_by_role("group", name="End date")
    end.get_by_label("Day").fill("31")
    end.get_by_label("Month").fill("2")
    end.get_by_label("Year").fill("2029")
    page.get_by_role("button", name="Create draft plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("End date must be a real date")
    tab.check("plan-new-error")
    fill_date(page, "End date", datetime.date(2029, 3, 31))
    page.get_by_label("Builds on").select_option(label=ACTIVE_PLAN)
    page.get_by_role("button", name="Create draft plan").click()
    expect_success(page, f"Draft plan “{title}” created")
    expect(h1(page)).to_have_text(title)
    expect(page.locator("main dl")).to_contain_text("Draft")
    expect(page.locator("main dl")).to_contain_text("1 April 2027 to 31 March 2029")
    tab.check("plan-created")
    plan_url = page.url

    # A priority area in the new draft, led by Amelia Hart (dph-lead).
    action(page, "Add a priority area").click()
    tab.check("priority-new")
    priority = unique("E2E priority")
    page.get_by_label("Title").fill(priority)
    page.get_by_label("Description").fill("A priority area written by the browser journey.")
    page.get_by_label("DPH lead", exact=True).select_option(label="Amelia Hart")
    page.get_by_role("button", name="Save priority area").click()
    expect_success(page, "Priority 1 saved")
    expect(h1(page)).to_have_text(f"Priority 1: {priority}")
    expect(page.locator("main dl")).to_contain_text("Amelia Hart")
    tab.check("priority-created")
    priority_url = page.url

    # A key objective in it: proposed until the network signs it off.
    action(page, "Add a key objective").click()
    tab.check("objective-new")
    objective = unique("E2E objective")
    page.get_by_label("Title").fill(objective)
    page.get_by_label("Description").fill("What the network wants to achieve.")
    fill_date(page, "Target date", datetime.date(2028, 3, 31))
    page.get_by_role("button", name="Add key objective").click()
    expect_success(page, "Key Objective 1 saved")
    expect(h1(page)).to_have_text(f"Key Objective 1: {objective}")
    expect(page.locator("main dl")).to_contain_text("Proposed")
    tab.check("objective-created")
    objective_url = page.url

    # The SLI lead records the network's sign-off, in their own browser.
    lead = journey("coordinator-plan-sli-lead")
    lead.sign_in_without_the_form("sli-lead")
    lead.visit(objective_url, "objective")
    action(lead.page, "Record sign-off").click()
    lead.check("sign-off")
    fill_date(lead.page, "Date of the network's decision", portal_today())
    lead.page.get_by_label("Where the network decided").fill("SW ADPH network meeting")
    lead.page.get_by_label("Note (optional)").fill("Agreed at the network meeting")
    lead.page.get_by_role("button", name="Record sign-off").click()
    expect_success(lead.page, "Network sign-off recorded for Key Objective 1")
    expect(lead.page.locator("main dl")).to_contain_text("at the SW ADPH network meeting")
    expect(lead.page.locator("main dl")).to_contain_text("by Richard Okafor")
    expect(action(lead.page, "Record sign-off")).to_have_count(0)
    lead.check("signed-off")

    # The coordinator sees it signed off, and schedules the priority's first quarterly meeting.
    tab.visit(priority_url, "priority-signed-off")
    expect(page.locator("main table")).to_contain_text("Signed off")
    action(page, "Schedule a meeting for this priority").click()
    tab.check("meeting-new")
    page.get_by_label("Quarter").select_option(label="2027/28 Q1")
    fill_date(page, "Date of the meeting", datetime.date(2027, 5, 12))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("End time").fill("11:30")
    page.get_by_label("Place or link").fill("Microsoft Teams")
    attendees = page.get_by_role("group", name="Attendees from the network")
    for person in ("Amelia Hart", "Hannah Price", "Richard Okafor"):
        attendees.get_by_label(person).check()
    page.get_by_role("button", name="Save meeting").click()
    expect_success(page, "Meeting for Priority 1, 2027/28 Q1, saved")
    expect(h1(page)).to_have_text("Quarterly meeting: 2027/28 Q1 review")
    expect(page.locator("main dl")).to_contain_text("Wednesday 12 May 2027, 10:00 to 11:30")
    tab.check("meeting-created")

    with page.expect_download() as download_info:
        action(page, "Add to calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    with open(download.path(), encoding="utf-8") as file:
        (event,) = calendar_events(file.read())
    assert priority in str(event["SUMMARY"]) + str(event.get("DESCRIPTION", ""))
    assert event.decoded("DTSTART") == datetime.datetime(2027, 5, 12, 10, 0, tzinfo=LONDON)

    # The network approves the plan; it cannot become active while the 2025-2027 plan is.
    # Each status change says what it will do and asks to be confirmed first.
    tab.visit(plan_url, "plan-to-approve")
    page.get_by_role("button", name="Record approval").click()
    expect(h1(page)).to_have_text("Record the network’s approval")
    tab.check("plan-approval-confirmation")
    page.get_by_role("button", name="Record approval").click()
    expect_success(page, "is now approved")
    tab.check("plan-approved")
    page.get_by_role("button", name="Make active").click()
    expect(h1(page)).to_have_text("Make the plan active")
    expect(page.locator("main")).to_contain_text(f"“{ACTIVE_PLAN}” is the region’s active plan")
    expect(page.get_by_role("button", name="Make active")).to_have_count(0)
    tab.check("plan-not-activated")


# --- 2. A DPH lead writes a quarterly update ------------------------------------------------------


def test_dph_lead_writes_saves_and_submits_a_quarterly_update(journey):
    tab = journey("dph-lead-update")
    page = tab.page
    tab.sign_in("dph-lead")
    assert page.url.endswith(f"{REGION}/my-priorities/")
    expect(h1(page)).to_have_text("My priorities")
    quarter = re.search(r"Updates for (\d{4}/\d{2} Q[1-4]) are due", page.locator("main").inner_text()).group(1)
    # dph-lead leads priority 1 only.
    expect(page.locator("main h2")).to_have_text(["Priority 1: Health protection and resilience"])
    all_priorities_url = page.get_by_role("link", name="See every priority and key objective").get_attribute("href")

    # The coordinator's dashboard before: how many of the quarter's updates are in.
    coordinator = journey("dph-lead-update-coordinator")
    coordinator.sign_in_without_the_form("coordinator")
    submitted_before = _submitted_on_dashboard(coordinator, quarter, "dashboard-before")

    objective = "Key Objective 1: Shared health protection assurance framework"
    page.get_by_role("link", name=objective, exact=True).click()
    tab.check("update-new")
    expect(h1(page)).to_have_text(f"{quarter} update")
    quarter_code = page.url.rstrip("/").rsplit("/", 1)[1]
    narrative = unique("Eleven councils have completed the assurance self-assessment; run")
    page.get_by_role("group", name="RAG status").get_by_label("Amber").check()
    page.get_by_label("Progress this quarter").fill(narrative)
    page.get_by_label("Risks and issues").fill("Two councils are short of health protection staff.")
    # Saving a draft keeps the lead on the form, with what they wrote.
    page.get_by_role("button", name="Save as draft").click()
    expect_success(page, f"Update for Key Objective 1, {quarter}, saved as a draft")
    expect(h1(page)).to_have_text(f"{quarter} update")
    expect(page.get_by_label("Progress this quarter")).to_have_value(narrative)
    tab.check("draft-saved")

    # My priorities shows the draft; the lead carries on and submits it.
    nav(tab, "My priorities", "my-priorities-with-draft")
    expect(page.locator("main")).to_contain_text("RAG: Amber")
    page.get_by_role("link", name=objective, exact=True).click()
    tab.check("update-draft")
    expect(page.get_by_label("Progress this quarter")).to_have_value(narrative)
    expect(page.get_by_role("group", name="RAG status").get_by_label("Amber")).to_be_checked()
    page.get_by_label("Next steps").fill("Share the regional summary at the next network meeting.")
    page.get_by_role("button", name="Submit update").click()
    expect_success(page, f"Update for Key Objective 1, {quarter}, submitted")
    card = summary_card(page, quarter)
    expect(card).to_contain_text("Amber")
    expect(card).to_contain_text("Submitted")
    expect(card).to_contain_text("last edited by Amelia Hart")
    tab.check("submitted")
    objective_url = page.url

    # The coordinator's dashboard counts it among the quarter being collected (a quarter not yet
    # due is never the headline); the objective page shows it.
    assert _submitted_on_dashboard(coordinator, quarter, "dashboard") == submitted_before + 1
    dashboard = coordinator.page
    coordinator.visit(objective_url, "objective")
    expect(summary_card(dashboard, quarter)).to_contain_text("Amber")
    expect(summary_card(dashboard, quarter)).to_contain_text(narrative)

    # The lead of priority 1 may not write priority 2's updates: the portal's 403 page.
    tab.visit(all_priorities_url, "all-priorities")
    page.get_by_role("link", name="4. Inclusion health needs assessment").click()
    tab.check("priority-2-objective")
    expect(page.get_by_role("link", name=re.compile(r"^(Write|Edit) the"))).to_have_count(0)
    tab.visit(f"{page.url}updates/{quarter_code}/", "priority-2-update-refused", status=403)
    expect(h1(page)).to_have_text("You do not have permission to see this page")


def _submitted_on_dashboard(journey, quarter: str, step: str) -> int:
    """From the dashboard's "Being collected: 2026/27 Q3: 3 of 16 submitted, due …" line."""
    journey.visit(f"{REGION}/dashboard/", step)
    text = journey.page.locator("main").inner_text()
    found = re.search(rf"Being collected: {re.escape(quarter)}: (\d+) of \d+ submitted", text)
    assert found, text
    return int(found.group(1))


# --- 3. The publisher publishes the month's snapshot ---------------------------------------------


def test_publisher_renders_and_publishes_the_snapshot_of_the_month(journey):
    tab = journey("publisher-snapshot")
    page = tab.page
    tab.sign_in("publisher")
    nav(tab, "Snapshots", "snapshots")
    today = portal_today()
    title = f"SW ADPH SLI snapshot: {today:%B %Y}"
    expect(page.get_by_role("row").filter(has=page.get_by_role("link", name=title))).to_contain_text("Draft")
    page.get_by_role("link", name=title).click()
    tab.check("draft")
    expect(h1(page)).to_have_text(title)
    workspace = page.url

    page.get_by_role("link", name="Preview the snapshot").click()
    tab.check("preview")
    expect(h1(page)).to_contain_text(f"{today:%B %Y}")
    expect(page.get_by_role("region", name="Draft preview")).to_contain_text("Not published")
    page.get_by_role("link", name="Back to the snapshot in the portal").click()
    expect(h1(page)).to_have_text(title)

    # The render runs in-process (no broker): the page comes back with the PDF ready.
    page.get_by_role("button", name="Render the PDF").click()
    expect_success(page, "Snapshot rendered: check the PDF, then publish it")
    expect(page.locator("main dl")).to_contain_text("Ready")
    tab.check("rendered")
    rendered = page.request.get(page.get_by_role("link", name="Open the rendered PDF").get_attribute("href"))
    assert rendered.status == 200 and rendered.headers["content-type"] == "application/pdf"

    # Publishing goes public and e-mails the subscribers: it asks first.
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(h1(page)).to_have_text("Publish the snapshot")
    expect(page.locator("main")).to_contain_text("public archive")
    tab.check("publish-confirmation")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect_success(page, "Snapshot published: it is in the public archive")
    expect(page.locator("main dl")).to_contain_text("Published")
    expect(page.locator("main dl")).to_contain_text("by Tom Whitfield")
    tab.check("published")
    assert page.url == workspace

    # Anyone finds it in the public archive; its page and its PDF are public.
    reader = journey("publisher-snapshot-public")
    reader.visit("/snapshots/south-west/", "archive")
    archive = reader.page
    pdf_href = archive.get_by_role("link", name=f"Download the PDF of the {today:%B %Y} snapshot").get_attribute("href")
    archive.get_by_role("link", name=title, exact=True).click()
    reader.check("page")
    assert archive.url.endswith(f"/snapshots/south-west/{today:%Y-%m}/")
    expect(h1(archive)).to_contain_text(f"{today:%B %Y}")
    pdf = archive.request.get(pdf_href)
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")


# --- 4. The coordinator plans a peer challenge ---------------------------------------------------


def test_coordinator_prompts_a_council_records_its_peer_challenge_and_moves_it_on(journey):
    tab = journey("coordinator-peer-challenge")
    page = tab.page
    tab.sign_in("coordinator")
    nav(tab, "Peer challenges", "schedule")
    rows = page.get_by_role("table", name="15 councils").locator("tbody tr")
    expect(rows).to_have_count(15)
    statuses = {"Current", "Due", "Overdue", "Booked", "Never recorded"}
    for row in rows.all():
        status = row.locator("td").first.locator(".govuk-tag").first.inner_text().strip()
        assert status in statuses, f"{row.inner_text()!r} has no cycle status"

    # Prompt an overdue council, record the challenge it agreed with the LGA, then move it on.
    page.get_by_role("link", name="Councils to prompt", exact=True).click()
    tab.check("planner")
    overdue = page.get_by_role("row").filter(has=page.locator(".govuk-tag", has_text="Overdue")).first
    council = overdue.get_by_role("rowheader").inner_text().strip()
    overdue.get_by_role("rowheader").get_by_role("link").click()
    tab.check("council-prompts")
    page.get_by_label("Raised it with the council's DPH").check()
    page.get_by_role("button", name="Record the prompt").click()
    expect_success(page, f"Prompt recorded for {council}")
    tab.check("prompt-recorded")
    expect(page.locator("main")).to_contain_text("Raised it with the council's DPH (recorded by Hannah Price)")
    page.get_by_label("Kind of peer challenge").select_option(label="Corporate peer challenge")
    page.get_by_role("button", name="Record the agreed challenge").click()
    expect_success(page, f"Corporate peer challenge, {council} recorded as agreed with the LGA")
    expect(page.locator("main")).to_contain_text("Proposed")
    tab.check("proposed")

    today = portal_today()
    for stage, legend in (("Scoping", "Scoping meeting"), ("Position statement", "Position statement received on")):
        step = stage.lower().replace(" ", "-")
        action(page, f"Move to “{stage}”").click()
        tab.check(f"move-to-{step}")
        fill_date(page, legend, today)
        page.get_by_role("button", name=f"Move to “{stage}”").click()
        expect_success(page, f"Moved to “{stage}”")
        tab.check(f"at-{step}")
    expect(page.get_by_role("table", name="Changes to this challenge").locator("tbody tr")).to_have_count(3)

    # Its on-site visit is booked: the schedule shows the council as booked.
    action(page, "Edit the record").click()
    tab.check("edit")
    visit_starts = today + datetime.timedelta(days=60)
    fill_date(page, "On-site visit starts", visit_starts)
    fill_date(page, "On-site visit ends", visit_starts + datetime.timedelta(days=3))
    page.get_by_role("button", name="Save peer challenge").click()
    expect(page.locator("main dl").last).to_contain_text(f"{visit_starts:%-d %B %Y}")
    tab.check("visit-booked")
    page.get_by_role("link", name="Back to the schedule").click()
    tab.check("schedule-booked")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=council, exact=True))
    expect(row.locator("td").first).to_contain_text("Booked")
    expect(row.locator("td").last).to_contain_text("Corporate peer challenge")

    # The calendar page gives a personal iCalendar feed with the visit.
    page.get_by_role("link", name="Calendar", exact=True).click()
    tab.check("calendar")
    page.get_by_role("button", name="Create my calendar address").click()
    expect_success(page, "Your calendar address is ready")
    tab.check("calendar-address")
    feed_url = re.search(r"https?://\S+?\.ics", page.locator("main").inner_text()).group(0)
    feed = page.request.get(feed_url)
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    visits = [e for e in calendar_events(feed.text()) if str(e["SUMMARY"]).endswith(f"on-site visit, {council}")]
    assert visit_starts in [event.decoded("DTSTART") for event in visits]


# --- 5. A network member reads, and may not write -----------------------------------------------


def test_member_reads_the_dashboard_and_plan_without_edit_buttons(journey):
    tab = journey("member")
    page = tab.page
    tab.sign_in("member")
    assert page.url.endswith(f"{REGION}/dashboard/")
    expect(h1(page)).to_have_text("Dashboard")
    expect(page.get_by_role("table", name=re.compile("^RAG status of the key objectives"))).to_be_visible()
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link", name="My priorities")).to_have_count(0)

    nav(tab, "Action plans", "plans")
    expect(action(page, "Create a plan")).to_have_count(0)
    expect(action(page, "Import a plan")).to_have_count(0)
    page.get_by_role("link", name=ACTIVE_PLAN).first.click()
    tab.check("plan")
    expect(h1(page)).to_have_text(ACTIVE_PLAN)
    expect(page.get_by_role("heading", name="Priority 1: Health protection and resilience")).to_be_visible()
    for label in ("Close plan", "Edit plan details", "Copy into a new draft", "Add a priority area"):
        expect(action(page, label)).to_have_count(0)
    plan_url = page.url

    page.get_by_role("link", name="1. Shared health protection assurance framework").click()
    tab.check("objective")
    for label in ("Record sign-off", "Edit key objective"):
        expect(action(page, label)).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(r"^(Write|Edit) the"))).to_have_count(0)

    nav(tab, "Meetings", "meetings")
    expect(action(page, "Schedule a meeting")).to_have_count(0)
    nav(tab, "Events", "events")
    expect(action(page, "Add an event")).to_have_count(0)

    # The coordinator's pages are refused: a GET, and a POST that carries a valid CSRF token
    # (the 403 is the portal's permission page, not Django's CSRF failure).
    with page.expect_navigation() as navigation:
        page.evaluate(
            """(action) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = action;
                const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
                for (const [name, value] of [["csrfmiddlewaretoken", token], ["to", "closed"]]) {
                    const input = document.createElement("input");
                    input.type = "hidden";
                    input.name = name;
                    input.value = value;
                    form.append(input);
                }
                document.body.append(form);
                form.submit();
            }""",
            f"{plan_url}status/",
        )
    assert navigation.value.status == 403
    expect(h1(page)).to_have_text("You do not have permission to see this page")
    tab.check("close-plan-refused")
    tab.visit(f"{REGION}/plans/new/", "plan-new-refused", status=403)
    assert "Active" in page.request.get(plan_url).text()


# --- 6. Anonymous visitors -----------------------------------------------------------------------

PRIVATE_PAGES = [
    f"{REGION}/dashboard/",
    f"{REGION}/my-priorities/",
    f"{REGION}/plans/",
    f"{REGION}/plans/new/",
    f"{REGION}/meetings/",
    f"{REGION}/events/",
    f"{REGION}/projects/",
    f"{REGION}/snapshots/",
    f"{REGION}/peer-challenges/",
    f"{REGION}/peer-challenges/calendar/",
]


def test_anonymous_visitor_reads_every_public_page(journey):
    tab = journey("anonymous")
    page = tab.page
    tab.visit("/", "home")
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("heading", name="South West", level=2)).to_be_visible()

    page.get_by_role("link", name=re.compile("^Read the plan and its latest progress")).click()
    tab.check("plan")
    expect(h1(page)).to_have_text(ACTIVE_PLAN)
    expect(page.locator("main")).to_contain_text("Key Objective 14: The SW ADPH Voice")
    # A proposed objective is not public.
    expect(page.locator("main")).not_to_contain_text("Shared public health intelligence")

    page.get_by_role("link", name="South West network").click()
    tab.check("region")
    expect(h1(page)).to_have_text("South West")
    page.get_by_role("link", name="All SW ADPH snapshots").click()
    tab.check("archive")
    first = page.locator("main").get_by_role("link", name=re.compile(r"^SW ADPH SLI snapshot: ")).first
    month = first.inner_text().strip().split(": ", 1)[1]
    first.click()
    tab.check("snapshot")
    expect(h1(page)).to_contain_text(month)
    pdf = page.request.get(page.url.rstrip("/") + ".pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"

    tab.visit("/snapshots/south-west/subscribe/", "subscribe")
    page.get_by_label("E-mail address").fill(f"reader-{uuid.uuid4().hex[:8]}@example.org")
    page.get_by_role("button", name="Subscribe").click()
    tab.check("subscribe-sent")

    page.get_by_role("banner").get_by_role("link", name="Sign in").click()
    tab.check("login")

    # Private pages send the visitor to sign in, and back to the page afterwards.
    for path in PRIVATE_PAGES:
        response = page.request.get(path, max_redirects=0)
        assert response.status == 302, f"{path}: {response.status}"
        assert response.headers["location"].startswith("/accounts/login/?next="), (path, response.headers)
    tab.visit(f"{REGION}/dashboard/", "dashboard-sign-in")
    assert "/accounts/login/?next=" in page.url
    page.get_by_label("E-mail address or username").fill("member")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(h1(page)).to_have_text("Dashboard")
    tab.check("dashboard-after-sign-in")


# --- Progressive enhancement: a form without JavaScript ------------------------------------------


def test_coordinator_adds_an_event_without_javascript(journey):
    tab = journey("no-js-event", javascript=False)
    page = tab.page
    tab.sign_in("coordinator")
    assert not page.evaluate("() => document.body.classList.contains('govuk-frontend-supported')")
    nav(tab, "Events", "events")
    action(page, "Add an event").click()
    tab.check("event-new")
    title = unique("E2E event without JavaScript")
    page.get_by_label("Title").fill(title)
    fill_date(page, "Date of the event", portal_today() + datetime.timedelta(days=30))
    page.get_by_label("Start time").fill("25:00")
    page.get_by_role("button", name="Save event").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the start time as hours and minutes")
    tab.check("event-error")
    page.get_by_label("Start time").fill("14:00")
    page.get_by_label("End time").fill("15:30")
    page.get_by_label("Place").fill("Taunton")
    page.get_by_role("button", name="Save event").click()
    expect_success(page, f"Event “{title}” added")
    expect(page.get_by_role("table")).to_contain_text(title)
    tab.check("event-added")


# --- Defects found by these journeys, kept as regression tests ---------------------------------


def test_a_published_snapshot_shows_only_signed_off_objectives(journey):
    tab = journey("defect-snapshot")
    # Key Objective 16 of the demo is still proposed: the public plan leaves it out.
    assert "Shared public health intelligence" not in tab.page.request.get(f"{REGION}/plan/").text()
    archive = tab.page.request.get("/snapshots/south-west/").text()
    latest = re.search(r'href="(/snapshots/south-west/\d{4}-\d{2}/)"', archive).group(1)
    assert "Shared public health intelligence" not in tab.page.request.get(latest).text()


def test_a_council_leaves_the_councils_to_prompt_once_its_challenge_is_recorded(journey):
    tab = journey("defect-planner")
    tab.sign_in_without_the_form("coordinator")
    request = tab.page.request
    row = re.compile(
        r'<th scope="row"[^>]*><a class="govuk-link" href="([^"]+)">([^<]+)</a></th>\s*<td[^>]*>\s*'
        r"<strong[^>]*>([^<]+)</strong>",
        re.S,
    )
    planner = [
        (name, status, url)
        for url, name, status in row.findall(request.get(f"{REGION}/peer-challenges/planner/").text())
    ]
    # The last "due" council: the peer-challenge journey records one for the first overdue one.
    council, _, url = [found for found in planner if found[1].strip() == "Due"][-1]
    token = next(c["value"] for c in tab.page.context.cookies() if c["name"] == "csrftoken")
    planned = request.post(f"{url}agreed/", form={"csrfmiddlewaretoken": token, "kind": "corporate"}, max_redirects=0)
    assert planned.status == 302 and "/planner/" not in planned.headers["location"], planned.headers
    after = row.findall(request.get(f"{REGION}/peer-challenges/planner/").text())
    assert council not in [name for _, name, _ in after]
