"""Security settings that a browser or an attacker would notice."""

import pytest
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


def test_sessions_expire_after_inactivity(settings):
    assert settings.SESSION_COOKIE_AGE <= 2 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST, "each request must renew the session, so only inactivity ends it"
