import datetime

import factory

from peer_challenges.models import PeerChallenge, PeerTeamMember
from programmes.tests.factories import LocalAuthorityFactory


class PeerChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeerChallenge

    local_authority = factory.SubFactory(LocalAuthorityFactory)
    kind = PeerChallenge.Kind.CORPORATE
    stage = PeerChallenge.Stage.FEEDBACK
    onsite_start = datetime.date(2023, 10, 3)
    onsite_end = datetime.date(2023, 10, 6)


class PeerTeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeerTeamMember

    challenge = factory.SubFactory(PeerChallengeFactory)
    name = factory.Sequence(lambda n: f"Peer {n} Marsh")
    role = PeerTeamMember.Role.OFFICER_PEER
