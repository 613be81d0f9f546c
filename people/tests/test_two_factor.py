"""Two-factor sign-in with real TOTP codes computed from the secret the page shows."""

import base64
import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from programmes.models import SecondFactorReset

PASSWORD = "correct-horse-battery"
START = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def required(settings):
    settings.REQUIRE_2FA = True


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _sign_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def _code(secret: str, when: datetime.datetime) -> str:
    key = base64.b32decode(secret.replace(" ", ""))
    totp = TOTP(key)
    totp.time = when.timestamp()
    return f"{totp.token():06d}"


def _enrol(client, clock) -> tuple[str, list[str]]:
    page = client.get(reverse("two_factor_setup")).content.decode()
    secret = re.search(r'<code class="sli-secret">([A-Z2-7 ]+)</code>', page).group(1)
    response = client.post(reverse("two_factor_setup"), {"code": _code(secret, datetime.datetime.now(datetime.UTC))})
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
    return secret, codes


@pytest.mark.parametrize("persona", ["coordinator", "publisher", "superuser"])
def test_a_role_that_needs_it_sets_it_up_before_anything_else(client, region, persona, request, clock):
    user = request.getfixturevalue(persona)
    assert _sign_in(client, user.username).status_code == 302
    dashboard = reverse("dashboard", args=[region.slug])
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))
    page = client.get(response["Location"]).content.decode()
    assert "Your role in the portal needs two-factor sign-in" in page
    assert "<svg" in page and "QR code for your authenticator app" in page


def test_a_member_is_not_asked(client, region, member, clock):
    _sign_in(client, "member")
    assert client.get(reverse("dashboard", args=[region.slug])).status_code == 200


def test_without_require_2fa_the_coordinator_signs_in_with_a_password(client, region, coordinator, settings):
    settings.REQUIRE_2FA = False
    _sign_in(client, "coordinator")
    assert client.get(reverse("dashboard", args=[region.slug])).status_code == 200


def test_enrolment_then_every_sign_in_asks_for_a_code(client, region, coordinator, clock):
    _sign_in(client, "coordinator")
    bad = client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert "The code is not right" in bad.content.decode()
    too_soon = client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert "Too many wrong codes: wait 1 second, then" in too_soon.content.decode()
    clock.shift(datetime.timedelta(seconds=3))
    secret, codes = _enrol(client, clock)
    assert len(codes) == 10 and len(set(codes)) == 10
    dashboard = reverse("dashboard", args=[region.slug])
    assert client.get(dashboard).status_code == 200

    client.post(reverse("logout"))
    clock.shift(datetime.timedelta(minutes=5))
    _sign_in(client, "coordinator")
    asked = client.get(dashboard)
    assert asked["Location"].startswith(reverse("two_factor_verify"))
    wrong = client.post(reverse("two_factor_verify"), {"code": "123456", "next": dashboard})
    assert "The code is not right" in wrong.content.decode()
    clock.shift(datetime.timedelta(seconds=5))  # django-otp makes the next try wait a second
    now = START + datetime.timedelta(minutes=5, seconds=5)
    right = client.post(reverse("two_factor_verify"), {"code": _code(secret, now), "next": dashboard})
    assert right["Location"] == dashboard
    assert client.get(dashboard).status_code == 200


def test_a_recovery_code_works_once(client, region, coordinator, clock):
    _sign_in(client, "coordinator")
    _secret, codes = _enrol(client, clock)
    for attempt in ("first", "second"):
        client.post(reverse("logout"))
        clock.shift(datetime.timedelta(minutes=1))
        _sign_in(client, "coordinator")
        response = client.post(reverse("two_factor_verify"), {"code": codes[0]})
        if attempt == "first":
            assert response.status_code == 302
            assert client.get(reverse("account")).content.decode().count("9 recovery codes left") == 1
        else:
            assert "The code is not right" in response.content.decode()


def test_a_remembered_device_skips_the_code_for_30_days_at_most(client, region, coordinator, clock):
    _sign_in(client, "coordinator")
    secret, _codes = _enrol(client, clock)
    client.post(reverse("logout"))
    clock.shift(datetime.timedelta(minutes=1))
    _sign_in(client, "coordinator")
    now = START + datetime.timedelta(minutes=1)
    client.post(reverse("two_factor_verify"), {"code": _code(secret, now), "remember": "on"})
    cookie = client.cookies["sli_remembered_device"]
    assert int(cookie["max-age"]) == 30 * 24 * 60 * 60 and cookie["httponly"]

    dashboard = reverse("dashboard", args=[region.slug])
    client.post(reverse("logout"))
    clock.shift(datetime.timedelta(days=29))
    _sign_in(client, "coordinator")
    assert client.get(dashboard).status_code == 200

    client.post(reverse("logout"))
    clock.shift(datetime.timedelta(days=2))  # 31 days after it was remembered
    _sign_in(client, "coordinator")
    assert client.get(dashboard)["Location"].startswith(reverse("two_factor_verify"))


def test_repeated_wrong_codes_are_slowed_down(client, coordinator, clock):
    _sign_in(client, "coordinator")
    secret, _codes = _enrol(client, clock)
    client.post(reverse("logout"))
    _sign_in(client, "coordinator")
    client.post(reverse("two_factor_verify"), {"code": "111111"})
    clock.shift(datetime.timedelta(minutes=1))
    right_now = _code(secret, START + datetime.timedelta(minutes=1))
    client.post(reverse("two_factor_verify"), {"code": "222222"})
    # Two failures: the next try must wait two seconds, even with the right code.
    refused = client.post(reverse("two_factor_verify"), {"code": right_now})
    assert refused.status_code == 429
    assert "Too many wrong codes" in refused.content.decode()


def test_the_coordinator_resets_a_lost_phone_and_the_person_sets_up_again(
    client, region, coordinator, publisher, clock
):
    _sign_in(client, "publisher")
    secret, _codes = _enrol(client, clock)
    client.post(reverse("logout"))

    _sign_in(client, "coordinator")
    _enrol(client, clock)
    people = client.get(reverse("people_list", args=[region.slug])).content.decode()
    url = reverse("person_reset_second_factor", args=[region.slug, publisher.pk])
    assert url in people
    assert "Reset the two-factor sign-in of Frank Fisher?" in client.get(url).content.decode()
    assert TOTPDevice.objects.filter(user=publisher).exists()  # asking is not resetting
    client.post(url)
    assert not TOTPDevice.objects.filter(user=publisher).exists()
    record = SecondFactorReset.objects.get(user=publisher)
    assert record.history.get().history_user == coordinator
    message = mail.outbox[-1]
    assert message.to == [publisher.email]
    assert "Alice Archer has reset the two-factor sign-in" in message.body
    trail = client.get(reverse("audit_region", args=[region.slug]) + "?kind=second-factor").content.decode()
    assert "Two-factor sign-in of Frank Fisher reset" in trail

    client.post(reverse("logout"))
    _sign_in(client, "publisher")
    assert client.get(reverse("snapshot_list", args=[region.slug]))["Location"].startswith(reverse("two_factor_setup"))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("sli_lead", 403), ("member", 403), ("publisher", 403), ("national", 403), ("other_coordinator", 403)],
)
def test_only_the_coordinator_resets_someone_elses_second_factor(
    client, region, coordinator, request, persona, expected, settings
):
    settings.REQUIRE_2FA = False
    TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    client.force_login(request.getfixturevalue(persona))
    url = reverse("person_reset_second_factor", args=[region.slug, coordinator.pk])
    assert client.get(url).status_code == expected
    assert client.post(url).status_code == expected
    assert TOTPDevice.objects.filter(user=coordinator).exists()


def test_a_member_may_turn_it_off_but_a_coordinator_may_not(client, member, coordinator, clock, settings):
    settings.REQUIRE_2FA = True
    _sign_in(client, "member")
    _enrol(client, clock)
    assert client.post(reverse("two_factor_remove")).status_code == 302
    assert not TOTPDevice.objects.filter(user=member).exists()
    client.post(reverse("logout"))
    _sign_in(client, "coordinator")
    _enrol(client, clock)
    assert client.get(reverse("two_factor_remove")).status_code == 403
    assert client.post(reverse("two_factor_remove")).status_code == 403
    assert TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()


def test_a_half_signed_in_user_reaches_nothing_but_the_second_step(client, region, coordinator, clock):
    _sign_in(client, "coordinator")
    for url in (reverse("account"), reverse("people_list", args=[region.slug]), "/admin/"):
        assert client.get(url)["Location"].startswith(reverse("two_factor_setup")), url
    assert client.post(reverse("logout")).status_code == 302


def test_next_cannot_send_the_user_elsewhere(client, coordinator, clock):
    _sign_in(client, "coordinator")
    page = client.get(reverse("two_factor_setup") + "?next=https://evil.example.org/").content.decode()
    assert "evil.example.org" not in page


@pytest.mark.parametrize(
    "name", ["account", "two_factor_setup", "two_factor_verify", "two_factor_recovery_codes", "two_factor_remove"]
)
def test_the_account_pages_ask_an_anonymous_visitor_to_sign_in(client, db, name):
    methods = (client.get,) if name == "account" else (client.get, client.post)
    for method in methods:
        response = method(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
