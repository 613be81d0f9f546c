"""The national view (what the board reads: submitted reports and public data) and the public
summary. The annual report itself is tested in annual_reports/tests."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annual_reports.tests.factories import AnnualReportFactory
from programmes.tests.factories import ActionPlanFactory
from sli_portal.data.scale import delete_scale_data, generate_scale_data
from sli_portal.pages.national import national_overview, public_summary
from sli_portal.tests.plan_data import Q1, Q2, Q3, TODAY
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


@pytest.mark.parametrize("persona", [None, "member", "other_coordinator", "national"])
def test_the_public_summary_is_open_to_anyone(client, request, region, persona):
    assert _client_for(client, request, persona).get(reverse("national_public_summary")).status_code == 200


# --- The roll-up -----------------------------------------------------------------------------


def test_every_region_shows_its_last_due_quarter_as_submitted_without_overdue_counts(
    region, other_region, plan, progress
):
    overview = national_overview(today=TODAY)
    by_slug = {rollup.region.slug: rollup for rollup in overview.regions}
    south_west = by_slug["south-west"]
    # 20 January 2025: Q3's updates were due on 14 January, so Q3 is the last due quarter and
    # the columns end there; Q4 is still being collected and is no column of the board's view.
    assert overview.quarters == [Q1.previous(), Q1, Q2, Q3]
    assert south_west.plan == plan
    assert [cell.text for cell in south_west.totals] == ["No updates", "1 red, 1 amber", "1 amber", "1 green"]
    assert south_west.latest_total.quarter == Q3 and south_west.reporting_quarter == Q3
    # Objective 2's Q3 update is a draft: the board reads what was submitted, and no count of
    # what is missing (sector-led improvement is not inspection).
    assert not hasattr(south_west, "missing_updates") and not hasattr(south_west, "cycle_counts")
    assert by_slug["north-east"].plan is None and by_slug["north-east"].matrix == []


def test_a_region_that_hides_its_rag_publicly_shows_none_to_the_board_unless_it_shares(region, plan, progress):
    region.show_rag_publicly = False
    region.save()
    (rollup,) = national_overview(today=TODAY).regions
    assert not rollup.shows_rag and rollup.totals == [] and rollup.matrix == []
    region.share_workspace_with_national_board = True
    region.save()
    (rollup,) = national_overview(today=TODAY).regions
    assert rollup.shows_rag and rollup.latest_total.text == "1 green"


def test_regions_are_listed_by_name_never_ranked(region, other_region, plan, progress):
    assert [r.region.name for r in national_overview(today=TODAY).regions] == ["North East", "South West"]


def test_the_board_sees_the_latest_version_sent_of_each_year_and_never_a_draft(region, other_region, coordinator):
    AnnualReportFactory(region=region, year=2023, state="acknowledged")
    AnnualReportFactory(region=region, year=2024, version=1, state="submitted")
    AnnualReportFactory(region=region, year=2024, version=2, state="submitted")
    AnnualReportFactory(region=region, year=2024, version=3, state="draft")
    AnnualReportFactory(region=other_region, year=2024, version=1, state="draft")
    overview = national_overview(today=TODAY)
    by_slug = {rollup.region.slug: rollup for rollup in overview.regions}
    assert [(r.year, r.version) for r in by_slug["south-west"].reports] == [(2024, 2), (2023, 1)]
    assert [r.version for r in by_slug["south-west"].awaiting_acknowledgement] == [2]
    assert by_slug["north-east"].reports == []
    assert overview.awaiting_acknowledgement == 1


def test_the_national_page_links_reports_and_public_outputs_and_a_dashboard_only_when_shared(
    client, national, region, plan, progress
):
    report = AnnualReportFactory(region=region, year=2024, state="submitted")
    client.force_login(national)
    with time_machine.travel(datetime.datetime(2025, 6, 2, 12, tzinfo=datetime.UTC), tick=False):
        page = client.get(reverse("national_view")).content.decode()
        assert report.get_absolute_url() in page
        assert reverse("annual_report_list", args=[region.slug]) in page
        assert reverse("public_plan", args=[region.slug]) in page
        assert "SW ADPH SLI Action Plan 2024-2026" in page
        assert reverse("dashboard", args=[region.slug]) not in page
        assert "overdue" not in page.lower()
        region.share_workspace_with_national_board = True
        region.save()
        page = client.get(reverse("national_view")).content.decode()
    assert reverse("dashboard", args=[region.slug]) in page


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
    # leads (2-3), then the roll-up: regions, active plans, priority areas, RAG counts, sent
    # reports, latest snapshots (6) — whatever the number of regions.
    one = _national_queries(client, 1)
    five = _national_queries(client, 5)
    assert one == five
    assert five <= 20


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
