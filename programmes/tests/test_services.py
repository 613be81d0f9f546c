import datetime

import pytest
from django.core.exceptions import ValidationError

from priorities import services as priority_services
from priorities.models import KeyObjective, PriorityArea, QuarterlyMeeting, QuarterlyUpdate
from priorities.tests.factories import QuarterlyMeetingFactory
from programmes import services
from programmes.models import ActionPlan, Event
from programmes.tests.factories import ActionPlanFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
Status = ActionPlan.Status


def draft(region, **fields):
    return ActionPlanFactory(region=region, status=Status.DRAFT, **fields)


# Creating and editing


def test_a_new_plan_is_a_draft(region):
    plan = services.create_plan(
        region=region, title="Plan 2026-2028", start_date=D(2026, 4, 1), end_date=D(2028, 3, 31)
    )
    assert plan.status == Status.DRAFT
    assert plan.approved_on is None


def test_a_plan_must_end_after_it_starts(region):
    with pytest.raises(ValidationError) as error:
        services.create_plan(region=region, title="Backwards", start_date=D(2026, 4, 1), end_date=D(2026, 3, 1))
    assert error.value.message_dict["end_date"] == ["The end date must be after the start date"]


def test_a_plan_title_is_unique_in_its_region(region, plan):
    with pytest.raises(ValidationError) as error:
        services.create_plan(region=region, title=plan.title.upper(), start_date=D(2026, 4, 1), end_date=D(2028, 3, 31))
    assert "already exists in this region" in error.value.message_dict["title"][0]


def test_a_plan_cannot_build_on_another_regions_plan(region, other_region):
    foreign = ActionPlanFactory(region=other_region)
    with pytest.raises(ValidationError) as error:
        services.create_plan(
            region=region, title="Next", start_date=D(2026, 4, 1), end_date=D(2028, 3, 31), builds_on=foreign
        )
    assert error.value.message_dict["builds_on"] == ["Select a plan of the same region"]


def test_a_closed_plan_cannot_be_edited(region):
    plan = ActionPlanFactory(region=region, status=Status.CLOSED)
    with pytest.raises(ValidationError):
        services.update_plan(plan=plan, title="Renamed")


def test_a_plan_cannot_build_on_itself(plan):
    with pytest.raises(ValidationError):
        services.update_plan(plan=plan, builds_on=plan)


# Status transitions


def test_approving_records_the_day(region):
    plan = draft(region)
    services.change_plan_status(plan=plan, to=Status.APPROVED, today=D(2026, 2, 15))
    plan.refresh_from_db()
    assert (plan.status, plan.approved_on) == (Status.APPROVED, D(2026, 2, 15))


def test_a_plan_moves_draft_approved_active_closed(region):
    plan = draft(region)
    for status in (Status.APPROVED, Status.ACTIVE, Status.CLOSED):
        services.change_plan_status(plan=plan, to=status)
        plan.refresh_from_db()
        assert plan.status == status


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (Status.DRAFT, Status.ACTIVE),
        (Status.DRAFT, Status.CLOSED),
        (Status.APPROVED, Status.DRAFT),
        (Status.ACTIVE, Status.APPROVED),
        (Status.CLOSED, Status.APPROVED),
        (Status.DRAFT, Status.DRAFT),
    ],
)
def test_only_the_next_step_is_allowed(region, start, to):
    plan = ActionPlanFactory(region=region, status=start)
    with pytest.raises(ValidationError, match="cannot become"):
        services.change_plan_status(plan=plan, to=to)
    plan.refresh_from_db()
    assert plan.status == start


def test_a_closed_plan_reopens_during_its_period(region):
    plan = ActionPlanFactory(region=region, status=Status.CLOSED, start_date=D(2025, 4, 1), end_date=D(2027, 3, 31))

    services.change_plan_status(plan=plan, to=Status.ACTIVE, today=D(2027, 3, 31))

    plan.refresh_from_db()
    assert plan.status == Status.ACTIVE
    # The history keeps both moves: who closed it, who reopened it.
    assert [record.status for record in plan.history.order_by("history_date")][-1:] == [Status.ACTIVE]


def test_a_plan_past_its_end_stays_closed(region):
    plan = ActionPlanFactory(region=region, status=Status.CLOSED, start_date=D(2025, 4, 1), end_date=D(2027, 3, 31))

    with pytest.raises(ValidationError) as error:
        services.change_plan_status(plan=plan, to=Status.ACTIVE, today=D(2027, 4, 1))

    assert error.value.messages == [
        f"“{plan.title}” ended on 31 March 2027: only a plan still within its period can be reopened"
    ]
    assert services.allowed_transitions(plan, D(2027, 4, 1)) == ()
    plan.refresh_from_db()
    assert plan.status == Status.CLOSED


def test_reopening_is_refused_while_another_plan_is_active(region, plan):
    closed = ActionPlanFactory(region=region, status=Status.CLOSED, start_date=D(2025, 4, 1), end_date=D(2027, 3, 31))

    with pytest.raises(ValidationError, match="is already the region’s active plan"):
        services.change_plan_status(plan=closed, to=Status.ACTIVE, today=D(2026, 6, 1))
    closed.refresh_from_db()
    assert closed.status == Status.CLOSED


def test_the_reopen_button_says_so(region):
    plan = ActionPlanFactory(region=region, status=Status.CLOSED)
    assert services.transition_action(plan, Status.ACTIVE) == "Reopen plan"
    plan.status = Status.APPROVED
    assert services.transition_action(plan, Status.ACTIVE) == "Make active"


def test_an_unknown_status_is_refused(plan):
    with pytest.raises(ValidationError, match="Select a status"):
        services.change_plan_status(plan=plan, to="published")


def test_a_second_active_plan_is_refused_with_a_clear_message(region, plan):
    second = ActionPlanFactory(region=region, status=Status.APPROVED, start_date=D(2026, 4, 1), end_date=D(2028, 3, 31))
    with pytest.raises(ValidationError) as error:
        services.change_plan_status(plan=second, to=Status.ACTIVE)
    assert error.value.messages == [
        f"“{plan.title}” is already the region’s active plan: close it before making this one active"
    ]
    second.refresh_from_db()
    assert second.status == Status.APPROVED


def test_another_regions_active_plan_does_not_block_activation(region, other_region):
    ActionPlanFactory(region=other_region, status=Status.ACTIVE)
    plan = ActionPlanFactory(region=region, status=Status.APPROVED)
    services.change_plan_status(plan=plan, to=Status.ACTIVE)
    assert plan.status == Status.ACTIVE


# Copying into the next period


def test_copy_carries_priorities_and_objectives_over_to_a_new_draft(plan, progress, priority_1, dph_lead):
    priority_1.deputy_lead = UserFactory(username="deputy")
    priority_1.save()
    QuarterlyMeetingFactory(priority_area=priority_1)

    new = priority_services.copy_plan(plan=plan, title="Next plan", start_date=D(2026, 4, 1), end_date=D(2028, 3, 31))

    assert (new.status, new.builds_on, new.region) == (Status.DRAFT, plan, plan.region)
    areas = list(PriorityArea.objects.filter(plan=new).order_by("number"))
    assert [(a.number, a.title, a.lead_id) for a in areas] == [
        (1, "Healthy places", dph_lead.pk),
        (2, "Health inequalities", plan.priority_areas.get(number=2).lead_id),
    ]
    assert areas[0].deputy_lead.username == "deputy"
    objectives = list(KeyObjective.objects.filter(plan=new).order_by("number"))
    assert [(o.number, o.priority_area.number) for o in objectives] == [(1, 1), (2, 2), (3, 1)]
    assert {o.sign_off_state for o in objectives} == {KeyObjective.SignOff.PROPOSED}
    assert all(o.signed_off_at is None and o.target_date is None for o in objectives)
    assert not QuarterlyUpdate.objects.filter(key_objective__plan=new).exists()
    assert not QuarterlyMeeting.objects.filter(priority_area__plan=new).exists()
    # The old plan is untouched.
    assert KeyObjective.objects.filter(plan=plan, sign_off_state=KeyObjective.SignOff.SIGNED_OFF).count() == 2


def test_a_copy_that_fails_leaves_nothing_behind(plan, progress):
    with pytest.raises(ValidationError):
        priority_services.copy_plan(plan=plan, title=plan.title, start_date=D(2026, 4, 1), end_date=D(2028, 3, 31))
    assert ActionPlan.objects.count() == 1


# Events


def test_an_event_cannot_end_before_it_starts(region):
    starts = datetime.datetime(2026, 5, 1, 10, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError):
        services.create_event(
            region=region, title="Backwards", starts_at=starts, ends_at=starts - datetime.timedelta(hours=1)
        )
    assert not Event.objects.exists()


def test_an_event_is_updated_and_deleted(region):
    starts = datetime.datetime(2026, 5, 1, 10, tzinfo=datetime.UTC)
    event = services.create_event(region=region, title="Workshop", starts_at=starts)
    services.update_event(event=event, title="Renamed workshop")
    assert Event.objects.get().title == "Renamed workshop"
    services.delete_event(event=event)
    assert not Event.objects.exists()
