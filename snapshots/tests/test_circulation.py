"""Circulating a published snapshot to all the region's members (issue 15): only when the region
asks for it, each person once per snapshot, and a member stops it in one click."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programmes.tests.factories import MembershipFactory, UserFactory
from snapshots import services
from snapshots.models import CirculationOptOut, Subscriber

from .conftest import make_ready
from .factories import SnapshotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def circulating(region):
    region.email_snapshots_to_members = True
    region.save()
    return region


def _publish(snapshot, publisher, capture):
    with capture(execute=True):
        services.publish_snapshot(snapshot=snapshot, by=publisher)


def _recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_without_the_region_setting_only_subscribers_are_e_mailed(
    region, publisher, member, ready_snapshot, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(region=region, email="dph@example.org").confirm()
    _publish(ready_snapshot, publisher, django_capture_on_commit_callbacks)
    assert _recipients() == ["dph@example.org"]


def test_every_member_gets_it_once_and_a_subscribed_member_only_once(
    circulating,
    other_region,
    publisher,
    member,
    coordinator,
    national,
    other_coordinator,
    ready_snapshot,
    django_capture_on_commit_callbacks,
):
    # The coordinator also holds a second role, and subscribed with their own address.
    MembershipFactory(user=coordinator, region=circulating, role="sli_lead")
    Subscriber.objects.create(region=circulating, email=coordinator.email.upper()).confirm()
    gone = UserFactory(username="left-the-network", is_active=False)
    MembershipFactory(user=gone, region=circulating, role="member")
    no_address = UserFactory(username="no-address", email="")
    MembershipFactory(user=no_address, region=circulating, role="member")

    _publish(ready_snapshot, publisher, django_capture_on_commit_callbacks)
    # Subscribers first (the coordinator's address, as typed), then each member once; never the
    # national board (no region), another region's people, a deactivated account or no address.
    assert _recipients() == sorted([coordinator.email.upper(), member.email, publisher.email])
    member_message = next(m for m in mail.outbox if m.to == [member.email])
    assert "you are a member of the SW ADPH network" in member_message.body
    assert member_message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Sending again (a retry, the sweep) e-mails nobody twice.
    services.send_publication_emails(snapshot_id=ready_snapshot.pk)
    assert len(mail.outbox) == 3
    assert services.sweep_unsent_publication_emails(now=timezone.now() + datetime.timedelta(minutes=5)) == []


def test_a_member_stops_the_e_mails_in_one_click(
    circulating, publisher, member, ready_snapshot, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_BASE_URL = "https://sli.example.org"
    _publish(ready_snapshot, publisher, django_capture_on_commit_callbacks)
    message = next(m for m in mail.outbox if m.to == [member.email])
    stop_url = message.extra_headers["List-Unsubscribe"].strip("<>")
    path = stop_url.removeprefix("https://sli.example.org")
    assert stop_url.startswith("https://sli.example.org/snapshots/south-west/stop-member-emails/")
    assert f"Stop these e-mails: {stop_url}" in message.body

    # The page asks first; a mail client's one-click POST carries no CSRF token and needs none.
    assert "Stop these e-mails" in Client().get(path).content.decode()
    assert not CirculationOptOut.objects.exists()
    assert Client(enforce_csrf_checks=True).post(path).status_code == 200
    assert CirculationOptOut.objects.filter(user=member, region=circulating).exists()
    assert Client().post(path).status_code == 200  # twice is harmless

    mail.outbox.clear()
    november = make_ready(SnapshotFactory(region=circulating, month=datetime.date(2024, 11, 1)))
    _publish(november, publisher, django_capture_on_commit_callbacks)
    assert member.email not in _recipients() and publisher.email in _recipients()


@pytest.mark.parametrize("token", ["not-a-token", "x" * 500, "abc\x00def"])
def test_a_bad_link_is_404(client, circulating, token):
    assert client.get(reverse("snapshot_stop_circulation", args=["south-west", token])).status_code == 404


def test_a_link_for_another_region_is_404(client, circulating, other_region, member):
    token = services.circulation_token(circulating, member)
    assert client.get(reverse("snapshot_stop_circulation", args=[other_region.slug, token])).status_code == 404
    assert client.get(reverse("snapshot_stop_circulation", args=["south-west", token])).status_code == 200


def test_the_publish_page_says_how_many_members_will_be_e_mailed(
    client, circulating, publisher, member, coordinator, ready_snapshot
):
    client.force_login(publisher)
    page = client.get(reverse("snapshot_publish", args=["south-west", "2024-10"])).content.decode()
    # The publisher, the member and the coordinator: three people with a role in the region.
    assert "e-mails it to 3 members of the network" in page
