import datetime

import pytest

from peer_challenges.models import PeerChallenge
from peer_challenges.tests.factories import PeerChallengeFactory, PeerTeamMemberFactory
from programmes.tests.factories import LocalAuthorityFactory


@pytest.fixture
def council(region):
    return LocalAuthorityFactory(region=region, name="Cornwall")


@pytest.fixture
def challenge(council):
    """A corporate challenge whose visit is over and whose feedback was given."""
    return PeerChallengeFactory(
        local_authority=council,
        kind=PeerChallenge.Kind.CORPORATE,
        stage=PeerChallenge.Stage.FEEDBACK,
        onsite_start=datetime.date(2023, 10, 3),
        onsite_end=datetime.date(2023, 10, 6),
        feedback_date=datetime.date(2023, 10, 6),
    )


@pytest.fixture
def other_challenge(other_region):
    return PeerChallengeFactory(local_authority=LocalAuthorityFactory(region=other_region, name="Northumberland"))


@pytest.fixture
def team_elsewhere(other_region):
    """A North East corporate challenge with Joanne Whitaker on its team, on site 4-5 Oct 2023,
    the week of `challenge`."""
    elsewhere = PeerChallengeFactory(
        local_authority=LocalAuthorityFactory(region=other_region, name="Northumberland"),
        kind=PeerChallenge.Kind.CORPORATE,
        onsite_start=datetime.date(2023, 10, 4),
        onsite_end=datetime.date(2023, 10, 5),
    )
    return PeerTeamMemberFactory(challenge=elsewhere, name="Joanne Whitaker")
