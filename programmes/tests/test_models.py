import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from programmes.models import ActionPlan, Event, Membership
from programmes.tests.factories import (
    ActionPlanFactory,
    EventFactory,
    LocalAuthorityFactory,
    MembershipFactory,
    RegionFactory,
    UserFactory,
)
from sli_portal.core.quarters import Quarter
from sli_portal.tests.helpers import violates

pytestmark = pytest.mark.django_db

D = datetime.date


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


# Region


def test_region_overdue_years_must_come_after_due_years():
    with violates("region_overdue_after_due"):
        RegionFactory(peer_challenge_due_years=5, peer_challenge_overdue_years=5)


def test_region_short_name_prefers_the_network_name():
    assert RegionFactory(name="South West", network_name="SW ADPH").short_name == "SW ADPH"
    assert RegionFactory(name="London", network_name="").short_name == "London"


# LocalAuthority


def test_two_councils_of_a_region_cannot_share_a_name(region):
    LocalAuthorityFactory(region=region, name="Cornwall")
    with violates("local_authority_unique_name_in_region"):
        LocalAuthorityFactory(region=region, name="Cornwall")


def test_councils_of_different_regions_can_share_a_name(region, other_region):
    LocalAuthorityFactory(region=region, name="Newport")
    LocalAuthorityFactory(region=other_region, name="Newport")


# Membership


def test_a_user_holds_a_role_in_a_region_once(region):
    user = UserFactory()
    MembershipFactory(user=user, region=region, role=Membership.Role.COORDINATOR)
    with violates("membership_unique_role"):
        MembershipFactory(user=user, region=region, role=Membership.Role.COORDINATOR)


def test_a_user_can_hold_two_roles_in_a_region(region):
    user = UserFactory()
    MembershipFactory(user=user, region=region, role=Membership.Role.MEMBER)
    MembershipFactory(user=user, region=region, role=Membership.Role.SLI_LEAD)
    assert Membership.objects.filter(user=user).count() == 2


def test_a_user_is_a_national_board_viewer_once():
    user = UserFactory()
    MembershipFactory(user=user, region=None, role=Membership.Role.NATIONAL)
    with violates("membership_one_national_role"):
        MembershipFactory(user=user, region=None, role=Membership.Role.NATIONAL)


def test_database_refuses_a_national_membership_with_a_region(region):
    with violates("membership_region_unless_national"):
        MembershipFactory(region=region, role=Membership.Role.NATIONAL)


def test_database_refuses_a_regional_membership_without_a_region():
    with violates("membership_region_unless_national"):
        MembershipFactory(region=None, role=Membership.Role.MEMBER)


def test_clean_asks_to_leave_the_region_empty_for_a_national_viewer(region):
    membership = Membership(user=UserFactory(), region=region, role=Membership.Role.NATIONAL)
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert error.value.message_dict["region"] == ["Leave the region empty for a national board viewer"]


def test_clean_asks_for_the_region_of_a_regional_role():
    membership = Membership(user=UserFactory(), region=None, role=Membership.Role.COORDINATOR)
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert error.value.message_dict["region"] == ["Select the region"]


def test_clean_refuses_a_council_of_another_region(region, other_region):
    council = LocalAuthorityFactory(region=other_region)
    membership = Membership(user=UserFactory(), region=region, role=Membership.Role.MEMBER, local_authority=council)
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert error.value.message_dict["local_authority"] == ["Select a council of the same region"]


def test_clean_accepts_a_dph_with_a_council_of_the_region(region):
    council = LocalAuthorityFactory(region=region)
    Membership(user=UserFactory(), region=region, role=Membership.Role.MEMBER, local_authority=council).full_clean()


def test_for_user_gives_an_anonymous_visitor_no_membership(coordinator):
    assert not Membership.objects.for_user(AnonymousUser()).exists()
    assert Membership.objects.for_user(coordinator).count() == 1


def test_membership_changes_are_kept_in_history(coordinator):
    membership = Membership.objects.get(user=coordinator)
    membership.job_title = "SLI coordinator, SW ADPH"
    membership.save()
    assert membership.history.count() == 2


# ActionPlan


@pytest.mark.parametrize("end_date", [D(2024, 4, 1), D(2024, 3, 31)])
def test_database_refuses_a_plan_that_does_not_end_after_it_starts(end_date):
    with violates("action_plan_ends_after_start"):
        ActionPlanFactory(start_date=D(2024, 4, 1), end_date=end_date)


def test_clean_says_the_end_must_be_after_the_start(region):
    plan = ActionPlanFactory.build(region=region, start_date=D(2024, 4, 1), end_date=D(2024, 4, 1))
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert error.value.message_dict["end_date"] == ["The end date must be after the start date"]


def test_a_region_has_one_active_plan(plan):
    with violates("action_plan_one_active_per_region"):
        ActionPlanFactory(region=plan.region, status=ActionPlan.Status.ACTIVE)


def test_a_region_keeps_closed_and_draft_plans_beside_its_active_one(plan):
    ActionPlanFactory(region=plan.region, status=ActionPlan.Status.CLOSED)
    ActionPlanFactory(region=plan.region, status=ActionPlan.Status.DRAFT)
    assert ActionPlan.objects.filter(region=plan.region).count() == 3


def test_two_regions_each_have_an_active_plan(plan, other_region):
    ActionPlanFactory(region=other_region, status=ActionPlan.Status.ACTIVE)


def test_a_plan_title_is_unique_in_its_region(plan):
    with violates("action_plan_unique_title_in_region"):
        ActionPlanFactory(region=plan.region, title=plan.title, status=ActionPlan.Status.CLOSED)


def test_database_refuses_an_approved_plan_without_its_approval_date():
    with violates("action_plan_approved_has_date"):
        ActionPlanFactory(status=ActionPlan.Status.APPROVED, approved_on=None)


def test_clean_refuses_a_plan_building_on_itself(plan):
    plan.builds_on = plan
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert error.value.message_dict["builds_on"] == ["A plan cannot build on itself"]


def test_clean_refuses_building_on_a_plan_of_another_region(plan, other_region):
    plan.builds_on = ActionPlanFactory(region=other_region)
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert error.value.message_dict["builds_on"] == ["Select a plan of the same region"]


def test_public_plans_leave_out_drafts(region):
    draft = ActionPlanFactory(region=region, status=ActionPlan.Status.DRAFT)
    active = ActionPlanFactory(region=region, status=ActionPlan.Status.ACTIVE)
    closed = ActionPlanFactory(region=region, status=ActionPlan.Status.CLOSED)
    assert set(ActionPlan.objects.public()) == {active, closed}
    assert draft not in ActionPlan.objects.public()


def test_plan_quarters_cover_its_dates(plan):
    assert plan.quarters[0] == Quarter(2024, 1)
    assert plan.quarters[-1] == Quarter(2025, 4)
    assert len(plan.quarters) == 8


def test_plan_changes_are_kept_in_history(plan):
    plan.intro = "Our second plan."
    plan.save()
    assert plan.history.count() == 2
    assert plan.history.first().intro == "Our second plan."


# Event


def test_database_refuses_an_event_ending_before_it_starts():
    with violates("event_ends_after_start"):
        EventFactory(starts_at=at(2024, 5, 1, 10), ends_at=at(2024, 5, 1, 9))


def test_an_event_may_end_when_it_starts_or_stay_open_ended():
    EventFactory(starts_at=at(2024, 5, 1, 10), ends_at=at(2024, 5, 1, 10))
    EventFactory(starts_at=at(2024, 5, 1, 10), ends_at=None)
    assert Event.objects.count() == 2


def test_clean_says_an_event_must_end_after_it_starts(region):
    event = EventFactory.build(region=region, starts_at=at(2024, 5, 1, 10), ends_at=at(2024, 5, 1, 9))
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert error.value.message_dict["ends_at"] == ["The end must be after the start"]


def test_a_cover_colour_must_carry_white_text(region):
    region.accent_colour = "#ffdd00"  # GOV.UK yellow: white text on it is unreadable
    with pytest.raises(ValidationError, match="contrast of at least 4.5:1"):
        region.full_clean()
    region.accent_colour = "#00703c"
    region.full_clean()
    assert region.cover_colour == "#00703c"


def test_a_region_without_a_colour_has_the_plain_cover(region):
    assert region.cover_colour == "#1d70b8"
