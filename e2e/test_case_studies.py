"""Issue 15's case studies as a new user tries them: a member writes one, the coordinator
publishes it after a confirmation page, and it appears on /case-studies/, in the Atom feed and in
the search of a signed-in reader outside the region. axe-core runs on every page shown."""

from __future__ import annotations

import uuid

import feedparser
from playwright.sync_api import expect

from e2e.test_journeys import action, expect_success, h1

REGION = "/regions/south-west"


def test_member_writes_a_case_study_the_coordinator_publishes_it_and_anyone_finds_it(journey):
    word = f"Sleeptight{uuid.uuid4().hex[:6]}"
    title = f"{word}: safer sleep in every family hub"
    writer = journey("case-study-member")
    page = writer.page
    writer.sign_in("member")
    writer.visit(f"{REGION}/case-studies/", "region-list")
    action(page, "Write a case study").click()
    writer.check("form")
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Summary", exact=True).fill("Three councils give safer-sleep advice at every visit.")
    page.get_by_label("The problem").fill("Sudden infant deaths clustered where advice was inconsistent.")
    page.get_by_label("What was done").fill("Health visitors and hub staff trained together on one script.")
    page.get_by_label("Impact and evidence").fill("Advice given at 96% of first visits, up from 60%.")
    page.get_by_label("Contact", exact=True).fill("Priya Nair, priya.nair@example.org")
    page.get_by_role("checkbox", name="Children and young people", exact=True).check()
    page.get_by_role("button", name="Save case study").click()
    expect_success(page, "saved")
    writer.check("draft")
    expect(h1(page)).to_have_text(title)
    draft_url = page.url

    # A draft is not public.
    assert page.request.get("/case-studies/").text().count(word) == 0

    coordinator = journey("case-study-coordinator")
    coordinator.sign_in("coordinator")
    coordinator.visit(draft_url, "draft")
    action(coordinator.page, "Publish").click()
    coordinator.check("publish-confirmation")
    expect(h1(coordinator.page)).to_have_text("Publish the case study")
    coordinator.page.get_by_role("button", name="Publish").click()
    expect_success(coordinator.page, "Case study published")
    coordinator.check("published")

    # Anyone reads it in the public list and follows it in a feed reader.
    reader = journey("case-study-public")
    reader.visit("/case-studies/?topic=children-and-young-people", "list")
    reader.page.get_by_role("link", name=title).click()
    reader.check("page")
    expect(h1(reader.page)).to_have_text(title)
    feed = feedparser.parse(reader.page.request.get("/case-studies/feed/").body())
    assert not feed.bozo and title in [entry.title for entry in feed.entries]

    # A signed-in reader outside the region finds it by search.
    board = journey("case-study-search")
    board.sign_in("national")
    board.visit(f"/case-studies/search/?q={word}", "search")
    expect(board.page.get_by_role("link", name=title)).to_be_visible()
