"""The 4–5 year cycle: the fixed rule at its boundaries, and the region's view of it."""

import datetime

import pytest

from peer_challenges.models import PeerChallenge, add_months
from peer_challenges.services import (
    add_years,
    council_cycle_of,
    cycle_candidates,
    cycle_status,
    milestones_between,
    region_cycle_statuses,
)
from peer_challenges.tests.factories import PeerChallengeFactory
from programmes.tests.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db

D = datetime.date
Kind = PeerChallenge.Kind
Stage = PeerChallenge.Stage


def _visit(council, end, *, kind=Kind.CORPORATE, stage=Stage.CLOSED, days=3):
    return PeerChallengeFactory(
        local_authority=council,
        kind=kind,
        stage=stage,
        onsite_start=end - datetime.timedelta(days=days),
        onsite_end=end,
    )


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (D(2024, 10, 5), "current"),  # the day before the 4th anniversary
        (D(2024, 10, 6), "due"),  # exactly 4 years
        (D(2024, 10, 7), "due"),  # 4 years and a day
        (D(2025, 10, 6), "due"),  # exactly 5 years: the latest compliant date
        (D(2025, 10, 7), "overdue"),  # the day after
    ],
)
def test_cycle_rule_at_its_boundaries(council, today, status):
    _visit(council, D(2020, 10, 6))
    assert cycle_status(council, today=today) == status


def test_the_years_come_from_the_region(council, region):
    region.peer_challenge_due_years, region.peer_challenge_overdue_years = 3, 4
    region.save()
    _visit(council, D(2020, 10, 6))
    assert cycle_status(council, today=D(2023, 10, 6)) == "due"
    assert cycle_status(council, today=D(2024, 10, 7)) == "overdue"


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (D(2024, 2, 28), "current"),
        (D(2024, 2, 29), "due"),  # 4 years on is a leap year again
        (D(2025, 2, 28), "due"),  # the 5th anniversary of 29 February 2020 in a common year
        (D(2025, 3, 1), "overdue"),
    ],
)
def test_an_anniversary_of_29_february_falls_on_28_february(council, today, status):
    _visit(council, D(2020, 2, 29))
    assert cycle_status(council, today=today) == status


def test_a_due_anniversary_of_29_february_falls_on_28_february(council, region):
    region.peer_challenge_due_years = 3
    region.save()
    _visit(council, D(2020, 2, 29))
    assert cycle_status(council, today=D(2023, 2, 27)) == "current"
    assert cycle_status(council, today=D(2023, 2, 28)) == "due"


def test_add_years_and_months_at_month_ends():
    assert add_years(D(2020, 2, 29), 4) == D(2024, 2, 29)
    assert add_years(D(2020, 2, 29), 5) == D(2025, 2, 28)
    assert add_months(D(2023, 8, 31), 3) == D(2023, 11, 30)
    assert add_months(D(2023, 11, 30), 3) == D(2024, 2, 29)
    assert add_months(D(2023, 10, 6), 12) == D(2024, 10, 6)


def test_a_council_without_a_challenge_is_never_recorded(council):
    assert cycle_status(council, today=D(2024, 1, 1)) == "never"


@pytest.mark.parametrize("kind", [Kind.PUBLIC_HEALTH, Kind.CHILDRENS_SERVICES, Kind.ADULT_SOCIAL_CARE, Kind.OTHER])
def test_sector_specific_challenges_do_not_count(council, kind):
    _visit(council, D(2023, 10, 6), kind=kind)
    assert cycle_status(council, today=D(2024, 1, 1)) == "never"


def test_a_finance_challenge_counts(council):
    _visit(council, D(2015, 1, 1))
    _visit(council, D(2023, 10, 6), kind=Kind.FINANCE)
    assert cycle_status(council, today=D(2024, 1, 1)) == "current"


def test_the_latest_visit_counts(council):
    _visit(council, D(2023, 10, 6))
    _visit(council, D(2015, 1, 1))
    assert cycle_status(council, today=D(2024, 1, 1)) == "current"


def test_a_booked_visit_beats_overdue(council):
    _visit(council, D(2015, 10, 6))
    _visit(council, D(2024, 6, 14), stage=Stage.SCOPING)
    assert cycle_status(council, today=D(2024, 1, 1)) == "booked"


def test_a_future_visit_is_not_the_last_one(council):
    _visit(council, D(2024, 6, 14), stage=Stage.SCOPING)
    cycle = region_cycle_statuses(council.region, today=D(2024, 1, 1))[0]
    assert (cycle.status, cycle.last_challenge, cycle.due_by) == ("booked", None, None)


def test_a_visit_in_progress_is_booked_and_counts_the_day_after_it_ends(council):
    _visit(council, D(2024, 1, 5), stage=Stage.ON_SITE)
    assert cycle_status(council, today=D(2024, 1, 5)) == "booked"
    assert cycle_status(council, today=D(2024, 1, 6)) == "current"


def test_a_cancelled_challenge_is_ignored(council):
    _visit(council, D(2015, 10, 6))
    _visit(council, D(2023, 6, 14), stage=Stage.CANCELLED)
    _visit(council, D(2024, 6, 14), stage=Stage.CANCELLED)
    assert cycle_status(council, today=D(2024, 1, 1)) == "overdue"


def test_a_postponed_challenge_with_a_new_date_is_booked_but_never_the_last(council):
    postponed = _visit(council, D(2023, 6, 14), stage=Stage.POSTPONED)
    assert cycle_status(council, today=D(2024, 1, 1)) == "never"
    postponed.onsite_start, postponed.onsite_end = D(2024, 3, 4), D(2024, 3, 7)
    postponed.save()
    assert cycle_status(council, today=D(2024, 1, 1)) == "booked"


def test_region_cycle_statuses_gives_every_active_council_with_its_window(region, council):
    last = _visit(council, D(2020, 10, 6))
    LocalAuthorityFactory(region=region, name="Devon", gss_code="E10000008")
    LocalAuthorityFactory(region=region, name="Gone", gss_code="E10000099", active=False)
    cycles = region_cycle_statuses(region, today=D(2024, 12, 1))
    assert [(c.local_authority.name, c.status) for c in cycles] == [("Cornwall", "due"), ("Devon", "never")]
    assert (cycles[0].last_challenge, cycles[0].due_from, cycles[0].due_by) == (last, D(2024, 10, 6), D(2025, 10, 6))


def test_region_cycle_statuses_reads_in_three_queries(region, django_assert_num_queries):
    for number in range(10):
        _visit(LocalAuthorityFactory(region=region), D(2020, 1, 1) + datetime.timedelta(days=30 * number))
    # The region's settings, the councils, then their challenges.
    with django_assert_num_queries(3):
        cycles = region_cycle_statuses(region, today=D(2024, 12, 1))
        [c.last_challenge.local_authority.name for c in cycles]


def test_the_region_reads_only_each_councils_latest_held_visit_and_those_ahead(region, council):
    today = D(2024, 12, 1)
    for year in (2008, 2012, 2016):
        _visit(council, D(year, 5, 1))
    latest = _visit(council, D(2020, 10, 6))
    _visit(council, D(2023, 3, 1), kind=Kind.PUBLIC_HEALTH)  # not a kind the cycle counts
    _visit(council, D(2024, 6, 1), stage=Stage.CANCELLED)  # later, but never held
    booked = _visit(council, D(2025, 3, 6), stage=Stage.SCOPING)
    read = list(cycle_candidates([council.pk], cycle_kinds=PeerChallenge.LGA_KINDS, today=today))
    assert read == [latest, booked]
    # …and the cycle is the one read from every challenge of the council.
    [cycle] = region_cycle_statuses(region, today=today)
    assert cycle == council_cycle_of(council, today=today)
    assert (cycle.status, cycle.last_challenge, cycle.next_booked) == ("booked", latest, booked)


def test_milestones_between_lists_the_regions_dates_in_order(region, council, other_region):
    challenge = PeerChallengeFactory(
        local_authority=council,
        onsite_start=D(2024, 3, 4),
        onsite_end=D(2024, 3, 7),
        feedback_date=D(2024, 3, 7),
        report_published_on=D(2024, 5, 20),
        progress_review_date=D(2025, 1, 15),
    )
    PeerChallengeFactory(
        local_authority=LocalAuthorityFactory(region=region),
        stage=Stage.CANCELLED,
        onsite_start=D(2024, 3, 11),
        onsite_end=D(2024, 3, 14),
    )
    PeerChallengeFactory(
        local_authority=LocalAuthorityFactory(region=other_region),
        onsite_start=D(2024, 3, 11),
        onsite_end=D(2024, 3, 14),
    )
    milestones = milestones_between(region, D(2024, 3, 1), D(2024, 12, 31))
    assert [(m.date, m.label) for m in milestones] == [
        (D(2024, 3, 4), "Cornwall: corporate peer challenge on-site visit"),
        (D(2024, 3, 7), "Cornwall: corporate peer challenge feedback presentation"),
        (D(2024, 5, 20), "Cornwall: corporate peer challenge report published"),
    ]
    assert all(m.challenge == challenge for m in milestones)
