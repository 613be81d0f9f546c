"""The national-scale data generator: deterministic, additive, refusing a second run."""

import datetime
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command

from peer_challenges.models import PeerChallenge
from priorities.models import KeyObjective, MeetingAction, QuarterlyMeeting, QuarterlyUpdate
from programmes.access import readable_regions
from programmes.models import ActionPlan, LocalAuthority, Region
from sli_portal.data.scale import REGIONS, delete_scale_data, generate_scale_data, regions_for_scale
from snapshots.models import Snapshot

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 11, 12)


def _fingerprint() -> dict:
    """What a second run on a fresh database must reproduce: counts and the random choices."""
    return {
        "regions": list(Region.objects.order_by("slug").values_list("slug", flat=True)),
        "councils": LocalAuthority.objects.count(),
        "plans": list(ActionPlan.objects.order_by("title").values_list("title", "status", "start_date")),
        "objectives": list(KeyObjective.objects.order_by("plan__title", "number").values_list("title", flat=True)),
        "rags": list(
            QuarterlyUpdate.objects.order_by(
                "key_objective__plan__title", "key_objective__number", "quarter"
            ).values_list("rag_status", "submitted_at")
        ),
        "challenges": list(
            PeerChallenge.objects.order_by("local_authority__gss_code", "onsite_start").values_list(
                "kind", "stage", "onsite_start"
            )
        ),
        "snapshots": list(Snapshot.objects.order_by("region__slug", "month").values_list("state", "month")),
    }


def test_the_scale_sets_the_number_of_regions():
    assert regions_for_scale(1) == 1
    assert regions_for_scale(10) == len(REGIONS) == 8  # with the demo's South West, all nine


def test_the_same_scale_on_the_same_day_generates_the_same_rows():
    generate_scale_data(scale=1, regions=2, today=DAY)
    first = _fingerprint()
    delete_scale_data()
    assert Region.objects.count() == 0 and QuarterlyUpdate.objects.count() == 0
    generate_scale_data(scale=1, regions=2, today=DAY)
    assert _fingerprint() == first


def test_one_region_has_the_documented_shape():
    created = generate_scale_data(scale=1, today=DAY)
    assert created["Region"] == 1 and created["LocalAuthority"] == 17
    assert created["ActionPlan"] == 3 and created["PriorityArea"] == 15 and created["KeyObjective"] == 60
    assert created["PeerChallenge"] == 75 and created["Snapshot"] == 36
    region = Region.objects.get(slug="north-east")
    # 35 months published without files, this month a draft.
    assert Snapshot.objects.published().filter(region=region, pdf="").count() == 35
    assert Snapshot.objects.get(region=region, month=DAY.replace(day=1)).state == "draft"
    # Two closed plans of 12 quarters each, and the active plan's closed quarters (minus the
    # few updates the last quarter leaves missing).
    closed = QuarterlyUpdate.objects.filter(key_objective__plan__region=region, key_objective__plan__status="closed")
    assert closed.count() == 2 * 20 * 12


def test_the_command_refuses_a_second_run_without_force():
    call_command("generate_scale_data", "--scale", "1", stdout=StringIO())
    with pytest.raises(CommandError, match="--force"):
        call_command("generate_scale_data", "--scale", "1", stdout=StringIO())
    assert Region.objects.count() == 1


def test_force_replaces_the_generated_regions_and_keeps_the_rest(region, plan, coordinator):
    call_command("generate_scale_data", "--scale", "1", stdout=StringIO())
    out = StringIO()
    call_command("generate_scale_data", "--scale", "1", "--regions", "2", "--force", stdout=out)
    assert "Generated 2 regions at scale 1" in out.getvalue()
    assert set(Region.objects.values_list("slug", flat=True)) == {"south-west", "north-east", "north-west"}
    assert ActionPlan.objects.filter(region=region).get() == plan
    assert coordinator.memberships.get().region == region


def test_the_command_refuses_a_scale_out_of_range():
    with pytest.raises(CommandError, match="from 1 to 10"):
        call_command("generate_scale_data", "--scale", "11", stdout=StringIO())


def test_the_national_board_reads_only_the_generated_regions_that_share_and_a_coordinator_only_theirs(
    coordinator, national
):
    generate_scale_data(scale=1, regions=2, today=DAY)
    assert not readable_regions(national).exists()
    Region.objects.filter(slug="north-east").update(share_workspace_with_national_board=True)
    assert list(readable_regions(national).values_list("slug", flat=True)) == ["north-east"]
    assert list(readable_regions(coordinator).values_list("slug", flat=True)) == ["south-west"]


def _past_rows(region: Region) -> dict:
    """What --history multiplies: the past plans and their updates, meetings and actions, the
    published snapshots and the peer challenges."""
    closed = ActionPlan.objects.filter(region=region, status="closed")
    return {
        "plans": closed.count(),
        "updates": QuarterlyUpdate.objects.filter(key_objective__plan__in=closed).count(),
        "meetings": QuarterlyMeeting.objects.filter(priority_area__plan__region=region).count(),
        "actions": MeetingAction.objects.filter(meeting__priority_area__plan__region=region).count(),
        "snapshots": Snapshot.objects.published().filter(region=region).count() + 1,  # with this month's draft
        "challenges": PeerChallenge.objects.filter(local_authority__region=region).count(),
    }


def test_three_times_the_history_has_three_times_the_past():
    generate_scale_data(scale=1, today=DAY)
    once = _past_rows(Region.objects.get(slug="north-east"))
    delete_scale_data()
    generate_scale_data(scale=1, today=DAY, history=3)
    thrice = _past_rows(Region.objects.get(slug="north-east"))
    assert thrice == {name: 3 * count for name, count in once.items()}
    assert once["plans"] == 2 and once["meetings"] > 0


def test_more_history_keeps_one_active_plan_and_adds_only_older_rows():
    generate_scale_data(scale=1, today=DAY, history=3)
    region = Region.objects.get(slug="north-east")
    plans = list(ActionPlan.objects.filter(region=region).order_by("start_date"))
    assert [plan.status for plan in plans] == ["closed"] * 6 + ["active"]
    # Each plan builds on the one before it, and ends before the next starts.
    assert [plan.builds_on for plan in plans] == [None, *plans[:-1]]
    assert all(earlier.end_date < later.start_date for earlier, later in pairwise(plans))
    assert not Snapshot.objects.filter(region=region, month__gt=DAY).exists()
    assert Snapshot.objects.filter(region=region, state="draft").count() == 1
    assert not QuarterlyMeeting.objects.filter(priority_area__plan__region=region, starts_at__date__gte=DAY).exists()
    # Old plans keep some actions open long past their due date: the dashboard lists only the
    # active plan's (sli_portal/tests/test_history_growth.py).
    assert MeetingAction.objects.filter(
        meeting__priority_area__plan__region=region,
        meeting__priority_area__plan__status="closed",
        done_at=None,
        due_date__lt=DAY,
    ).exists()


def test_more_history_leaves_the_first_unit_as_it_was():
    generate_scale_data(scale=1, regions=2, today=DAY)
    once = _fingerprint()
    delete_scale_data()
    generate_scale_data(scale=1, regions=2, today=DAY, history=2)
    twice = _fingerprint()
    # The rows of history 1 are all there, drawn the same way: the further unit only adds.
    assert set(once["plans"]) <= set(twice["plans"])
    assert set(once["challenges"]) <= set(twice["challenges"])
    assert set(once["snapshots"]) <= set(twice["snapshots"])
    assert set(once["objectives"]) <= set(twice["objectives"])


def test_the_same_history_on_the_same_day_generates_the_same_rows():
    generate_scale_data(scale=1, today=DAY, history=2)
    first = _fingerprint()
    delete_scale_data()
    generate_scale_data(scale=1, today=DAY, history=2)
    assert _fingerprint() == first


def test_the_command_takes_the_history():
    out = StringIO()
    call_command("generate_scale_data", "--scale", "1", "--history", "2", stdout=out)
    assert "at scale 1, history 2" in out.getvalue()
    assert ActionPlan.objects.filter(status="closed").count() == 4


def test_the_command_refuses_a_history_out_of_range():
    with pytest.raises(CommandError, match="history from 1 to 10"):
        call_command("generate_scale_data", "--history", "0", stdout=StringIO())
