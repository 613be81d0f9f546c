"""People, end to end: the coordinator invites a DPH who sets a password from the e-mailed link,
hands a priority area over to them, the DPH turns on two-factor sign-in and later resets a
forgotten password. The links are read from the portal's console e-mails."""

from __future__ import annotations

import base64
import re
import time
import uuid

from django_otp.oath import TOTP
from playwright.sync_api import expect

from e2e.conftest import sent_emails
from e2e.test_journeys import ACTIVE_PLAN, action, expect_success, h1, nav

NEW_PASSWORD = "lantern-orchard-meadow-42"
NEWER_PASSWORD = "harbour-thistle-compass-17"


def _last_link(base_url: str, path: str) -> str:
    links = re.findall(rf"https?://[^\s<\"]+?({re.escape(path)}[^\s<\"]+/)", sent_emails(base_url))
    assert links, f"no e-mail with a {path} link"
    return links[-1]


def _totp(secret: str, *, steps_ahead: int = 0) -> str:
    """The app's code, computed from the key the page showed. A code works once: the second
    sign-in types the next 30-second window's code, which the portal accepts (one step of
    clock drift allowed), rather than waiting for it."""
    totp = TOTP(base64.b32decode(secret.replace(" ", "")))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_coordinator_invites_a_dph_who_takes_over_a_priority_and_secures_the_account(journey, portal):
    suffix = uuid.uuid4().hex[:6]
    email = f"nadia.rahman.{suffix}@example.org"
    name = "Nadia Rahman"

    coordinator = journey("people-coordinator")
    coordinator.sign_in("coordinator")
    page = coordinator.page
    nav(coordinator, "People", "people")
    expect(h1(page)).to_have_text("People")
    action(page, "Invite someone").click()
    coordinator.check("invite")
    page.get_by_label("First name").fill("Nadia")
    page.get_by_label("Last name").fill("Rahman")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Network member").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect_success(page, f"Invitation sent to {name} at {email}")
    coordinator.check("invited")
    expect(page.get_by_role("row").filter(has_text=email)).to_contain_text("Invited")

    # The DPH opens the link from the e-mail and chooses a password.
    dph = journey("people-new-dph")
    link = _last_link(portal, "/accounts/invitation/")
    dph.visit(link, "accept-invitation")
    expect(h1(dph.page)).to_have_text(f"Welcome, {name}")
    dph.page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    dph.page.get_by_label("Confirm the new password").fill(NEW_PASSWORD)
    dph.page.get_by_role("button", name="Save the password and continue").click()
    expect(h1(dph.page)).to_have_text("Dashboard")
    dph.check("landing-after-invitation")

    # The coordinator hands priority 1's lead to the new DPH from today.
    nav(coordinator, "Action plans", "plans")
    # Another journey's plan may build on the active one and link to it too: the same page.
    page.get_by_role("link", name=ACTIVE_PLAN, exact=True).first.click()
    coordinator.check("plan")
    page.get_by_role("link", name="Manage priority areas and key objectives").click()
    coordinator.check("priorities")
    page.get_by_role("link", name=re.compile(r"^Priority 1:")).click()
    coordinator.check("priority-1")
    action(page, "Hand over the lead or deputy role").click()
    coordinator.check("handover")
    page.get_by_label("DPH lead").check()
    page.get_by_label("Hand it to").select_option(label=name)
    page.get_by_label("As interim").check()
    page.get_by_role("button", name="Continue").click()
    expect(h1(page)).to_have_text(f"Hand the DPH lead role to {name}?")
    coordinator.check("handover-confirm")
    page.get_by_role("button", name="Hand over").click()
    expect_success(page, f"DPH lead of Priority 1 handed to {name}")
    coordinator.check("priority-1-handed-over")
    expect(page.locator(".govuk-summary-list")).to_contain_text(f"{name} (interim)")

    # The DPH now has their priority; they turn on two-factor sign-in.
    dph.page.reload()
    nav(dph, "My priorities", "my-priorities")
    expect(dph.page.locator("main")).to_contain_text("Priority 1")
    dph.page.get_by_role("link", name="Your account").click()
    dph.check("account")
    dph.page.get_by_role("link", name="Set up two-factor sign-in").click()
    dph.check("two-factor-setup")
    secret = dph.page.locator("code.sli-secret").inner_text()
    dph.page.get_by_label("Code", exact=True).fill(_totp(secret))
    dph.page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(h1(dph.page)).to_have_text("Two-factor sign-in is on")
    dph.check("recovery-codes")
    expect(dph.page.locator(".sli-recovery-codes li")).to_have_count(10)
    action(dph.page, "I have saved the codes, continue").click()
    dph.page.get_by_role("button", name="Sign out").click()
    dph.check("signed-out")

    # Later, they have forgotten the password: a reset by e-mail, then the code from the app.
    dph.visit("/accounts/login/", "login-forgotten")
    dph.page.get_by_role("link", name="Forgotten your password?").click()
    dph.check("password-reset")
    dph.page.get_by_label("E-mail address").fill(email.upper())
    dph.page.get_by_role("button", name="Send the link").click()
    expect(h1(dph.page)).to_have_text("Check your e-mail")
    dph.check("password-reset-sent")
    dph.visit(_last_link(portal, "/accounts/reset/"), "password-reset-link", status=200)
    expect(h1(dph.page)).to_have_text("Choose a new password")
    dph.page.get_by_label("New password", exact=True).fill(NEWER_PASSWORD)
    dph.page.get_by_label("Confirm the new password").fill(NEWER_PASSWORD)
    dph.page.get_by_role("button", name="Save the new password").click()
    expect(h1(dph.page)).to_have_text("Password saved")
    dph.check("password-saved")
    dph.page.get_by_role("link", name="Sign in").last.click()
    dph.check("login-after-reset")
    dph.page.get_by_label("E-mail address or username").fill(email)
    dph.page.get_by_label("Password").fill(NEWER_PASSWORD)
    dph.page.get_by_role("button", name="Sign in").click()
    expect(h1(dph.page)).to_have_text("Enter the code from your app")
    dph.check("two-factor-verify")
    dph.page.get_by_label("Code", exact=True).fill(_totp(secret, steps_ahead=1))
    dph.page.get_by_role("button", name="Continue").click()
    expect(dph.page.get_by_role("navigation", name="Menu")).to_contain_text("My priorities")
    dph.check("landing-after-two-factor")
