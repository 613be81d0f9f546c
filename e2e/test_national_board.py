"""Issue 15 as a new user tries it: the SLI lead writes and submits the year's annual report; the
national board viewer reads it, cannot open the region's workspace or an evidence file, and
acknowledges it. axe-core runs on every page the journey shows."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from e2e.test_journeys import expect_success, h1

REGION = "/regions/south-west"


def test_sli_lead_submits_the_annual_report_and_the_board_acknowledges_it(journey):
    summary = f"The network joined up health protection across the South West ({uuid.uuid4().hex[:8]})."
    lead = journey("annual-report-lead")
    page = lead.page
    lead.sign_in("sli-lead")
    page.goto(f"{REGION}/dashboard/")
    page.get_by_role("link", name="Annual SLI reports to the national board").click()
    lead.check("list")
    page.get_by_label("Financial year").select_option(label="2023/24")
    page.get_by_role("button", name="Write or open the year’s report").click()
    lead.check("write")
    expect(h1(page)).to_have_text("Write the SLI annual report 2023/24")
    page.get_by_label("Summary of the year").fill(summary)
    page.get_by_label("Asks of the national board").fill("Help us share the PHOF dashboard with other regions.")
    page.get_by_role("button", name="Save the draft").click()
    expect_success(page, "Report saved as a draft (version 1)")
    lead.check("draft")
    expect(page.locator("main")).to_contain_text(summary)
    draft_pdf = page.request.get(page.get_by_role("link", name="Preview the draft as a PDF").get_attribute("href"))
    assert draft_pdf.status == 200 and draft_pdf.body().startswith(b"%PDF")

    # Submitting sends it to the board and freezes it: the portal asks first.
    page.get_by_role("link", name="Submit to the national board").click()
    lead.check("submit-confirmation")
    expect(page.locator("main")).to_contain_text("freezes it")
    page.get_by_role("button", name="Submit the report").click()
    expect_success(page, "Report submitted to the national SLI board")
    lead.check("submitted")
    expect(page.locator("main dl")).to_contain_text("Submitted")
    pdf_link = page.get_by_role("link", name="PDF", exact=False).first
    pdf = page.request.get(pdf_link.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    report_url = page.url

    # The board viewer finds it from the national view, reads it, and acknowledges it once.
    board = journey("annual-report-board")
    board_page = board.page
    board.sign_in("national")
    board.visit("/national/", "national-view")
    expect(board_page.locator("main")).not_to_contain_text("overdue")
    board_page.get_by_role("link", name="2023/24 awaits acknowledgement").click()
    board.check("report")
    assert board_page.url == report_url
    expect(board_page.locator("main")).to_contain_text(summary)
    board_page.get_by_role("link", name="Acknowledge receipt").click()
    board.check("acknowledge-confirmation")
    board_page.get_by_label("Note to the region (optional)").fill("Received with thanks: the board will discuss it.")
    board_page.get_by_role("button", name="Acknowledge the report").click()
    expect_success(board_page, "Report acknowledged")
    board.check("acknowledged")
    expect(board_page.locator("main dl")).to_contain_text("Acknowledged by the national board")
    expect(board_page.locator("main dl")).to_contain_text("Received with thanks")

    # The region's workspace stays the region's: its dashboard is refused to the board.
    assert board_page.request.get(f"{REGION}/dashboard/").status == 403

    # The SLI lead sees who acknowledged it.
    page.reload()
    lead.check("seen-acknowledged")
    expect(page.locator("main dl")).to_contain_text("Acknowledged by the national board")
