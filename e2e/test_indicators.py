"""Issue 16 as a new user tries it: the coordinator uploads a Fingertips "all data" export (two
indicators the demo does not have, and two rows the portal must refuse), links both to a signed-off
key objective of the active plan, and finds them on the objective's page, in the next meeting pack
of its priority area (page and PDF), in the next snapshot (preview and rendered PDF) and on the
indicator's own page; a DPH lead reads the indicator but may not upload, refresh or link.

The two indicators' values are made up for the test; the areas are real ONS codes (England, the
South West, three of its councils and, to be refused, Cardiff). axe-core runs on every page the
journeys show.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess

from playwright.sync_api import expect

from e2e.test_journeys import ACTIVE_PLAN, action, expect_success, h1, nav

REGION = "/regions/south-west"
OBJECTIVE = "9. Alcohol harm reduction"  # signed off in the demo, in Priority 3, with no indicator
PRIORITY = "Priority 3: Healthy places and prevention"

ALCOHOL = (90282, "Admission episodes for alcohol-specific conditions")
ACTIVITY = (93014, "Percentage of physically active adults")
TARGET = "Below England by 2027"

# Fingertips' "all data" export, with the columns it writes (a few the portal ignores).
HEADER = [
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type", "Sex",
    "Age", "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit",
    "Lower CI 99.8 limit", "Upper CI 99.8 limit", "Count", "Denominator", "Value note", "Recent Trend",
    "Compared to England value or percentiles", "Compared to South West region value or percentiles",
    "Time period Sortable", "New data", "Compared to goal",
]  # fmt: skip
PERIODS = (("2020/21", 20200000), ("2021/22", 20210000), ("2022/23", 20220000))
AREAS = (
    ("E92000001", "England", "England", ""),
    ("E12000009", "South West region", "Region", "E92000001"),
    ("E06000052", "Cornwall", "Counties & UAs (from Apr 2023)", "E12000009"),
    ("E10000008", "Devon", "Counties & UAs (from Apr 2023)", "E12000009"),
    ("E06000023", "Bristol, City of", "Counties & UAs (from Apr 2023)", "E12000009"),
)
# (indicator, age, half-width of the 95% CI, {area code: (values by period, compared to England)})
SERIES = (
    (ALCOHOL, "All ages", 6.5, {
        "E92000001": ((587.2, 596.6, 586.9), "Not compared"),
        "E12000009": ((612.4, 630.8, 624.5), "Worse 95%"),
        "E06000052": ((598.1, 604.3, 590.2), "Similar"),
        "E10000008": ((521.7, 530.0, 515.6), "Better 95%"),
        "E06000023": ((781.3, 802.5, 795.4), "Worse 95%"),
    }),
    (ACTIVITY, "19+ yrs", 1.2, {
        "E92000001": ((65.9, 67.3, 67.1), "Not compared"),
        "E12000009": ((70.2, 71.8, 71.5), "Better 95%"),
        "E06000052": ((68.4, 70.1, 69.8), "Similar"),
        "E10000008": ((72.0, 73.5, 72.9), "Better 95%"),
        "E06000023": ((71.2, 72.8, 73.6), "Better 95%"),
    }),
)  # fmt: skip
GOOD_ROWS = len(SERIES) * len(AREAS) * len(PERIODS)


def _row(indicator, area, age, period, value, half, compared) -> list[str]:
    (fingertips_id, name), (code, area_name, area_type, parent), (label, sortable) = indicator, area, period
    number = isinstance(value, float)
    return [
        str(fingertips_id), name, parent, "", code, area_name, area_type, "Persons", age, "", "", label,
        str(value), f"{value - half:.1f}" if number else "", f"{value + half:.1f}" if number else "", "", "",
        "", "", "", "", compared, "", str(sortable), "", "",
    ]  # fmt: skip


def good_rows() -> list[list[str]]:
    rows = []
    for indicator, age, half, by_area in SERIES:
        for area in AREAS:
            values, compared = by_area[area[0]]
            for period, value in zip(PERIODS, values, strict=True):
                rows.append(_row(indicator, area, age, period, value, half, compared))
    return rows


# Two rows the portal must refuse: an area outside the register (Cardiff) and a value that is
# not a number. Placed among the good rows; their line numbers count the header as line 1.
BAD_AREA = _row(ALCOHOL, ("W06000015", "Cardiff", "Counties & UAs", ""), "All ages", PERIODS[2], 640.1, 8.0, "")
BAD_VALUE = _row(ACTIVITY, AREAS[2], "19+ yrs", ("2019/20", 20190000), "n/a", 1.2, "")


def export_with_bad_rows() -> tuple[list[list[str]], int, int]:
    rows = good_rows()
    rows.insert(7, BAD_AREA)
    rows.insert(22, BAD_VALUE)
    return rows, rows.index(BAD_AREA) + 2, rows.index(BAD_VALUE) + 2


def write_csv(path, rows) -> str:
    # Fingertips' export starts with a byte-order mark.
    with open(path, "w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows([HEADER, *rows])
    return str(path)


def pdf_text(body: bytes, tmp_path, name: str) -> str:
    """The PDF's text with its whitespace collapsed (pdftotext, poppler-utils)."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(body)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    return " ".join(out.stdout.split())


def check_pdf(response, tmp_path, name: str, *expected: str) -> None:
    assert response.status == 200, f"{name}: {response.status}"
    assert response.headers["content-type"] == "application/pdf", response.headers
    body = response.body()
    assert body.startswith(b"%PDF"), f"{name} is not a PDF"
    if shutil.which("pdftotext"):
        text = pdf_text(body, tmp_path, name)
        for words in expected:
            assert words in text, f"{name} does not say “{words}”"


def upload(tab, path: str, step: str) -> None:
    """Upload a file on the upload page and check the import's result page."""
    tab.page.get_by_label("Upload a Fingertips export").set_input_files(path)
    tab.page.get_by_role("button", name="Upload and import").click()
    expect(h1(tab.page)).to_have_text(re.compile(r"^Import of "))
    tab.check(step)


def rejected_rows(page) -> dict[str, str]:
    """Line number → reason, from the result page's table of rejected rows."""
    table = page.get_by_role("table", name="Rejected rows with their line number")
    return {
        row.locator("td").first.inner_text().strip(): row.locator("td").last.inner_text().strip()
        for row in table.locator("tbody tr").all()
    }


def panel(page, name: str):
    """A linked indicator's panel: a region named by the indicator."""
    return page.get_by_role("region", name=name, exact=True)


def fact(panel_locator, key: str):
    """The value of a row of the panel's summary list."""
    row = panel_locator.locator(".govuk-summary-list__row").filter(
        has=panel_locator.page.locator("dt", has_text=re.compile(f"^{re.escape(key)}$"))
    )
    return row.locator("dd")


def table_row(table, area: str):
    return table.get_by_role("row").filter(has=table.page.get_by_role("rowheader", name=area, exact=True))


# --- The coordinator loads, links and finds the indicators everywhere ---------------------------


def test_coordinator_uploads_a_fingertips_export_links_it_and_finds_it_in_the_plan(journey, tmp_path):
    tab = journey("indicators-coordinator")
    page = tab.page
    tab.sign_in("coordinator")
    expect(h1(page)).to_have_text("Dashboard")

    # 1. From the dashboard to the catalogue and the upload page.
    page.get_by_role("link", name="Outcome indicators (OHID Fingertips)").click()
    tab.check("catalogue")
    expect(h1(page)).to_have_text("Outcome indicators")
    action(page, "Upload a Fingertips export").click()
    tab.check("upload")
    expect(h1(page)).to_have_text("Upload a Fingertips export")

    # The export with two bad rows: the good ones load, the bad ones are named by their line.
    rows, bad_area_line, bad_value_line = export_with_bad_rows()
    with_bad_rows = write_csv(tmp_path / "fingertips-all-data.csv", rows)
    upload(tab, with_bad_rows, "uploaded")
    summary = f"created {GOOD_ROWS}, updated 0, unchanged 0, rejected 2"
    expect_success(page, f"fingertips-all-data.csv imported: {summary}")
    expect(page.locator("#summary")).to_have_text(summary)
    rejected = rejected_rows(page)
    assert set(rejected) == {str(bad_area_line), str(bad_value_line)}, rejected
    assert rejected[str(bad_area_line)].startswith("area W06000015 (Cardiff) is neither England, an English region")
    assert rejected[str(bad_value_line)] == "Value “n/a” is not a number"

    # The same file again changes nothing, and refuses the same rows.
    page.get_by_role("link", name="Upload another export").click()
    tab.check("upload-again")
    upload(tab, with_bad_rows, "uploaded-again")
    expect(page.locator("#summary")).to_have_text(f"created 0, updated 0, unchanged {GOOD_ROWS}, rejected 2")
    assert rejected_rows(page) == rejected

    # The export without its bad rows: nothing rejected, nothing changed.
    page.get_by_role("link", name="Upload another export").click()
    tab.check("upload-clean")
    upload(tab, write_csv(tmp_path / "fingertips-clean.csv", good_rows()), "uploaded-clean")
    expect(page.locator("#summary")).to_have_text(f"created 0, updated 0, unchanged {GOOD_ROWS}, rejected 0")
    expect(page.get_by_role("table", name="Rejected rows with their line number")).to_have_count(0)

    # The history lists the three imports.
    page.get_by_role("link", name="Import history").click()
    tab.check("import-history")
    expect(page.locator("main")).to_contain_text("fingertips-clean.csv")
    expect(page.locator("main")).to_contain_text("fingertips-all-data.csv")

    # 2. Link both to a signed-off key objective of the active plan, one with a target.
    nav(tab, "Action plans", "plans")
    page.get_by_role("link", name=ACTIVE_PLAN).first.click()
    tab.check("plan")
    page.get_by_role("link", name=OBJECTIVE, exact=True).click()
    tab.check("objective")
    objective_url = page.url
    expect(page.locator("main dl").first).to_contain_text("Agreed on")  # signed off: it goes into the snapshot
    for (fingertips_id, name), target in ((ALCOHOL, TARGET), (ACTIVITY, "")):
        action(page, "Link an indicator").click()
        tab.check(f"link-{fingertips_id}")
        expect(h1(page)).to_have_text("Link an indicator")
        page.get_by_label("Find an indicator by name or Fingertips ID").fill(str(fingertips_id))
        page.get_by_role("button", name="Search").click()
        tab.check(f"link-{fingertips_id}-found")
        page.get_by_label("Indicator", exact=True).select_option(label=f"{name} (Fingertips ID {fingertips_id})")
        page.get_by_label("Target").fill(target)
        page.get_by_role("button", name="Link indicator").click()
        expect_success(page, f"{name} linked to Key Objective 9")
        tab.check(f"linked-{fingertips_id}")
    assert page.url == objective_url

    # The objective's page: the region's, England's and each council's value in words, the trend
    # chart (an image with a name) and its data table.
    alcohol = panel(page, ALCOHOL[1])
    expect(fact(alcohol, "Target")).to_have_text(TARGET)
    expect(fact(alcohol, "Latest period")).to_have_text("2022/23 (Persons, All ages)")
    expect(fact(alcohol, "South West")).to_have_text("624.5 (95% CI 618.0 to 631.0), Worse than England")
    expect(fact(alcohol, "England")).to_have_text("586.9")
    values = alcohol.get_by_role("table", name=re.compile(r"England, South West and its councils, 2022\/23$"))
    expect(table_row(values, "South West (region)")).to_contain_text("Worse than England")
    expect(table_row(values, "Devon")).to_contain_text("515.6")
    expect(table_row(values, "Devon")).to_contain_text("Better than England")
    expect(table_row(values, "Cornwall")).to_contain_text("Similar to England")
    expect(table_row(values, "Bristol, City of")).to_contain_text("Worse than England")
    expect(table_row(values, "Torbay")).to_contain_text("No data")
    expect(alcohol.get_by_role("img", name=re.compile(rf"^Line chart of {ALCOHOL[1]}"))).to_be_visible()
    alcohol.locator("summary", has_text="Trend data").click()
    trend = alcohol.get_by_role("table", name=re.compile(r"^Trend data: "))
    expect(trend).to_be_visible()
    expect(table_row(trend, "2020/21")).to_contain_text("612.4")
    expect(table_row(trend, "2022/23")).to_contain_text("586.9")
    activity = panel(page, ACTIVITY[1])
    expect(fact(activity, "Target")).to_have_text("None set")
    expect(fact(activity, "South West")).to_have_text("71.5 (95% CI 70.3 to 72.7), Better than England")
    expect(activity.get_by_role("img", name=re.compile(rf"^Line chart of {ACTIVITY[1]}"))).to_be_visible()
    tab.check("objective-with-indicators")

    # 3. The next meeting pack of Priority 3 shows them, on its page and in its PDF.
    nav(tab, "Meetings", "meetings")
    coming_up = page.get_by_role("table", name="Coming up")
    next_meeting = coming_up.get_by_role("row").filter(has_text=PRIORITY).first
    next_meeting.get_by_role("link").click()
    tab.check("next-meeting")
    expect(page.locator("main")).to_contain_text(PRIORITY)
    pack = page.get_by_role("region", name="Outcome indicators")
    expect(pack.get_by_role("heading", name="Key Objective 9", exact=True)).to_be_visible()
    for _, name in (ALCOHOL, ACTIVITY):
        expect(panel(pack, name)).to_be_visible()
    expect(fact(panel(pack, ALCOHOL[1]), "Target")).to_have_text(TARGET)
    pdf = page.request.get(page.get_by_role("link", name="Download the meeting pack (PDF)").get_attribute("href"))
    check_pdf(pdf, tmp_path, "meeting-pack", ALCOHOL[1], ACTIVITY[1], TARGET)

    # 4. The indicator's own page: the values table, the trend, and where the region tracks it.
    tab.visit(f"{REGION}/indicators/", "catalogue-after")
    page.get_by_role("link", name=ALCOHOL[1], exact=True).click()
    tab.check("indicator")
    expect(h1(page)).to_have_text(ALCOHOL[1])
    expect(page.get_by_role("heading", name="Latest values: 2022/23")).to_be_visible()
    latest = page.get_by_role("table", name=re.compile(r"England, South West and its councils, latest period$"))
    expect(latest.locator("tbody tr")).to_have_count(len(AREAS))
    expect(table_row(latest, "England")).to_contain_text("586.9")
    # Fingertips' own numbers and words here ("618 to 631", "Worse 95%"), as its site shows them.
    expect(table_row(latest, "South West region")).to_contain_text("618 to 631")
    expect(table_row(latest, "South West region")).to_contain_text("Worse 95%")
    expect(table_row(latest, "Bristol, City of")).to_contain_text("795.4")
    expect(page.get_by_role("img", name=re.compile(rf"^Line chart of {ALCOHOL[1]}"))).to_be_visible()
    trend = page.get_by_role("table", name=re.compile(r"^Trend data: "))
    expect(trend.locator("tbody tr")).to_have_count(len(PERIODS))
    tracks = page.locator("main li").filter(has=page.get_by_role("link", name=re.compile("Alcohol harm reduction")))
    expect(tracks).to_contain_text(f"target {TARGET}")
    expect(page.get_by_role("button", name="Refresh from Fingertips now")).to_be_visible()

    # 5. The next snapshot: a new draft (the months after this one are free in a fresh portal), its
    # preview and its rendered PDF show them.
    nav(tab, "Snapshots", "snapshots")
    create = page.get_by_role("button", name="Create draft")
    assert create.count() == 1, "no month left for a new draft: run the e2e tests on a fresh portal"
    month = page.get_by_label("Month").locator("option:checked").inner_text().strip()
    create.click()
    expect_success(page, "Draft created:")
    expect(h1(page)).to_contain_text(month)
    tab.check("snapshot-draft")
    page.get_by_role("link", name="Preview the snapshot").click()
    tab.check("snapshot-preview")
    expect(h1(page)).to_contain_text(month)
    for _, name in (ALCOHOL, ACTIVITY):
        expect(panel(page, name)).to_have_count(1)
    expect(fact(panel(page, ALCOHOL[1]), "Target")).to_have_text(TARGET)
    expect(fact(panel(page, ALCOHOL[1]), "South West")).to_contain_text("Worse than England")
    page.get_by_role("link", name="Back to the snapshot in the portal").click()
    page.get_by_role("button", name="Render the PDF").click()
    expect_success(page, "Snapshot rendered: check the PDF, then publish it")
    tab.check("snapshot-rendered")
    rendered = page.request.get(page.get_by_role("link", name="Open the rendered PDF").get_attribute("href"))
    check_pdf(rendered, tmp_path, "snapshot", ALCOHOL[1], ACTIVITY[1])


# --- A DPH lead reads, and may not upload, refresh or link --------------------------------------


def test_dph_lead_reads_an_indicator_without_upload_refresh_or_link(journey, tmp_path):
    tab = journey("indicators-dph-lead")
    page = tab.page
    tab.sign_in("dph-lead")
    # An indicator of the demo, so this journey needs nothing another test creates.
    tab.visit(f"{REGION}/indicators/", "catalogue")
    for label in ("Upload a Fingertips export", "Add an indicator", "Import history"):
        expect(action(page, label)).to_have_count(0)
    page.get_by_role("link", name="Suicide rate", exact=True).click()
    tab.check("indicator")
    expect(h1(page)).to_have_text("Suicide rate")
    expect(page.get_by_role("table", name=re.compile(r"latest period$"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"^Line chart of Suicide rate"))).to_be_visible()
    expect(page.get_by_role("table", name=re.compile(r"^Trend data: Suicide rate"))).to_be_visible()
    for label in ("Refresh from Fingertips now", "Change the indicator’s details"):
        expect(action(page, label)).to_have_count(0)

    # A key objective it is linked to: its panel, without the coordinator's actions.
    page.get_by_role("link", name=re.compile("Real-time suicide surveillance")).first.click()
    tab.check("objective")
    expect(panel(page, "Suicide rate")).to_be_visible()
    for label in ("Link an indicator", "Change the target of Suicide rate", "Unlink Suicide rate"):
        expect(action(page, label)).to_have_count(0)

    # The coordinator's pages are refused.
    tab.visit(f"{REGION}/indicators/upload/", "upload-refused", status=403)
    expect(h1(page)).to_have_text("You do not have permission to see this page")
    tab.visit(f"{REGION}/indicators/imports/", "imports-refused", status=403)
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    path = write_csv(tmp_path / "refused.csv", good_rows()[:1])
    with open(path, "rb") as file:
        refused = page.request.post(
            f"{REGION}/indicators/upload/",
            multipart={
                "csrfmiddlewaretoken": token,
                "file": {"name": "refused.csv", "mimeType": "text/csv", "buffer": file.read()},
            },
            headers={"Referer": page.url},
            max_redirects=0,
        )
    assert refused.status == 403, refused.status
    refresh = page.request.post(
        f"{REGION}/indicators/41001/refresh/",
        form={"csrfmiddlewaretoken": token},
        headers={"Referer": page.url},
        max_redirects=0,
    )
    assert refresh.status == 403, refresh.status
