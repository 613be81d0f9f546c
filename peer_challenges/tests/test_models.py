import datetime

import pytest
from django.core.exceptions import ValidationError

from peer_challenges.models import PeerChallenge, PeerChallengeSettings, PeerTeamMember
from peer_challenges.tests.factories import PeerChallengeFactory, PeerTeamMemberFactory
from programmes.tests.factories import LocalAuthorityFactory
from sli_portal.tests.helpers import violates

pytestmark = pytest.mark.django_db

D = datetime.date


def _clean_errors(challenge: PeerChallenge) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        challenge.full_clean()
    return error.value.message_dict


# The on-site visit


def test_database_refuses_an_on_site_visit_ending_before_it_starts(council):
    with violates("peer_challenge_onsite_end_not_before_start"):
        PeerChallengeFactory(local_authority=council, onsite_start=D(2023, 10, 6), onsite_end=D(2023, 10, 3))


def test_a_one_day_on_site_visit_is_allowed(council):
    PeerChallengeFactory(local_authority=council, onsite_start=D(2023, 10, 3), onsite_end=D(2023, 10, 3))


def test_database_refuses_an_onsite_end_without_a_start(council):
    with violates("peer_challenge_onsite_end_needs_start"):
        PeerChallengeFactory(local_authority=council, onsite_start=None, onsite_end=D(2023, 10, 6))


def test_clean_says_the_visit_must_end_on_or_after_its_start(council):
    challenge = PeerChallengeFactory.build(
        local_authority=council, onsite_start=D(2023, 10, 6), onsite_end=D(2023, 10, 3)
    )
    assert _clean_errors(challenge)["onsite_end"] == ["The on-site visit must end on or after the day it starts"]


def test_clean_asks_for_the_start_of_the_visit(council):
    challenge = PeerChallengeFactory.build(local_authority=council, onsite_start=None, onsite_end=D(2023, 10, 6))
    assert _clean_errors(challenge)["onsite_start"] == ["Enter the date the on-site visit starts"]


# What follows the visit


def test_database_refuses_a_report_published_before_the_visit_ends(council):
    with violates("peer_challenge_report_after_visit"):
        PeerChallengeFactory(local_authority=council, report_published_on=D(2023, 10, 5))


def test_clean_says_the_report_comes_after_the_visit(council):
    challenge = PeerChallengeFactory.build(local_authority=council, report_published_on=D(2023, 10, 5))
    assert _clean_errors(challenge)["report_published_on"] == ["The report must be published after the on-site visit"]


@pytest.mark.parametrize("review_date", [D(2023, 10, 6), D(2023, 9, 1)])
def test_database_refuses_a_follow_up_visit_not_after_the_visit(council, review_date):
    with violates("peer_challenge_progress_review_after_visit"):
        PeerChallengeFactory(local_authority=council, progress_review_date=review_date)


def test_clean_says_the_follow_up_visit_comes_after_the_visit(council):
    challenge = PeerChallengeFactory.build(local_authority=council, progress_review_date=D(2023, 10, 6))
    assert _clean_errors(challenge)["progress_review_date"] == ["The follow-up visit must be after the on-site visit"]


def test_clean_reports_every_date_problem_at_once(council):
    challenge = PeerChallengeFactory.build(
        local_authority=council, report_published_on=D(2023, 10, 1), progress_review_date=D(2023, 10, 1)
    )
    assert {"report_published_on", "progress_review_date"} <= set(_clean_errors(challenge))


def test_a_complete_challenge_passes_clean(council):
    PeerChallengeFactory.build(
        local_authority=council,
        scoping_date=D(2023, 6, 1),
        report_published_on=D(2023, 12, 1),
        report_url="https://www.local.gov.uk/cornwall-cpc",
        progress_review_date=D(2024, 6, 1),
    ).full_clean()


@pytest.mark.parametrize(
    ("kind", "counts"),
    [
        (PeerChallenge.Kind.CORPORATE, True),
        (PeerChallenge.Kind.FINANCE, True),
        (PeerChallenge.Kind.GOVERNANCE, True),
        (PeerChallenge.Kind.PUBLIC_HEALTH, False),
        (PeerChallenge.Kind.OTHER, False),
    ],
)
def test_by_default_the_lgas_five_yearly_kinds_count_for_the_cycle(region, kind, counts):
    assert PeerChallengeSettings.for_region(region).counts_for_cycle(kind) is counts


def test_challenge_changes_are_kept_in_history(council):
    challenge = PeerChallengeFactory(local_authority=council)
    challenge.stage = PeerChallenge.Stage.REPORT_PUBLISHED
    challenge.report_published_on = D(2023, 12, 1)
    challenge.save()
    assert challenge.history.count() == 2
    assert challenge.history.first().stage == PeerChallenge.Stage.REPORT_PUBLISHED


# The peer team


def test_clean_refuses_a_peer_from_the_challenged_council(council):
    member = PeerTeamMemberFactory.build(challenge=PeerChallengeFactory(local_authority=council), home_council=council)
    with pytest.raises(ValidationError) as error:
        member.full_clean()
    assert error.value.message_dict["home_council"] == ["A peer cannot come from the council being challenged"]


def test_clean_accepts_a_peer_from_another_council(council, region):
    member = PeerTeamMemberFactory.build(
        challenge=PeerChallengeFactory(local_authority=council),
        home_council=LocalAuthorityFactory(region=region),
        role=PeerTeamMember.Role.LEAD_OFFICER_PEER,
    )
    member.full_clean()
