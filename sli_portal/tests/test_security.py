"""Security settings that a browser or an attacker would notice."""

import datetime

import pytest
import time_machine
from django.urls import reverse

PASSWORD = "correct-horse-battery"


@pytest.fixture
def login_throttling(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def _sign_in(client, password):
    return client.post(reverse("login"), {"username": "coordinator", "password": password})


def test_repeated_wrong_passwords_lock_the_account_out(client, coordinator, login_throttling):
    for _ in range(2):
        assert _sign_in(client, "wrong").status_code == 200
    response = _sign_in(client, "wrong")
    assert response.status_code in (403, 429)
    assert "You cannot sign in for now" in response.content.decode()
    # Even the right password is refused while the lock lasts.
    assert _sign_in(client, PASSWORD).status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_a_successful_sign_in_resets_the_count(client, coordinator, login_throttling):
    _sign_in(client, "wrong")
    _sign_in(client, "wrong")
    assert _sign_in(client, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    _sign_in(client, "wrong")
    _sign_in(client, "wrong")
    assert _sign_in(client, PASSWORD).status_code == 302


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, region):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_cannot_be_framed(client, region):
    assert client.get(reverse("home"))["X-Frame-Options"] == "DENY"


def test_sessions_expire_after_inactivity_and_are_not_written_on_every_request(client, member, settings):
    from django.contrib.sessions.models import Session

    assert settings.SESSION_COOKIE_AGE <= 2 * 60 * 60 and not settings.SESSION_SAVE_EVERY_REQUEST
    start = datetime.datetime(2025, 1, 20, 12, tzinfo=datetime.UTC)

    def expiry():
        return Session.objects.get().expire_date

    with time_machine.travel(start, tick=False) as clock:
        client.force_login(member)  # signing in writes the session and starts its renewal clock
        stamped = expiry()
        client.get(reverse("home"))
        assert expiry() == stamped
        clock.shift(datetime.timedelta(minutes=2))
        client.get(reverse("home"))
        assert expiry() == stamped  # a request soon after writes nothing
        clock.shift(datetime.timedelta(minutes=4))
        client.get(reverse("home"))
        assert expiry() == stamped + datetime.timedelta(minutes=6)  # renewed: activity keeps it alive
        clock.shift(datetime.timedelta(hours=2, seconds=1))
        response = client.get(reverse("dashboard", args=["south-west"]))
    assert response.status_code == 302 and reverse("login") in response["Location"]  # idle 2 hours: signed out


# --- The client's address behind a proxy ---------------------------------------------------


def _sign_in_from(client, username, password, forwarded_for, remote="10.0.0.2"):
    """A sign-in as the proxy passes it on: its own address in REMOTE_ADDR, the chain in the header."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_one_proxy_an_attacker_cannot_lock_out_someone_signing_in_from_elsewhere(client, publisher, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.NUM_PROXIES = 1
    for _ in range(5):
        _sign_in_from(client, "publisher", "wrong", forwarded_for="203.0.113.66")
    # The attacker is locked out now ...
    locked = _sign_in_from(client, "publisher", PASSWORD, forwarded_for="203.0.113.66")
    assert locked.status_code in (403, 429)
    # ... and the publisher, arriving through the same proxy from their own address, is not.
    response = _sign_in_from(client, "publisher", PASSWORD, forwarded_for="198.51.100.7")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(publisher.pk)


def test_behind_one_proxy_only_the_address_the_proxy_appended_counts(client, publisher, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.NUM_PROXIES = 1
    # The attacker writes a new address of their own each time; the proxy appends the real one.
    for attempt in range(3):
        _sign_in_from(client, "publisher", "wrong", forwarded_for=f"192.0.2.{attempt}, 203.0.113.66")
    response = _sign_in_from(client, "publisher", PASSWORD, forwarded_for="192.0.2.99, 203.0.113.66")
    assert response.status_code in (403, 429)


def test_without_a_configured_proxy_a_forged_forwarded_for_does_not_reset_the_count(client, publisher, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.NUM_PROXIES = 0
    for attempt in range(3):
        _sign_in_from(client, "publisher", "wrong", forwarded_for=f"192.0.2.{attempt}", remote="203.0.113.66")
    response = _sign_in_from(client, "publisher", PASSWORD, forwarded_for="192.0.2.200", remote="203.0.113.66")
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("num_proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "198.51.100.1", "203.0.113.5"),
        (1, "10.0.0.2", "198.51.100.1", "198.51.100.1"),
        (1, "10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        (2, "10.0.0.3", "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (2, "10.0.0.3", "198.51.100.1", "10.0.0.3"),  # fewer entries than proxies: not via them
        (1, "10.0.0.2", "", "10.0.0.2"),
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        (1, "10.0.0.2", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_counted_from_the_right(rf, settings, num_proxies, remote, forwarded, expected):
    from sli_portal.core.client_address import client_address

    settings.NUM_PROXIES = num_proxies
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
