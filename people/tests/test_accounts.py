"""Signing in by e-mail or user name, resetting a forgotten password."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from people.models import ResetRequest
from people.tests.helpers import invite_nadia
from programmes.models import Invitation
from programmes.tests.factories import UserFactory

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "lantern-orchard-meadow"


def _sign_in(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


@pytest.mark.parametrize("typed", ["coordinator", "COORDINATOR", "coordinator@example.org", "Coordinator@Example.ORG"])
def test_signing_in_with_the_user_name_or_the_e_mail_address_in_any_case(client, coordinator, typed):
    assert _sign_in(client, typed).status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)


def test_a_wrong_password_is_refused_whichever_name_is_typed(client, coordinator):
    for typed in ("coordinator", "coordinator@example.org", "nobody@example.org"):
        response = _sign_in(client, typed, "wrong-password")
        assert response.status_code == 200
        assert "Enter a correct e-mail address or username, and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_address_shared_by_two_accounts_signs_in_neither(client, db):
    UserFactory(username="first", email="shared@example.org")
    UserFactory(username="second", email="shared@example.org")
    assert _sign_in(client, "shared@example.org").status_code == 200
    assert _sign_in(client, "second").status_code == 302


def test_the_lock_out_counts_per_account_whichever_name_was_typed(client, coordinator, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    _sign_in(client, "coordinator", "wrong")
    _sign_in(client, "COORDINATOR@example.org", "wrong")
    locked = _sign_in(client, "Coordinator", "wrong")
    assert locked.status_code in (403, 429)
    # The right password, by either name, is refused while the lock lasts.
    assert _sign_in(client, "coordinator@example.org").status_code in (403, 429)
    assert _sign_in(client, "coordinator").status_code in (403, 429)
    # From another client address the account is not locked.
    assert _sign_in(client, "coordinator", REMOTE_ADDR="198.51.100.7").status_code == 302


# --- Password reset ------------------------------------------------------------------------


def _ask_reset(client, email, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def _link(message) -> str:
    return re.search(r"http://\S+/accounts/reset/\S+/", message.body).group(0)


def test_the_same_answer_whether_or_not_the_address_has_an_account(client, coordinator):
    known = _ask_reset(client, "Coordinator@example.org")
    unknown = _ask_reset(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["coordinator@example.org"]
    page = client.get(reverse("password_reset_done")).content.decode()
    assert "If the address you entered belongs to an account" in page


def test_a_reset_link_sets_a_new_password_once(client, coordinator):
    _ask_reset(client, "coordinator@example.org")
    message = mail.outbox[0]
    assert message.subject == "Reset your SLI Portal password"
    assert "Hello Alice Archer" in message.body
    assert "works once, for 2 hours" in message.body
    link = _link(message).replace("http://127.0.0.1:8000", "")
    # Django moves the token into the session and redirects to a URL without it.
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "short", "new_password2": "short"})
    assert "This password is too short" in weak.content.decode()
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("password_reset_complete")
    coordinator.refresh_from_db()
    assert coordinator.check_password(NEW_PASSWORD)

    # Used once: the same link is dead now, and says so.
    client.logout()
    again = client.get(link, follow=True)
    assert "This link does not work" in again.content.decode()
    assert "Choose a new password" not in again.content.decode()


def test_an_expired_or_forged_link_changes_nothing(client, coordinator, settings):
    _ask_reset(client, "coordinator@example.org")
    link = _link(mail.outbox[0]).replace("http://127.0.0.1:8000", "")
    forged = re.sub(r"/[^/]+/$", "/abc-0123456789abcdef/", link)
    assert "This link does not work" in client.get(forged, follow=True).content.decode()
    settings.PASSWORD_RESET_TIMEOUT = -1
    assert "This link does not work" in client.get(link, follow=True).content.decode()
    coordinator.refresh_from_db()
    assert coordinator.check_password(PASSWORD)


def test_a_new_password_ends_the_lock_out(client, coordinator, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    _sign_in(client, "coordinator", "wrong")
    assert _sign_in(client, "coordinator", "wrong").status_code in (403, 429)
    _ask_reset(client, "coordinator@example.org")
    form_page = client.get(_link(mail.outbox[0]).replace("http://127.0.0.1:8000", ""), follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert _sign_in(client, "coordinator", NEW_PASSWORD).status_code == 302


def test_resets_are_throttled_per_address_and_per_client(client, coordinator, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 2
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 2
    assert _ask_reset(client, "coordinator@example.org").status_code == 302
    assert _ask_reset(client, "COORDINATOR@example.org", REMOTE_ADDR="198.51.100.1").status_code == 302
    refused = _ask_reset(client, "coordinator@example.org", REMOTE_ADDR="198.51.100.2")
    assert refused.status_code == 429
    assert "Too many password resets have been asked for this address" in refused.content.decode()
    # The two allowed requests made the same link within a second: it is sent once.
    assert len(mail.outbox) == 1
    # An unknown address is counted the same way: the refusal does not tell who has an account.
    assert _ask_reset(client, "a@example.org").status_code == 302
    refused = _ask_reset(client, "b@example.org")
    assert refused.status_code == 429
    assert "You have asked for too many password resets" in refused.content.decode()
    assert ResetRequest.objects.count() == 3


def test_an_empty_or_malformed_address_is_a_form_error(client, db):
    assert "Enter your e-mail address" in client.post(reverse("password_reset"), {"email": ""}).content.decode()
    page = client.post(reverse("password_reset"), {"email": "not-an-address"}).content.decode()
    assert "Enter an e-mail address in the correct format" in page
    assert not ResetRequest.objects.exists()


def test_the_sign_in_page_links_to_the_reset(client, db):
    page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in page
    assert "E-mail address or username" in page


def test_an_account_without_a_password_sets_its_first_one_by_a_reset(client, region, coordinator):
    """Accounts restored by import_region, or invited, have no usable password."""
    invited = invite_nadia(region, coordinator).user
    mail.outbox.clear()
    _ask_reset(client, "nadia@example.org")
    assert len(mail.outbox) == 1
    form_page = client.get(_link(mail.outbox[0]).replace("http://127.0.0.1:8000", ""), follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)
    assert Invitation.objects.get(user=invited).accepted_at is not None


def test_a_closed_account_gets_no_reset(client, coordinator):
    coordinator.is_active = False
    coordinator.save()
    assert _ask_reset(client, "coordinator@example.org").status_code == 302
    assert not mail.outbox
