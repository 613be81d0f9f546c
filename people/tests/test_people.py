"""The coordinator's people page: invitations, roles, ending a membership."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people import services
from people.tests.helpers import invite_nadia
from priorities.tests.factories import QuarterlyUpdateFactory
from programmes.models import Invitation, Membership
from programmes.tests.factories import LocalAuthorityFactory, MembershipFactory, UserFactory
from sli_portal.tests.helpers import COORDINATOR_ONLY_MATRIX
from sli_portal.tests.plan_data import Q1, SIGNED

Role = Membership.Role
User = get_user_model()
NEW_PASSWORD = "lantern-orchard-meadow"


@pytest.fixture
def council(region):
    return LocalAuthorityFactory(region=region, name="Cornwall", gss_code="E06000052")


def _invite(client, region, **data):
    fields = {"first_name": "Nadia", "last_name": "Rahman", "email": "nadia.rahman@example.org", "roles": ["member"]}
    fields.update(data)
    return client.post(reverse("person_invite", args=[region.slug]), fields)


def _link(message) -> str:
    return re.search(r"http://127.0.0.1:8000(/accounts/invitation/\S+/)", message.body).group(1)


# --- Who may open the pages ----------------------------------------------------------------


def _people_urls(region, person, with_invitation):
    urls = [
        reverse("people_list", args=[region.slug]),
        reverse("person_invite", args=[region.slug]),
        reverse("person_roles", args=[region.slug, person.pk]),
        reverse("person_end", args=[region.slug, person.pk]),
    ]
    if with_invitation:
        urls += [
            reverse("invitation_resend", args=[region.slug, person.pk]),
            reverse("invitation_revoke", args=[region.slug, person.pk]),
        ]
    return urls


@pytest.mark.parametrize(("persona", "expected"), COORDINATOR_ONLY_MATRIX)
def test_only_the_coordinator_and_administrators_open_the_people_pages(client, region, personas, persona, expected):
    invited = services.invite(
        region=region,
        invited_by=personas["coordinator"],
        first_name="New",
        last_name="Person",
        email="new.person@example.org",
        roles=[Role.MEMBER],
    ).user
    if persona:
        client.force_login(personas[persona])
    for url in _people_urls(region, invited, with_invitation=True):
        assert client.get(url).status_code == expected, url
    if expected != 200:
        # Nothing changes by posting either.
        for url in _people_urls(region, invited, with_invitation=True)[1:]:
            assert client.post(url, {"roles": ["coordinator"]}).status_code == expected, url
        assert Membership.objects.filter(user=invited, region=region).count() == 1
        assert Invitation.objects.get(user=invited).revoked_at is None


def test_a_person_of_another_region_is_not_found(client, region, other_region, coordinator, other_coordinator):
    client.force_login(coordinator)
    for url in _people_urls(region, other_coordinator, with_invitation=True)[2:]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("person_end", args=[region.slug, other_coordinator.pk])).status_code == 404
    assert Membership.objects.filter(user=other_coordinator).exists()


# --- The list -------------------------------------------------------------------------------


def test_the_list_shows_everyone_with_their_roles_areas_and_state(
    client, region, coordinator, sli_lead, dph_lead, priority_1, council
):
    Membership.objects.filter(user=dph_lead).update(local_authority=council, job_title="Director of Public Health")
    MembershipFactory(user=coordinator, region=region, role=Role.PUBLISHER)
    invite_nadia(region, coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("people_list", args=[region.slug])).content.decode()
    assert "4 people" in page
    assert "SLI coordinator, Publisher" in page
    assert "Lead: 1. Healthy places" in page
    assert "Cornwall" in page and "Director of Public Health" in page
    assert "Invited" in page
    assert "Nadia Rahman" in page and "nadia@example.org" in page


def test_the_list_takes_the_same_queries_for_few_or_many_people(client, region, coordinator, plan):
    client.force_login(coordinator)
    url = reverse("people_list", args=[region.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(12):
        user = UserFactory()
        MembershipFactory(user=user, region=region, role=Role.MEMBER)
        services.invite(
            region=region,
            invited_by=coordinator,
            first_name="P",
            last_name=str(n),
            email=f"person{n}@example.org",
            roles=[Role.MEMBER, Role.PUBLISHER],
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# --- Invitations ----------------------------------------------------------------------------


def test_an_invited_dph_sets_a_password_and_lands_on_their_work(client, region, coordinator, council):
    client.force_login(coordinator)
    response = _invite(client, region, roles=["member"], local_authority=council.pk, job_title="DPH")
    assert response.status_code == 302
    user = User.objects.get(email="nadia.rahman@example.org")
    assert not user.has_usable_password()
    assert user.username == "nadia.rahman"
    assert list(user.memberships.values_list("role", "local_authority__name")) == [("member", "Cornwall")]

    message = mail.outbox[-1]
    assert message.to == ["nadia.rahman@example.org"]
    assert message.subject == "You are invited to the SW ADPH SLI Portal"
    assert "Alice Archer has invited you" in message.body and "Network member" in message.body
    assert message.reply_to == ["sli@south-west.example.org"]
    link = _link(message)

    client.logout()
    page = client.get(link)
    assert "Welcome, Nadia Rahman" in page.content.decode()
    weak = client.post(link, {"new_password1": "password", "new_password2": "password"})
    assert weak.status_code == 200 and "This password is too common" in weak.content.decode()
    accepted = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert accepted["Location"] == reverse("dashboard", args=[region.slug])
    assert client.session["_auth_user_id"] == str(user.pk)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # Once only.
    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert "accepted already" in again.content.decode()
    assert client.post(link, {"new_password1": "x" * 20, "new_password2": "x" * 20}).status_code == 410
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_an_invited_lead_lands_on_my_priorities(client, region, coordinator, plan):
    invited = invite_nadia(region, coordinator)
    from priorities.tests.factories import PriorityAreaFactory

    PriorityAreaFactory(plan=plan, number=1, lead=invited.user)
    response = client.post(_link(mail.outbox[-1]), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("my_priorities", args=[region.slug])


def test_an_expired_or_forged_invitation_changes_nothing(client, region, coordinator):
    with time_machine.travel(datetime.datetime(2026, 11, 1, 9, tzinfo=datetime.UTC)):
        invite_nadia(region, coordinator)
    link = _link(mail.outbox[-1])
    with time_machine.travel(datetime.datetime(2026, 11, 8, 8, 59, tzinfo=datetime.UTC)):
        assert client.get(link).status_code == 200
    with time_machine.travel(datetime.datetime(2026, 11, 8, 9, 1, tzinfo=datetime.UTC)):
        expired = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert expired.status_code == 410
    assert "The link has expired" in expired.content.decode()
    forged = client.get(reverse("accept_invitation", args=["not-a-real-token"]))
    assert forged.status_code == 404
    assert "This invitation does not work" in forged.content.decode()
    assert not User.objects.get(email="nadia@example.org").has_usable_password()


def test_a_new_invitation_ends_the_old_link(client, region, coordinator):
    invited = invite_nadia(region, coordinator)
    old_link = _link(mail.outbox[-1])
    client.force_login(coordinator)
    url = reverse("invitation_resend", args=[region.slug, invited.user.pk])
    assert "Send a new invitation to Nadia Rahman?" in client.get(url).content.decode()
    assert len(mail.outbox) == 1  # asking is not sending
    client.post(url)
    assert len(mail.outbox) == 2
    new_link = _link(mail.outbox[-1])
    client.logout()
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200


def test_revoking_an_invitation_takes_its_roles_away(client, region, coordinator):
    invited = invite_nadia(region, coordinator, roles=[Role.MEMBER, Role.PUBLISHER])
    link = _link(mail.outbox[-1])
    client.force_login(coordinator)
    url = reverse("invitation_revoke", args=[region.slug, invited.user.pk])
    assert "Revoke the invitation of Nadia Rahman?" in client.get(url).content.decode()
    client.post(url)
    invited.user.refresh_from_db()
    assert not invited.user.memberships.exists()
    assert not invited.user.is_active
    client.logout()
    assert client.get(link).status_code == 410


def test_inviting_an_address_that_has_an_account_adds_the_roles(client, region, other_region, coordinator):
    elsewhere = UserFactory(username="dana", email="Dana.Dawson@example.org", first_name="Dana", last_name="Dawson")
    MembershipFactory(user=elsewhere, region=other_region, role=Role.MEMBER)
    client.force_login(coordinator)
    response = _invite(client, region, email="dana.dawson@EXAMPLE.org", roles=["member", "sli_lead"])
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="dana.dawson@example.org").count() == 1
    assert set(elsewhere.memberships.filter(region=region).values_list("role", flat=True)) == {"member", "sli_lead"}
    assert not Invitation.objects.filter(user=elsewhere).exists()
    assert mail.outbox[-1].subject == "You have a role in the SW ADPH SLI Portal"
    assert "Sign in with your usual password" in mail.outbox[-1].body

    # A second time: a clear error, nothing duplicated.
    again = _invite(client, region, email="dana.dawson@example.org")
    assert "Dana Dawson already has a role in South West" in again.content.decode()
    assert elsewhere.memberships.filter(region=region).count() == 2


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"roles": ["national"]}, "Select roles from the list"),
        ({"roles": []}, "Select at least one role"),
        ({"email": "not-an-address"}, "Enter an e-mail address in the correct format"),
        ({"first_name": ""}, "Enter their first name"),
        ({"last_name": "Line\nbreak"}, "must be on one line"),
    ],
)
def test_bad_invitations_are_form_errors(client, region, coordinator, data, error):
    client.force_login(coordinator)
    response = _invite(client, region, **data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not User.objects.filter(email="nadia.rahman@example.org").exists()
    assert not mail.outbox


def test_a_council_of_another_region_cannot_be_given(client, region, other_region, coordinator):
    elsewhere = LocalAuthorityFactory(region=other_region)
    client.force_login(coordinator)
    response = _invite(client, region, local_authority=elsewhere.pk)
    assert "Select a council of the region" in response.content.decode()
    assert not User.objects.filter(email="nadia.rahman@example.org").exists()


# --- Roles and ending a membership ----------------------------------------------------------


def test_changing_roles_is_audited_with_who_did_it(client, region, coordinator, member):
    client.force_login(coordinator)
    url = reverse("person_roles", args=[region.slug, member.pk])
    response = client.post(url, {"roles": ["member", "publisher"]})
    assert response.status_code == 302
    assert set(member.memberships.values_list("role", flat=True)) == {"member", "publisher"}
    record = Membership.history.filter(user=member, role="publisher").get()
    assert record.history_type == "+" and record.history_user == coordinator
    trail = client.get(reverse("audit_region", args=[region.slug]) + "?kind=membership").content.decode()
    assert "Eve Ellis: Publisher" in trail


def test_the_last_coordinator_cannot_go(client, region, coordinator):
    client.force_login(coordinator)
    refused = client.post(reverse("person_roles", args=[region.slug, coordinator.pk]), {"roles": ["member"]})
    assert "only SLI coordinator: make someone else coordinator first" in refused.content.decode()
    ended = client.post(reverse("person_end", args=[region.slug, coordinator.pk]))
    assert ended.status_code == 200
    assert "only SLI coordinator" in ended.content.decode()
    assert coordinator.memberships.filter(role="coordinator").exists()


def test_ending_a_membership_keeps_the_persons_history(client, region, coordinator, dph_lead, objective_1):
    update = QuarterlyUpdateFactory(key_objective=objective_1, quarter=Q1, author=dph_lead, submitted_at=SIGNED)
    client.force_login(coordinator)
    url = reverse("person_end", args=[region.slug, dph_lead.pk])
    page = client.get(url).content.decode()
    assert "End the membership of Charlie Carter?" in page
    assert "Hand these over first" in page
    refused = client.post(url)
    assert "still leads priority areas (1. Healthy places)" in refused.content.decode()
    assert dph_lead.memberships.exists()

    objective_1.priority_area.lead = coordinator
    objective_1.priority_area.save()
    assert client.post(url).status_code == 302
    dph_lead.refresh_from_db()
    assert not dph_lead.memberships.exists()
    assert not dph_lead.is_active
    update.refresh_from_db()
    assert update.author == dph_lead
    record = Membership.history.filter(user=dph_lead).latest("history_date")
    assert record.history_type == "-" and record.history_user == coordinator
