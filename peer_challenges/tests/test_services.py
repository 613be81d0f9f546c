"""Stages, late milestones, warnings and the planner."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import ValidationError

from peer_challenges import services
from peer_challenges.models import PeerChallenge, PeerChallengeSettings, PeerTeamMember
from peer_challenges.tests.factories import PeerChallengeFactory, PeerTeamMemberFactory
from programmes.tests.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db

D = datetime.date
Stage = PeerChallenge.Stage


# Late milestones: the LGA's corporate timetable (the challenge's visit ended on 6 October 2023)


def _late_keys(challenge, today, timetable=None):
    timetable = timetable or PeerChallengeSettings(region=challenge.local_authority.region)
    return [m.key for m in challenge.late_milestones(today, timetable)]


@pytest.mark.parametrize(
    ("done_before", "key", "deadline"),
    [
        ((), "report", D(2024, 1, 6)),
        (("report_published_on",), "action_plan", D(2024, 3, 6)),
        (("report_published_on", "action_plan_published_on"), "progress_review", D(2024, 8, 6)),
        (
            ("report_published_on", "action_plan_published_on", "progress_review_date"),
            "progress_review_report",
            D(2024, 10, 6),
        ),
    ],
)
def test_each_lga_deadline_is_flagged_from_the_day_after(challenge, done_before, key, deadline):
    for field in done_before:
        setattr(challenge, field, D(2023, 12, 1))
    day = datetime.timedelta(days=1)
    assert key not in _late_keys(challenge, deadline - day)
    assert key not in _late_keys(challenge, deadline)
    assert key in _late_keys(challenge, deadline + day)
    # Done on the day after: it is late until then, not afterwards.
    setattr(challenge, dict(REPORT_FIELDS)[key], deadline + day)
    assert key not in _late_keys(challenge, deadline + day)


REPORT_FIELDS = [
    ("report", "report_published_on"),
    ("action_plan", "action_plan_published_on"),
    ("progress_review", "progress_review_date"),
    ("progress_review_report", "progress_review_report_published_on"),
]


def test_months_are_counted_from_the_visits_last_day_and_clamped_to_the_months_end(council):
    challenge = PeerChallengeFactory(
        local_authority=council,
        kind="finance",
        stage=Stage.FEEDBACK,
        onsite_start=D(2023, 8, 28),
        onsite_end=D(2023, 8, 31),
    )
    # 31 August + 3 months: 30 November; + 5: 31 January; + 10: 30 June; + 12: 31 August.
    assert _late_keys(challenge, D(2023, 11, 30)) == []
    assert _late_keys(challenge, D(2023, 12, 1)) == ["report"]
    assert "action_plan" not in _late_keys(challenge, D(2024, 1, 31))
    assert "action_plan" in _late_keys(challenge, D(2024, 2, 1))
    assert "progress_review" not in _late_keys(challenge, D(2024, 6, 30))
    assert "progress_review" in _late_keys(challenge, D(2024, 7, 1))
    assert "progress_review_report" not in _late_keys(challenge, D(2024, 8, 31))
    assert "progress_review_report" in _late_keys(challenge, D(2024, 9, 1))


def test_a_booked_progress_review_is_late_until_it_is_held(challenge):
    challenge.report_published_on = D(2023, 12, 1)
    challenge.action_plan_published_on = D(2024, 2, 1)
    challenge.progress_review_date = D(2024, 9, 1)  # booked, after the 10 months
    assert "progress_review" in _late_keys(challenge, D(2024, 8, 20))
    assert "progress_review" not in _late_keys(challenge, D(2024, 9, 1))


@pytest.mark.parametrize("kind", ["corporate", "finance", "governance"])
def test_the_lga_kinds_follow_the_corporate_timetable(challenge, kind):
    challenge.kind = kind
    assert _late_keys(challenge, D(2024, 10, 7)) == [
        "report",
        "action_plan",
        "progress_review",
        "progress_review_report",
    ]


@pytest.mark.parametrize("kind", ["public_health", "childrens_services", "adult_social_care", "other"])
def test_a_sector_challenge_never_borrows_corporate_flags(challenge, kind):
    challenge.kind = kind
    # By default: its report within 3 months, a progress review optional (never flagged).
    assert _late_keys(challenge, D(2024, 1, 6)) == []
    assert _late_keys(challenge, D(2024, 1, 7)) == ["report"]
    challenge.report_published_on = D(2023, 12, 1)
    assert _late_keys(challenge, D(2026, 1, 1)) == []


def test_a_region_sets_its_own_sector_timetable(challenge, region):
    challenge.kind = "public_health"
    timetable = PeerChallengeSettings(region=region, sector_report_months=4, sector_progress_review_months=9)
    assert _late_keys(challenge, D(2024, 2, 6), timetable) == []
    assert _late_keys(challenge, D(2024, 2, 7), timetable) == ["report"]
    challenge.report_published_on = D(2024, 1, 15)
    assert _late_keys(challenge, D(2024, 7, 6), timetable) == []
    assert _late_keys(challenge, D(2024, 7, 7), timetable) == ["progress_review"]


@pytest.mark.parametrize("stage", [Stage.CLOSED, Stage.CANCELLED, Stage.POSTPONED])
def test_a_finished_or_stopped_challenge_is_never_late(challenge, stage):
    challenge.stage = stage
    assert _late_keys(challenge, D(2026, 1, 1)) == []


def test_late_challenges_lists_the_regions_late_ones(challenge, region):
    PeerChallengeFactory(local_authority=LocalAuthorityFactory(region=region), stage=Stage.CLOSED)
    late = services.late_challenges(region, today=D(2024, 1, 7))
    assert [(item.challenge, [m.label for m in item.late]) for item in late] == [
        (challenge, ["Report not published 3 months after the visit"])
    ]


# Stages


def test_a_challenge_moves_to_the_next_stage_with_its_dates(challenge, coordinator):
    services.move_to_stage(
        challenge=challenge,
        stage=Stage.REPORT_PUBLISHED,
        by=coordinator,
        values={"report_published_on": D(2023, 12, 1), "report_url": "https://example.org/report"},
    )
    challenge.refresh_from_db()
    assert (challenge.stage, challenge.report_published_on) == (Stage.REPORT_PUBLISHED, D(2023, 12, 1))
    assert challenge.history.first().history_user == coordinator


@pytest.mark.parametrize("target", [Stage.ACTION_PLAN_PUBLISHED, Stage.ON_SITE, Stage.PROPOSED, Stage.CLOSED])
def test_illegal_stage_transitions_are_refused(challenge, coordinator, target):
    with pytest.raises(ValidationError) as error:
        services.move_to_stage(challenge=challenge, stage=target, by=coordinator)
    assert "cannot move to" in error.value.message_dict["stage"][0]
    challenge.refresh_from_db()
    assert challenge.stage == Stage.FEEDBACK


def test_a_stage_needs_its_dates(challenge, coordinator):
    with pytest.raises(ValidationError) as error:
        services.move_to_stage(challenge=challenge, stage=Stage.REPORT_PUBLISHED, by=coordinator, values={})
    assert error.value.message_dict["report_published_on"] == ["Enter the date the report was published"]


def test_a_progress_review_must_be_after_the_visit(challenge, coordinator):
    challenge.stage = Stage.ACTION_PLAN_PUBLISHED
    with pytest.raises(ValidationError) as error:
        services.move_to_stage(
            challenge=challenge,
            stage=Stage.PROGRESS_REVIEW,
            by=coordinator,
            values={"progress_review_date": D(2023, 10, 5)},
        )
    assert "progress_review_date" in error.value.message_dict


def test_feedback_cannot_be_before_the_end_of_the_visit(challenge):
    challenge.feedback_date = D(2023, 10, 4)
    with pytest.raises(ValidationError) as error:
        challenge.full_clean()
    assert "feedback_date" in error.value.message_dict


def test_postpone_keeps_the_reason_and_the_new_dates_then_resumes(council, coordinator):
    challenge = PeerChallengeFactory(
        local_authority=council, stage=Stage.SCOPING, onsite_start=D(2024, 3, 4), onsite_end=D(2024, 3, 7)
    )
    services.postpone_challenge(
        challenge=challenge, by=coordinator, reason="Election purdah", new_onsite_start=D(2024, 6, 10)
    )
    challenge.refresh_from_db()
    assert (challenge.stage, challenge.status_reason) == (Stage.POSTPONED, "Election purdah")
    assert (challenge.onsite_start, challenge.onsite_end) == (D(2024, 6, 10), D(2024, 6, 13))
    assert services.allowed_next_stages(challenge) == list(services.RESUME_STAGES)
    services.move_to_stage(
        challenge=challenge, stage=Stage.SCOPING, by=coordinator, values={"scoping_date": D(2024, 1, 10)}
    )
    challenge.refresh_from_db()
    assert (challenge.stage, challenge.status_reason) == (Stage.SCOPING, "")


def test_a_challenge_after_its_visit_cannot_be_postponed_or_cancelled(challenge, coordinator):
    with pytest.raises(ValidationError):
        services.postpone_challenge(challenge=challenge, by=coordinator, reason="x", new_onsite_start=D(2024, 1, 1))
    with pytest.raises(ValidationError):
        services.cancel_challenge(challenge=challenge, by=coordinator, reason="x")


def test_cancel_needs_a_reason(council, coordinator):
    challenge = PeerChallengeFactory(local_authority=council, stage=Stage.PROPOSED, onsite_start=None, onsite_end=None)
    with pytest.raises(ValidationError) as error:
        services.cancel_challenge(challenge=challenge, by=coordinator, reason="  ")
    assert error.value.message_dict["reason"] == ["Enter why the challenge is cancelled"]
    services.cancel_challenge(challenge=challenge, by=coordinator, reason="The council withdrew")
    assert PeerChallenge.objects.get(pk=challenge.pk).stage == Stage.CANCELLED


# Warnings


def test_two_visits_of_the_region_in_the_same_week_are_flagged(challenge, region, other_region):
    same_week = PeerChallengeFactory(
        local_authority=LocalAuthorityFactory(region=region), onsite_start=D(2023, 10, 2), onsite_end=D(2023, 10, 2)
    )
    PeerChallengeFactory(  # the week after
        local_authority=LocalAuthorityFactory(region=region), onsite_start=D(2023, 10, 9), onsite_end=D(2023, 10, 12)
    )
    PeerChallengeFactory(  # another region
        local_authority=LocalAuthorityFactory(region=other_region),
        onsite_start=D(2023, 10, 3),
        onsite_end=D(2023, 10, 6),
    )
    assert services.same_week_visits(challenge) == [same_week]


def test_a_peer_on_two_teams_on_overlapping_dates_is_flagged(challenge, region, coordinator):
    mine = PeerTeamMemberFactory(challenge=challenge, name="Joanne Whitaker")
    overlapping = PeerChallengeFactory(
        local_authority=LocalAuthorityFactory(region=region), onsite_start=D(2023, 10, 5), onsite_end=D(2023, 10, 8)
    )
    theirs = PeerTeamMemberFactory(challenge=overlapping, name="joanne  whitaker")
    later = PeerChallengeFactory(
        local_authority=LocalAuthorityFactory(region=region), onsite_start=D(2023, 10, 7), onsite_end=D(2023, 10, 10)
    )
    PeerTeamMemberFactory(challenge=later, name="Joanne Whitaker")
    PeerTeamMemberFactory(challenge=overlapping, name="Someone Else")
    assert services.peer_clashes(challenge, reader=coordinator) == [services.PeerClash(mine, theirs, shows_detail=True)]


def test_a_clash_with_a_region_the_reader_cannot_read_carries_no_detail(challenge, team_elsewhere, member):
    PeerTeamMemberFactory(challenge=challenge, name="Joanne Whitaker")
    [clash] = services.peer_clashes(challenge, reader=member)
    assert clash.shows_detail is False
    assert clash.message == "Joanne Whitaker is also on another region's peer team on overlapping dates."


def test_a_reader_of_both_regions_sees_the_other_team(challenge, team_elsewhere, superuser):
    PeerTeamMemberFactory(challenge=challenge, name="Joanne Whitaker")
    [clash] = services.peer_clashes(challenge, reader=superuser)
    assert clash.shows_detail is True
    assert "Northumberland" in clash.message
    assert "4 Oct 2023" in clash.message


def test_a_peer_from_the_challenged_council_is_refused(challenge, council):
    member = PeerTeamMember(challenge=challenge, name="Local Officer", role="officer_peer", home_council=council)
    with pytest.raises(ValidationError) as error:
        services.save_team_member(member=member)
    assert error.value.message_dict["home_council"] == ["A peer cannot come from the council being challenged"]
    assert not PeerTeamMember.objects.exists()


# Planner


@time_machine.travel(datetime.datetime(2025, 1, 15, 12, tzinfo=datetime.UTC), tick=False)
def test_plan_proposes_today_to_the_latest_compliant_date(council, coordinator):
    PeerChallengeFactory(
        local_authority=council, stage=Stage.CLOSED, onsite_start=D(2020, 10, 3), onsite_end=D(2020, 10, 6)
    )
    cycle = services.region_cycle_statuses(council.region)[0]
    proposal = services.propose_window(cycle)
    assert (cycle.status, proposal.window_start, proposal.window_end) == ("due", D(2025, 1, 15), D(2025, 10, 6))
    challenge = services.plan_challenge(local_authority=council, by=coordinator)
    assert (challenge.stage, challenge.kind) == (Stage.PROPOSED, PeerChallenge.Kind.CORPORATE)
    assert "15 January 2025 and 6 October 2025" in challenge.notes


def test_an_overdue_council_gets_a_six_month_window(council):
    PeerChallengeFactory(
        local_authority=council, stage=Stage.CLOSED, onsite_start=D(2015, 10, 3), onsite_end=D(2015, 10, 6)
    )
    cycle = services.region_cycle_statuses(council.region, today=D(2025, 1, 15))[0]
    assert services.propose_window(cycle, today=D(2025, 1, 15)).window_end == D(2025, 7, 15)


def test_plan_is_refused_for_a_current_council_and_twice(council, challenge, coordinator, region):
    with pytest.raises(ValidationError):
        services.plan_challenge(local_authority=council, by=coordinator, today=D(2024, 1, 1))
    never = LocalAuthorityFactory(region=region)
    services.plan_challenge(local_authority=never, by=coordinator)
    with pytest.raises(ValidationError, match="already has a challenge being prepared"):
        services.plan_challenge(local_authority=never, by=coordinator)


def test_focus_areas_are_replaced_in_order(challenge):
    services.set_focus_areas(challenge=challenge, texts=["Place leadership", "", "  Financial   resilience "])
    services.set_focus_areas(challenge=challenge, texts=["Workforce", "Place leadership"])
    assert [a.text for a in challenge.focus_areas.all()] == ["Workforce", "Place leadership"]


def test_the_planner_offers_the_most_overdue_council_first():
    def cycle(name, status, due_by):
        return SimpleNamespace(local_authority=SimpleNamespace(name=name), status=status, due_by=due_by)

    cycles = [
        cycle("Wiltshire", services.DUE, datetime.date(2027, 5, 1)),
        cycle("Torbay", services.OVERDUE, datetime.date(2025, 2, 1)),
        cycle("Isles of Scilly", services.NEVER, None),
        cycle("Dorset", services.OVERDUE, datetime.date(2026, 1, 1)),
    ]
    ordered = sorted(cycles, key=services.most_overdue_first)
    assert [c.local_authority.name for c in ordered] == ["Isles of Scilly", "Torbay", "Dorset", "Wiltshire"]
