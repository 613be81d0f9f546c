"""The people side's rules: password-reset throttling, invitations, roles and memberships."""

from __future__ import annotations

import datetime
import hashlib
import itertools
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from priorities.models import PriorityArea
from programmes.models import ActionPlan, Invitation, LocalAuthority, Membership, Region
from programmes.selectors import reply_to_addresses
from sli_portal.core.notifications import portal_url, send_once

from .models import ResetRequest

# Kept a day: the longest window a throttle looks back over.
RESET_REQUESTS_KEPT = datetime.timedelta(days=1)
RESET_WINDOW = datetime.timedelta(hours=1)


def reset_refusal(email: str, client_address: str | None) -> str | None:
    """Record a password-reset request and say why it is refused, or None when it may go.

    Counted per typed address and per client over the last hour, whether or not the address
    belongs to an account, so the answer tells nothing about who has one.
    """
    now = timezone.now()
    email = email.strip().lower()
    ResetRequest.objects.filter(requested_at__lt=now - RESET_REQUESTS_KEPT).delete()
    recent = ResetRequest.objects.filter(requested_at__gte=now - RESET_WINDOW)
    counts = recent.filter(Q(email=email) | Q(client_address=client_address)).values_list("email", "client_address")
    per_address = per_client = 0
    for typed, client in counts:
        per_address += typed == email
        per_client += client_address is not None and client == client_address
    if per_client >= settings.PASSWORD_RESET_LIMIT_PER_CLIENT:
        return "You have asked for too many password resets. Try again in an hour"
    if per_address >= settings.PASSWORD_RESET_LIMIT_PER_ADDRESS:
        return "Too many password resets have been asked for this address. Try again in an hour"
    ResetRequest.objects.create(email=email, client_address=client_address)
    return None


# --- Memberships and invitations: the coordinator's people page -------------------------------

Role = Membership.Role

# What a coordinator may give: never the national board's role, never staff or superuser rights.
GRANTABLE_ROLES = (Role.MEMBER, Role.SLI_LEAD, Role.COORDINATOR, Role.PUBLISHER)


@dataclass(frozen=True)
class Invited:
    user: object
    invitation: Invitation | None  # None: the account had a password already, and was told


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _free_username(email: str) -> str:
    base = re.sub(r"[^a-z0-9._-]", "", email.split("@")[0].lower())[:140] or "user"
    User = get_user_model()
    taken = set(User._default_manager.filter(username__istartswith=base).values_list("username", flat=True))
    taken = {name.lower() for name in taken}
    if base not in taken:
        return base
    return next(f"{base}{n}" for n in itertools.count(2) if f"{base}{n}" not in taken)


def _check_roles(roles) -> list[str]:
    roles = list(dict.fromkeys(roles))
    if not roles:
        raise ValidationError({"roles": "Select at least one role"})
    if any(role not in GRANTABLE_ROLES for role in roles):
        raise ValidationError({"roles": "Select roles from the list"})
    return roles


def _check_council(region: Region, local_authority: LocalAuthority | None) -> None:
    if local_authority is not None and local_authority.region_id != region.pk:
        raise ValidationError({"local_authority": "Select a council of the region"})


def invite(
    *,
    region: Region,
    invited_by,
    first_name: str,
    last_name: str,
    email: str,
    roles,
    local_authority: LocalAuthority | None = None,
    job_title: str = "",
) -> Invited:
    """Give someone roles in the region and tell them by e-mail.

    A new address gets an account without a password and a one-time link to set it; an address
    that already has an account gets the roles on it (no second account) and a notice.
    """
    roles = _check_roles(roles)
    _check_council(region, local_authority)
    email = get_user_model().objects.normalize_email(email.strip())
    with transaction.atomic():
        accounts = list(get_user_model()._default_manager.filter(email__iexact=email)[:2])
        if len(accounts) > 1:
            raise ValidationError({"email": "Two accounts use this address: ask an administrator to merge them"})
        if accounts:
            user = accounts[0]
            if Membership.objects.filter(user=user, region=region).exists():
                raise ValidationError(
                    {"email": f"{display_name(user)} already has a role in {region}: change their roles instead"}
                )
            if not user.is_active:
                user.is_active = True
                user.save(update_fields=["is_active"])
        else:
            user = get_user_model()._default_manager.create(
                username=_free_username(email), email=email, first_name=first_name.strip(), last_name=last_name.strip()
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
        for role in roles:
            Membership.objects.create(
                user=user, region=region, role=role, local_authority=local_authority, job_title=job_title
            )
        if user.has_usable_password():
            _send_added_notice(user, region, roles, invited_by)
            return Invited(user, None)
        invitation = Invitation(user=user, region=region, invited_by=invited_by)
        _send_invitation(invitation, roles)
        return Invited(user, invitation)


def resend_invitation(invitation: Invitation) -> Invitation:
    """A new link, valid for seven days from now; the old one stops working."""
    if invitation.accepted_at:
        raise ValidationError("This invitation has been accepted: the person signs in with their own password")
    with transaction.atomic():
        invitation.revoked_at = None
        roles = list(
            Membership.objects.filter(user=invitation.user, region=invitation.region).values_list("role", flat=True)
        )
        if not roles:
            raise ValidationError("This person has no role in the region any more: invite them again")
        _send_invitation(invitation, roles)
    return invitation


def revoke_invitation(invitation: Invitation) -> None:
    """The link stops working and the roles it offered go, unless the person had an account."""
    if invitation.accepted_at:
        raise ValidationError("This invitation has been accepted: end the membership instead")
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        user = invitation.user
        if not user.has_usable_password():
            for membership in Membership.objects.filter(user=user, region=invitation.region):
                membership.delete()
            _close_account_without_roles(user)


def pending_invitation(user, region: Region) -> Invitation | None:
    return Invitation.objects.filter(user=user, region=region).pending(timezone.now()).first()


def invitation_for_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related("user", "region").filter(token_hash=_token_hash(token)).first()


def accept_invitation(invitation: Invitation, form) -> None:
    """Set the password chosen on the invitation's page (`form`, a SetPasswordForm) once."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.state(timezone.now()) != "pending":
            raise ValidationError("This invitation does not work any more")
        form.save()
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])


def accept_pending_invitations(user) -> int:
    """The person set a password another way (a reset link to the same address): their waiting
    invitations count as accepted."""
    return Invitation.objects.filter(user=user).pending(timezone.now()).update(accepted_at=timezone.now())


def change_roles(
    *, region: Region, user, roles, local_authority: LocalAuthority | None = None, job_title: str = ""
) -> None:
    roles = _check_roles(roles)
    _check_council(region, local_authority)
    with transaction.atomic():
        current = {m.role: m for m in Membership.objects.select_for_update().filter(user=user, region=region)}
        if not current:
            raise ValidationError("This person has no role in the region")
        if Role.COORDINATOR in current and Role.COORDINATOR not in roles:
            _refuse_last_coordinator(region, user)
        for role, membership in current.items():
            if role not in roles:
                membership.delete()
            elif (membership.local_authority_id, membership.job_title) != (
                getattr(local_authority, "pk", None),
                job_title,
            ):
                membership.local_authority = local_authority
                membership.job_title = job_title
                membership.save(update_fields=["local_authority", "job_title"])
        for role in roles:
            if role not in current:
                Membership.objects.create(
                    user=user, region=region, role=role, local_authority=local_authority, job_title=job_title
                )


def end_membership(*, region: Region, user) -> None:
    """Take away every role the person holds in the region. Their updates, sign-offs and history
    stay theirs: the account is kept (and closed when no role is left anywhere)."""
    with transaction.atomic():
        memberships = list(Membership.objects.select_for_update().filter(user=user, region=region))
        if not memberships:
            raise ValidationError("This person has no role in the region")
        if any(m.role == Role.COORDINATOR for m in memberships):
            _refuse_last_coordinator(region, user)
        led = list(areas_led_in_region(user, region))
        if led:
            names = ", ".join(f"{area.number}. {area.title}" for area in led)
            raise ValidationError(f"{display_name(user)} still leads priority areas ({names}): hand them over first")
        for membership in memberships:
            membership.delete()
        Invitation.objects.filter(user=user, region=region, accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        _close_account_without_roles(user)


def areas_led_in_region(user, region: Region):
    """Priority areas of the region's plans still running (not closed) that `user` leads or deputises."""
    return (
        PriorityArea.objects.filter(Q(lead=user) | Q(deputy_lead=user), plan__region=region)
        .exclude(plan__status=ActionPlan.Status.CLOSED)
        .order_by("plan__start_date", "number")
    )


def _refuse_last_coordinator(region: Region, user) -> None:
    others = Membership.objects.filter(region=region, role=Role.COORDINATOR, user__is_active=True).exclude(user=user)
    if not others.exists():
        raise ValidationError(
            f"{display_name(user)} is the region's only SLI coordinator: make someone else coordinator first"
        )


def _close_account_without_roles(user) -> None:
    if not (user.is_staff or user.is_superuser) and not user.memberships.exists():
        user.is_active = False
        user.save(update_fields=["is_active"])


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _role_labels(roles) -> str:
    labels = dict(Role.choices)
    return ", ".join(labels[role] for role in roles)


def _send_invitation(invitation: Invitation, roles) -> None:
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = _token_hash(token)
    invitation.sent_at = now
    invitation.expires_at = now + datetime.timedelta(days=Invitation.VALID_FOR_DAYS)
    invitation.save()
    region, user = invitation.region, invitation.user
    body = render_to_string(
        "people/email/invitation.txt",
        {
            "user": user,
            "region": region,
            "roles": _role_labels(roles),
            "invited_by": display_name(invitation.invited_by) if invitation.invited_by else "",
            "link": portal_url(reverse("accept_invitation", args=[token])),
            "expires_at": invitation.expires_at,
        },
    )
    send_once(
        key=f"invitation:{invitation.pk}:{invitation.token_hash[:16]}",
        to=user.email,
        subject=f"You are invited to the {region.short_name} SLI Portal",
        body=body,
        reply_to=reply_to_addresses(region),
    )


def _send_added_notice(user, region: Region, roles, added_by) -> None:
    body = render_to_string(
        "people/email/added.txt",
        {
            "user": user,
            "region": region,
            "roles": _role_labels(roles),
            "added_by": display_name(added_by) if added_by else "",
            "sign_in": portal_url(reverse("login")),
        },
    )
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    send_once(
        key=f"membership-added:{region.pk}:{user.pk}:{stamp}",
        to=user.email,
        subject=f"You have a role in the {region.short_name} SLI Portal",
        body=body,
        reply_to=reply_to_addresses(region),
    )
