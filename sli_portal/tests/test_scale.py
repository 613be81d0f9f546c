"""The national-scale data generator: deterministic, additive, refusing a second run."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from peer_challenges.models import PeerChallenge
from priorities.models import KeyObjective, QuarterlyUpdate
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
