"""The national view, the annual report for the national board and the public summary."""

import csv
import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from peer_challenges.tests.factories import PeerChallengeFactory
from programmes.tests.factories import ActionPlanFactory, LocalAuthorityFactory
from sli_portal.data.scale import delete_scale_data, generate_scale_data
from sli_portal.pages.national import annual_report, national_overview, public_summary
from sli_portal.tests.plan_data import Q1, Q2, Q3, TODAY
from snapshots.models import Snapshot
from snapshots.tests.factories import SnapshotFactory

pytestmark = pytest.mark.django_db

NATIONAL_ONLY = {
    None: 302,
    "member": 403,
    "dph_lead": 403,
    "dph_lead_2": 403,
    "coordinator": 403,
    "publisher": 403,
    "other_coordinator": 403,
    "national": 200,
    "superuser": 200,
}
# The live figures of the South West's year: the region's own readers. The national board reads
# what the region submits, and these only when the region shares its workspace (issue 15).
REGION_READERS = {
    **NATIONAL_ONLY,
    **dict.fromkeys(("member", "dph_lead", "dph_lead_2", "coordinator", "publisher"), 200),
    "national": 403,
}


def _client_for(client, request, persona):
    if persona is not None:
        client.force_login(request.getfixturevalue(persona))
    return client


@pytest.mark.parametrize(("persona", "expected"), NATIONAL_ONLY.items())
def test_the_national_view_is_for_the_national_board_and_administrators(
    client, request, priority_1, priority_2, persona, expected
):
    response = _client_for(client, request, persona).get(reverse("national_view"))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("persona", "expected"), REGION_READERS.items())
@pytest.mark.parametrize("url_name", ["national_report_csv", "national_report_pdf"])
def test_the_annual_report_is_for_readers_of_the_region(
    client, request, region, priority_1, priority_2, persona, expected, url_name, monkeypatch
):
    monkeypatch.setattr("sli_portal.pages.national.render_pdf", lambda html: b"%PDF-1.7 stub")
    response = _client_for(client, request, persona).get(reverse(url_name, args=[region.slug, 2024]))
    assert response.status_code == expected


@pytest.mark.parametrize("persona", [None, "member", "other_coordinator", "national"])
def test_the_public_summary_is_open_to_anyone(client, request, region, persona):
    assert _client_for(client, request, persona).get(reverse("national_public_summary")).status_code == 200


def test_the_report_of_an_unknown_region_is_404(client, national):
    client.force_login(national)
    assert client.get(reverse("national_report_csv", args=["nowhere", 2024])).status_code == 404


# --- The roll-up -----------------------------------------------------------------------------


def test_every_region_shows_its_rag_counts_and_missing_updates(region, other_region, plan, progress):
    overview = national_overview(today=TODAY)
    by_slug = {rollup.region.slug: rollup for rollup in overview.regions}
    south_west = by_slug["south-west"]
    # 20 January 2025: Q3's updates were due on 14 January, so Q3 is the last due quarter and
    # the columns end there; Q4 is still being collected and is no column of the board's view.
    assert overview.quarters == [Q1.previous(), Q1, Q2, Q3]
    assert south_west.plan == plan
    assert [cell.text for cell in south_west.totals] == ["No updates", "1 red, 1 amber", "1 amber", "1 green"]
    assert south_west.latest_total.quarter == Q3
    # Objective 2's Q3 update is a draft: missing, and overdue since 14 January.
    assert south_west.reporting_quarter == Q3 and south_west.missing_updates == 1
    assert by_slug["north-east"].plan is None and by_slug["north-east"].matrix == []


def test_peer_challenge_cycle_counts_per_region(region, other_region):
    current = LocalAuthorityFactory(region=region)
    PeerChallengeFactory(local_authority=current, onsite_start=datetime.date(2023, 10, 3))
    LocalAuthorityFactory(region=region)  # never challenged
    LocalAuthorityFactory(region=other_region)
    overview = national_overview(today=TODAY)
    counts = {r.region.slug: {c.status: c.count for c in r.cycle_counts} for r in overview.regions}
    assert counts["south-west"]["current"] == 1 and counts["south-west"]["never"] == 1
    assert counts["north-east"]["never"] == 1 and counts["north-east"]["current"] == 0


def test_the_national_page_links_each_region_to_its_dashboard_and_reports(client, national, region, plan, progress):
    with time_machine.travel(datetime.datetime(2025, 6, 2, 12, tzinfo=datetime.UTC), tick=False):
        client.force_login(national)
        response = client.get(reverse("national_view"))
    page = response.content.decode()
    assert reverse("dashboard", args=[region.slug]) in page
    assert reverse("national_report_pdf", args=[region.slug, 2024]) in page
    assert "SW ADPH SLI Action Plan 2024-2026" in page


def _national_queries(client, regions: int) -> int:
    delete_scale_data()
    generate_scale_data(scale=1, regions=regions, today=timezone.localdate())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("national_view"))
    assert response.status_code == 200
    assert response.content.decode().count('class="govuk-heading-m" id="region-') == regions
    return len(queries)


def test_the_national_view_reads_one_region_or_five_with_the_same_queries(client, national):
    client.force_login(national)
    # Session and user (2), the national membership (1), the navigation's memberships and
    # leads (2-3), then the roll-up: regions, active plans, priority areas, RAG counts, missing
    # updates, councils, peer challenges (7) — whatever the number of regions.
    one = _national_queries(client, 1)
    five = _national_queries(client, 5)
    assert one == five
    assert five <= 25


# --- The annual report -----------------------------------------------------------------------


def _csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_csv_has_each_signed_off_objective_s_rag_per_quarter_and_no_draft(
    client, coordinator, region, plan, progress
):
    client.force_login(coordinator)
    rows = _csv_rows(client.get(reverse("national_report_csv", args=[region.slug, 2024])).content)
    by_number = {row["Objective number"]: row for row in rows}
    # Objective 3 is still proposed: the network has not agreed it, so the report leaves it out.
    assert set(by_number) == {"1", "2"}
    first = by_number["1"]
    assert first["Region"] == "South West" and first["Plan"] == plan.title
    assert [first[f"{q} RAG"] for q in ("2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4")] == [
        "Red",
        "Amber",
        "Green",
        "",
    ]
    assert first["Latest quarter"] == "2024/25 Q3" and first["Latest progress"] == "Progress in 2024/25 Q3"
    # Objective 2's Q3 update is a draft: neither its RAG nor its narrative is reported.
    assert by_number["2"]["2024/25 Q3 RAG"] == "" and by_number["2"]["Latest progress"] == "Started"
    assert "SECRET DRAFT NARRATIVE" not in str(rows)


def test_a_year_without_a_plan_gives_an_empty_report(region, plan, progress):
    report = annual_report(region, 2019, today=TODAY)
    assert report.plan is None and report.priorities == []


def test_the_pdf_reports_the_year_to_a_board_the_region_shares_its_workspace_with(
    client, national, region, plan, progress
):
    SnapshotFactory(
        region=region, month=datetime.date(2024, 9, 1), state=Snapshot.State.PUBLISHED, published_at=timezone.now()
    )
    region.share_workspace_with_national_board = True
    region.save()
    client.force_login(national)
    response = client.get(reverse("national_report_pdf", args=[region.slug, 2024]))
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="south-west-sli-annual-report-2024-25.pdf"' in response["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "SLI annual progress report 2024/25" in text
    assert "Health protection assurance" in text
    assert "SLI snapshots published in the year: 1" in text
    assert "SECRET DRAFT NARRATIVE" not in text
    assert "Draft idea not yet agreed" not in text  # a proposed objective does not leave the region


# --- The public summary ----------------------------------------------------------------------


def test_the_public_summary_shows_published_plans_and_snapshots_only(region, other_region, plan):
    ActionPlanFactory(region=other_region, status="draft", title="Draft plan")
    SnapshotFactory(region=region, month=datetime.date(2024, 9, 1), state="published", published_at=timezone.now())
    SnapshotFactory(region=region, month=datetime.date(2024, 10, 1), state="published", published_at=timezone.now())
    SnapshotFactory(region=region, month=datetime.date(2024, 11, 1), state="draft")
    SnapshotFactory(region=other_region, month=datetime.date(2024, 11, 1), state="ready")
    rows = {row.region.slug: row for row in public_summary()}
    assert rows["south-west"].plan == plan
    assert rows["south-west"].latest_snapshot.month == datetime.date(2024, 10, 1)
    assert rows["north-east"].plan is None and rows["north-east"].latest_snapshot is None


def test_the_public_summary_reads_any_number_of_regions_in_three_queries(django_assert_num_queries):
    generate_scale_data(scale=1, regions=3, today=timezone.localdate())
    # Regions, published plans, each region's latest published snapshot.
    with django_assert_num_queries(3):
        rows = public_summary()
    assert len(rows) == 3 and all(row.latest_snapshot for row in rows)


def test_without_any_region_the_national_view_is_empty(db):
    overview = national_overview(today=TODAY)
    assert overview.regions == [] and overview.quarters == []
