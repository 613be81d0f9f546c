import datetime
from collections import Counter

import pytest
from django.utils import timezone

from priorities import selectors
from priorities.models import KeyObjective, MeetingAction, QuarterlyUpdate
from priorities.tests.factories import (
    KeyObjectiveFactory,
    PriorityAreaFactory,
    ProjectFactory,
    QuarterlyMeetingFactory,
    QuarterlyUpdateFactory,
)
from programmes.models import ActionPlan
from programmes.tests.factories import ActionPlanFactory, LocalAuthorityFactory, RegionFactory
from sli_portal.core.quarters import Quarter

pytestmark = pytest.mark.django_db

Q1, Q2, Q3 = Quarter(2024, 1), Quarter(2024, 2), Quarter(2024, 3)
NOW = datetime.datetime(2024, 7, 5, 12, tzinfo=datetime.UTC)


def signed_off(priority_area, number, **fields):
    return KeyObjectiveFactory(
        priority_area=priority_area,
        number=number,
        sign_off_state=KeyObjective.SignOff.SIGNED_OFF,
        signed_off_at=NOW,
        **fields,
    )


def submitted(objective, quarter, rag=QuarterlyUpdate.Rag.GREEN, **fields):
    return QuarterlyUpdateFactory(key_objective=objective, quarter=quarter, rag_status=rag, submitted_at=NOW, **fields)


def many_objectives(priority_area, count, start):
    """`count` signed-off objectives each with submitted Q1 and Q2 updates and a Q3 draft."""
    for number in range(start, start + count):
        objective = signed_off(priority_area, number)
        submitted(objective, Q1, QuarterlyUpdate.Rag.AMBER, achievements="Something")
        submitted(objective, Q2, QuarterlyUpdate.Rag.GREEN, achievements="More")
        QuarterlyUpdateFactory(key_objective=objective, quarter=Q3, submitted_at=None)


# latest_submitted_updates


def test_latest_submitted_update_is_the_latest_quarter_not_a_draft(priority_1):
    objective = signed_off(priority_1, 1)
    submitted(objective, Q1)
    latest = submitted(objective, Q2)
    QuarterlyUpdateFactory(key_objective=objective, quarter=Q3, submitted_at=None)

    assert selectors.latest_submitted_updates(priority_1.plan) == {objective.pk: latest}


def test_latest_submitted_updates_up_to_a_quarter_ignore_later_ones(priority_1):
    objective = signed_off(priority_1, 1)
    first = submitted(objective, Q1)
    submitted(objective, Q2)

    # A snapshot of an earlier month reports what was known then.
    assert selectors.latest_submitted_updates(priority_1.plan, up_to=Q1) == {objective.pk: first}


def test_latest_submitted_updates_leave_out_objectives_without_one(priority_1):
    signed_off(priority_1, 1)
    assert selectors.latest_submitted_updates(priority_1.plan) == {}


def test_latest_submitted_updates_leave_out_other_plans(priority_1):
    other = PriorityAreaFactory(plan=ActionPlanFactory(), number=1)
    submitted(signed_off(other, 1), Q1)
    assert selectors.latest_submitted_updates(priority_1.plan) == {}


@pytest.mark.parametrize("count", [1, 10])
def test_latest_submitted_updates_is_one_query(priority_1, count, django_assert_num_queries):
    many_objectives(priority_1, count, start=1)
    # The submitted updates of the plan with their authors.
    with django_assert_num_queries(1):
        latest = selectors.latest_submitted_updates(priority_1.plan)
    assert len(latest) == count
    assert {update.quarter for update in latest.values()} == {Q2}


# rag_matrix


def test_rag_matrix_counts_submitted_updates_per_priority_and_quarter(priority_1, priority_2):
    first, second = signed_off(priority_1, 1), signed_off(priority_1, 2)
    submitted(first, Q1, QuarterlyUpdate.Rag.RED)
    submitted(second, Q1, QuarterlyUpdate.Rag.RED)
    submitted(first, Q2, QuarterlyUpdate.Rag.AMBER)
    QuarterlyUpdateFactory(key_objective=second, quarter=Q2, rag_status="green", submitted_at=None)
    submitted(signed_off(priority_2, 3), Q2, QuarterlyUpdate.Rag.COMPLETE)

    matrix = selectors.rag_matrix(priority_1.plan, [Q1, Q2])

    assert matrix[priority_1.pk] == {Q1: Counter(red=2), Q2: Counter(amber=1)}
    assert matrix[priority_2.pk] == {Q1: Counter(), Q2: Counter(complete=1)}


def test_rag_matrix_ignores_quarters_not_asked_for(priority_1):
    submitted(signed_off(priority_1, 1), Q3)
    assert selectors.rag_matrix(priority_1.plan, [Q1, Q2]) == {}


def test_a_complete_objective_counts_as_complete_in_later_quarters(priority_1):
    done_early, done_before_the_window, running = (signed_off(priority_1, n) for n in (1, 2, 3))
    submitted(done_early, Q1, QuarterlyUpdate.Rag.COMPLETE)
    submitted(done_before_the_window, Quarter(2023, 4), QuarterlyUpdate.Rag.COMPLETE)
    submitted(running, Q1, QuarterlyUpdate.Rag.AMBER)
    submitted(running, Q2, QuarterlyUpdate.Rag.RED)

    matrix = selectors.rag_matrix(priority_1.plan, [Q1, Q2, Q3])

    # Finishing work never shrinks a headline: no update is owed after Complete, yet it counts.
    assert matrix[priority_1.pk] == {
        Q1: Counter(complete=2, amber=1),
        Q2: Counter(complete=2, red=1),
        Q3: Counter(complete=2),
    }


def test_a_complete_objective_is_not_counted_before_it_was_complete(priority_1):
    objective = signed_off(priority_1, 1)
    submitted(objective, Q1, QuarterlyUpdate.Rag.GREEN)
    submitted(objective, Q3, QuarterlyUpdate.Rag.COMPLETE)

    matrix = selectors.rag_matrix(priority_1.plan, [Q1, Q2, Q3])

    assert matrix[priority_1.pk] == {Q1: Counter(green=1), Q2: Counter(), Q3: Counter(complete=1)}


def test_a_draft_or_proposed_complete_is_not_carried_forward(priority_1):
    QuarterlyUpdateFactory(
        key_objective=signed_off(priority_1, 1), quarter=Q1, rag_status=QuarterlyUpdate.Rag.COMPLETE, submitted_at=None
    )
    proposed = KeyObjectiveFactory(priority_area=priority_1, number=2, sign_off_state=KeyObjective.SignOff.PROPOSED)
    submitted(proposed, Q1, QuarterlyUpdate.Rag.COMPLETE)

    assert selectors.rag_matrix(priority_1.plan, [Q2]) == {}


@pytest.mark.parametrize("count", [1, 10])
def test_rag_matrix_is_one_query(priority_1, count, django_assert_num_queries):
    many_objectives(priority_1, count, start=1)
    # One grouped read of (priority area, quarter, RAG) of the submitted updates.
    with django_assert_num_queries(1):
        matrix = selectors.rag_matrix(priority_1.plan, [Q1, Q2, Q3])
    assert matrix[priority_1.pk][Q1] == Counter(amber=count)
    assert matrix[priority_1.pk][Q3] == Counter()


# meetings


def test_overdue_meeting_actions_are_open_and_past_due_in_the_region(priority_1, other_region):
    meeting = QuarterlyMeetingFactory(priority_area=priority_1)
    today = datetime.date(2024, 8, 1)
    overdue = MeetingAction.objects.create(meeting=meeting, description="Late", due_date=datetime.date(2024, 7, 1))
    MeetingAction.objects.create(meeting=meeting, description="Due today", due_date=today)
    MeetingAction.objects.create(
        meeting=meeting, description="Done", due_date=datetime.date(2024, 7, 1), done_at=timezone.now()
    )
    MeetingAction.objects.create(meeting=meeting, description="No date")
    elsewhere = QuarterlyMeetingFactory(priority_area=PriorityAreaFactory(plan=ActionPlanFactory(region=other_region)))
    MeetingAction.objects.create(meeting=elsewhere, description="Theirs", due_date=datetime.date(2024, 7, 1))

    assert list(selectors.overdue_meeting_actions(priority_1.plan.region, today)) == [overdue]


def test_upcoming_meetings_start_today_or_later_soonest_first(priority_1, priority_2):
    today = datetime.date(2024, 8, 1)
    QuarterlyMeetingFactory(
        priority_area=priority_1, quarter=Q1, starts_at=datetime.datetime(2024, 6, 1, 10, tzinfo=datetime.UTC)
    )
    later = QuarterlyMeetingFactory(
        priority_area=priority_1, quarter=Q2, starts_at=datetime.datetime(2024, 9, 1, 10, tzinfo=datetime.UTC)
    )
    sooner = QuarterlyMeetingFactory(
        priority_area=priority_2, quarter=Q2, starts_at=datetime.datetime(2024, 8, 1, 9, tzinfo=datetime.UTC)
    )

    assert list(selectors.upcoming_meetings(priority_1.plan.region, today)) == [sooner, later]
    assert list(selectors.upcoming_meetings(priority_1.plan.region, today, limit=1)) == [sooner]


# priority_areas_led_by


def test_priority_areas_led_by_include_deputies_and_active_plans_only(priority_1, priority_2, dph_lead):
    priority_2.deputy_lead = dph_lead
    priority_2.save()
    closed = ActionPlanFactory(region=priority_1.plan.region, status=ActionPlan.Status.CLOSED)
    PriorityAreaFactory(plan=closed, number=1, lead=dph_lead)

    assert list(selectors.priority_areas_led_by(dph_lead)) == [priority_1, priority_2]
    assert list(selectors.priority_areas_led_by(dph_lead, plan=closed)) != []


def test_priority_areas_led_by_nobody_for_a_member(priority_1, member):
    assert list(selectors.priority_areas_led_by(member)) == []


# quarter_highlights


def test_quarter_highlights_are_submitted_updates_with_achievements(priority_1):
    first, second, third = (signed_off(priority_1, n) for n in (1, 2, 3))
    highlight = submitted(first, Q1, achievements="Launched the campaign")
    submitted(second, Q1, achievements="")
    QuarterlyUpdateFactory(key_objective=third, quarter=Q1, achievements="Draft", submitted_at=None)

    assert list(selectors.quarter_highlights(priority_1.plan, Q1)) == [highlight]


@pytest.mark.parametrize("count", [1, 10])
def test_quarter_highlights_is_one_query(priority_1, count, django_assert_num_queries):
    many_objectives(priority_1, count, start=1)
    # One query: updates joined to their objective, priority area and author.
    with django_assert_num_queries(1):
        titles = [u.key_objective.priority_area.title for u in selectors.quarter_highlights(priority_1.plan, Q2)]
    assert len(titles) == count


# badged_projects


@pytest.mark.parametrize("count", [1, 10])
def test_badged_projects_prefetch_councils_and_objectives(region, priority_1, count, django_assert_num_queries):
    objective = signed_off(priority_1, 1)
    council = LocalAuthorityFactory(region=region)
    for _ in range(count):
        project = ProjectFactory(region=region)
        project.councils.add(council)
        project.key_objectives.add(objective)
    ProjectFactory(region=RegionFactory())
    # Projects, their councils, their key objectives.
    with django_assert_num_queries(3):
        projects = list(selectors.badged_projects(region))
        names = [[c.name for c in p.councils.all()] + [o.title for o in p.key_objectives.all()] for p in projects]
    assert len(names) == count


# plan_reporting


def plan_of(region, title, status, start, end):
    return ActionPlanFactory(region=region, title=title, status=status, start_date=start, end_date=end)


CLOSED, ACTIVE = ActionPlan.Status.CLOSED, ActionPlan.Status.ACTIVE
D = datetime.date


def test_a_report_of_a_quarter_is_about_the_plan_running_then(region):
    closed = plan_of(region, "2022-2024", CLOSED, D(2022, 10, 1), D(2024, 3, 31))
    active = plan_of(region, "2024-2026", ACTIVE, D(2024, 4, 1), D(2026, 3, 31))

    assert selectors.plan_reporting(region, Quarter(2023, 4)) == closed
    assert selectors.plan_reporting(region, Quarter(2024, 1)) == active
    # Before any plan, or between plans: the active one.
    assert selectors.plan_reporting(region, Quarter(2020, 1)) == active


def test_the_active_plan_comes_first_when_a_closed_one_overlaps_it(region):
    plan_of(region, "Old", CLOSED, D(2023, 4, 1), D(2025, 3, 31))
    active = plan_of(region, "New", ACTIVE, D(2024, 10, 1), D(2026, 3, 31))

    assert selectors.plan_reporting(region, Quarter(2024, 3)) == active


def test_no_plan_to_report(region):
    ActionPlanFactory(region=region, status=ActionPlan.Status.DRAFT)
    assert selectors.plan_reporting(region, Quarter(2024, 1)) is None
