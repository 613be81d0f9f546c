"""The coordinators' monthly reminders: due, overdue and late milestones, each sent once."""

import datetime

import pytest
import time_machine

from peer_challenges.models import PeerChallenge
from peer_challenges.reminders import send_peer_challenge_reminders
from peer_challenges.tasks import send_peer_challenge_reminders as reminders_task
from peer_challenges.tests.factories import PeerChallengeFactory
from programmes.tests.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def councils(region):
    due = LocalAuthorityFactory(region=region, name="Wiltshire")
    PeerChallengeFactory(
        local_authority=due,
        stage=PeerChallenge.Stage.CLOSED,
        onsite_start=D(2020, 9, 1),
        onsite_end=D(2020, 9, 4),
    )
    overdue = LocalAuthorityFactory(region=region, name="Torbay")
    PeerChallengeFactory(
        local_authority=overdue,
        stage=PeerChallenge.Stage.CLOSED,
        onsite_start=D(2019, 1, 1),
        onsite_end=D(2019, 1, 4),
    )
    late = LocalAuthorityFactory(region=region, name="Plymouth")
    PeerChallengeFactory(local_authority=late, onsite_start=D(2024, 6, 3), onsite_end=D(2024, 6, 6))
    return due, overdue, late


def test_reminders_go_to_the_coordinator_once(mailoutbox, coordinator, councils, other_coordinator):
    assert send_peer_challenge_reminders(today=D(2024, 11, 1)) == 3
    subjects = sorted(message.subject for message in mailoutbox)
    assert subjects == [
        "Plymouth: report not published 3 months after the visit",
        "Torbay is overdue a peer challenge",
        "Wiltshire is due a peer challenge",
    ]
    assert {tuple(message.to) for message in mailoutbox} == {(coordinator.email,)}
    assert send_peer_challenge_reminders(today=D(2024, 11, 5)) == 0
    assert len(mailoutbox) == 3


def test_a_new_late_milestone_is_a_new_reminder(mailoutbox, coordinator, councils):
    send_peer_challenge_reminders(today=D(2024, 11, 1))
    assert send_peer_challenge_reminders(today=D(2025, 1, 1)) == 1
    assert mailoutbox[-1].subject == "Plymouth: action plan not published 5 months after the visit"


def test_the_region_address_is_used_without_a_coordinator(mailoutbox, region, councils):
    send_peer_challenge_reminders(today=D(2024, 11, 1))
    assert {tuple(message.to) for message in mailoutbox} == {(region.coordinator_email,)}


def test_the_task_runs_the_service(mailoutbox, coordinator, councils):
    # The task reads today's date itself: the same day as the service tests above.
    with time_machine.travel(datetime.datetime(2024, 11, 1, 9, tzinfo=datetime.UTC), tick=False):
        assert reminders_task.apply().get() >= 3
