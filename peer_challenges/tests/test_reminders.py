"""The coordinators' monthly peer-challenge summary: one e-mail a month, grouped, sent once."""

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


def test_one_grouped_summary_a_month_goes_to_the_coordinator_once(
    mailoutbox, coordinator, councils, other_coordinator, settings
):
    settings.PORTAL_BASE_URL = "https://sli.example.org"
    due, overdue, late = councils

    assert send_peer_challenge_reminders(today=D(2024, 11, 1)) == 1
    assert send_peer_challenge_reminders(today=D(2024, 11, 5)) == 0  # the same month: nothing more

    [message] = mailoutbox
    assert message.to == [coordinator.email]
    assert (
        message.subject
        == "Peer challenges, November 2024: 1 milestone running late, 1 council overdue, 1 due – SW ADPH"
    )
    body = message.body
    late_section = body.split("MILESTONES RUNNING LATE (1)")[1].split("COUNCILS OVERDUE")[0]
    assert "Plymouth, corporate peer challenge: report not published 3 months after the visit" in late_section
    challenge = late.peer_challenges.get()
    assert f"https://sli.example.org/regions/south-west/peer-challenges/{challenge.pk}/" in late_section
    assert "Torbay: no peer challenge counting towards the cycle" in body.split("COUNCILS OVERDUE")[1]
    assert "Wiltshire: due from" in body.split("COUNCILS DUE ONE (1)")[1]


def test_next_month_brings_a_new_summary_with_the_new_late_milestone(mailoutbox, coordinator, councils):
    send_peer_challenge_reminders(today=D(2024, 11, 1))
    assert send_peer_challenge_reminders(today=D(2025, 1, 1)) == 1
    assert "action plan not published 5 months after the visit" in mailoutbox[-1].body


def test_the_region_address_is_used_without_a_coordinator(mailoutbox, region, councils):
    send_peer_challenge_reminders(today=D(2024, 11, 1))
    assert {tuple(message.to) for message in mailoutbox} == {(region.coordinator_email,)}


def test_the_task_runs_the_service(mailoutbox, coordinator, councils):
    # The task reads today's date itself: the same day as the service tests above.
    with time_machine.travel(datetime.datetime(2024, 11, 1, 9, tzinfo=datetime.UTC), tick=False):
        assert reminders_task.apply().get() == 1
