"""The reporting calendar (shared/DESIGN.md): due dates, the last due quarter, what an objective
owes, and what is overdue, at their boundaries."""

import datetime

import pytest
from django.utils import timezone

from priorities.models import KeyObjective, QuarterlyUpdate
from priorities.reporting import last_due_quarter, missing_updates, reporting_calendar, update_due_date
from priorities.tests.factories import KeyObjectiveFactory, PriorityAreaFactory, QuarterlyUpdateFactory
from programmes.tests.factories import ActionPlanFactory
from sli_portal.core.quarters import Quarter

pytestmark = pytest.mark.django_db

Q1, Q2, Q3, Q4 = Quarter(2024, 1), Quarter(2024, 2), Quarter(2024, 3), Quarter(2024, 4)


def london(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


def signed_off(priority_area, number, on: datetime.date, hour: int = 12) -> KeyObjective:
    return KeyObjectiveFactory(
        priority_area=priority_area,
        number=number,
        sign_off_state=KeyObjective.SignOff.SIGNED_OFF,
        signed_off_at=london(on, hour),
    )


def submitted(objective, quarter, rag="green"):
    return QuarterlyUpdateFactory(
        key_objective=objective, quarter=quarter, rag_status=rag, submitted_at=london(quarter.end_date)
    )


def owes(objective, quarter) -> bool:
    return KeyObjective.objects.owing(quarter).filter(pk=objective.pk).exists()


# Due dates and the last due quarter


def test_updates_are_due_the_regions_days_after_the_quarter_ends(region):
    assert update_due_date(region, Q1) == datetime.date(2024, 7, 14)
    region.update_due_days = 30
    assert update_due_date(region, Quarter(2023, 4)) == datetime.date(2024, 4, 30)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2024, 7, 14), Quarter(2023, 4)),  # Q1's due day: still being collected
        (datetime.date(2024, 7, 15), Q1),  # the day after: Q1 is due, and overdue where missing
        (datetime.date(2024, 10, 1), Q1),
        (datetime.date(2025, 1, 14), Q2),  # Q3 (October-December) is due in the new year
        (datetime.date(2025, 1, 15), Q3),
        (datetime.date(2025, 3, 31), Q3),  # 31 March and 1 April: Q4 only ends, it is not due
        (datetime.date(2025, 4, 1), Q3),
        (datetime.date(2025, 4, 15), Q4),
    ],
)
def test_the_last_due_quarter_is_the_latest_whose_due_date_is_before_today(region, today, expected):
    assert last_due_quarter(region, today) == expected


def test_a_long_due_period_reaches_further_back(region):
    region.update_due_days = 60
    assert last_due_quarter(region, datetime.date(2024, 8, 29)) == Quarter(2023, 4)
    assert last_due_quarter(region, datetime.date(2024, 8, 30)) == Q1


# What an objective owes


def test_a_proposed_objective_owes_nothing(priority_1):
    proposed = KeyObjectiveFactory(priority_area=priority_1, number=1)
    assert not any(owes(proposed, quarter) for quarter in (Q1, Q2, Q3, Q4))


def test_an_objective_owes_from_the_quarter_in_which_it_was_signed_off(priority_1):
    objective = signed_off(priority_1, 1, on=datetime.date(2024, 11, 30))
    assert [owes(objective, q) for q in (Q1, Q2, Q3, Q4)] == [False, False, True, True]


def test_signed_off_on_the_last_day_of_a_quarter_it_owes_that_quarter(priority_1):
    late_evening = signed_off(priority_1, 1, on=datetime.date(2024, 9, 30), hour=23)
    next_morning = signed_off(priority_1, 2, on=datetime.date(2024, 10, 1), hour=0)
    assert owes(late_evening, Q2) and not owes(next_morning, Q2)
    assert owes(next_morning, Q3)


def test_a_plan_starting_mid_quarter_owes_that_quarter_but_nothing_after_its_end(region):
    plan = ActionPlanFactory(
        region=region,
        title="Mid-quarter plan",
        start_date=datetime.date(2024, 5, 15),
        end_date=datetime.date(2025, 2, 14),
    )
    area = PriorityAreaFactory(plan=plan, number=1)
    objective = signed_off(area, 1, on=datetime.date(2024, 5, 20))
    # Q1 ends on 30 June, within the plan; Q4 ends on 31 March, after the plan ended.
    assert [owes(objective, q) for q in (Q1, Q2, Q3, Q4)] == [True, True, True, False]


def test_a_complete_objective_owes_nothing_after_the_quarter_it_completed(priority_1):
    objective = signed_off(priority_1, 1, on=datetime.date(2024, 4, 10))
    submitted(objective, Q1, rag="complete")
    assert owes(objective, Q1)  # the Complete update is Q1's own
    assert not owes(objective, Q2) and not owes(objective, Q3)


def test_a_draft_marked_complete_does_not_end_what_is_owed(priority_1):
    objective = signed_off(priority_1, 1, on=datetime.date(2024, 4, 10))
    QuarterlyUpdateFactory(key_objective=objective, quarter=Q1, rag_status="complete", submitted_at=None)
    assert owes(objective, Q2)


# Missing and overdue


def test_missing_updates_are_those_owed_without_a_submitted_update(priority_1):
    done = signed_off(priority_1, 1, on=datetime.date(2024, 4, 10))
    submitted(done, Q1)
    draft_only = signed_off(priority_1, 2, on=datetime.date(2024, 4, 10))
    QuarterlyUpdateFactory(key_objective=draft_only, quarter=Q1, submitted_at=None)
    other_quarter_only = signed_off(priority_1, 3, on=datetime.date(2024, 4, 10))
    submitted(other_quarter_only, Q2)
    signed_off(priority_1, 4, on=datetime.date(2024, 8, 1))  # signed off in Q2: owes no Q1 update
    KeyObjectiveFactory(priority_area=priority_1, number=5)  # proposed

    assert list(missing_updates(priority_1.plan, Q1)) == [draft_only, other_quarter_only]


@pytest.mark.parametrize("count", [1, 10])
def test_the_calendar_takes_two_queries_whatever_the_plan(priority_1, count, django_assert_num_queries):
    for number in range(1, count + 1):
        signed_off(priority_1, number, on=datetime.date(2024, 4, 10))
    plan = priority_1.plan
    plan.region  # noqa: B018 - loaded by the caller, as the pages do
    # One read per quarter: the objectives owing it, each marked whether it has submitted.
    with django_assert_num_queries(2):
        calendar = reporting_calendar(plan, today=datetime.date(2024, 8, 1))
        leads = [objective.priority_area.lead.username for objective in calendar.overdue]
    assert leads == ["dph-lead"] * count


def test_a_new_objective_signed_off_today_is_overdue_for_nothing(priority_1):
    """The reviewers' case: signed off on 30 November (in Q3), it owes Q3, due 14 January."""
    objective = signed_off(priority_1, 1, on=datetime.date(2024, 11, 30))
    calendar = reporting_calendar(priority_1.plan, today=datetime.date(2024, 11, 30))
    assert calendar.last_due.quarter == Q2 and calendar.overdue == []
    assert calendar.collecting.quarter == Q3 and calendar.collecting.missing == [objective]
    assert calendar.collecting.summary == "2024/25 Q3: 0 of 1 submitted, due 14 January 2025"


def test_an_early_update_counts_for_the_quarter_being_collected_not_the_headline(priority_1):
    objective = signed_off(priority_1, 1, on=datetime.date(2024, 4, 10))
    submitted(objective, Q1)
    QuarterlyUpdate.objects.create(
        key_objective=objective, quarter=Q3, rag_status="amber", submitted_at=london(datetime.date(2024, 11, 1))
    )
    calendar = reporting_calendar(priority_1.plan, today=datetime.date(2024, 11, 30))
    assert calendar.headline_quarter == Q2
    assert calendar.overdue == [objective]  # Q2 was never submitted
    assert calendar.collecting.submitted == 1
