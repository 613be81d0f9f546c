"""What the people page shows: everyone with a role in a region, in a bounded number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from priorities.models import PriorityArea
from programmes.models import ActionPlan, Invitation, LocalAuthority, Membership, Region

from .services import display_name


@dataclass
class Person:
    user: object
    roles: list[str] = field(default_factory=list)  # labels, in the roles' order
    council: LocalAuthority | None = None
    job_title: str = ""
    areas: list[tuple[str, PriorityArea]] = field(default_factory=list)  # ("Lead" | "Deputy", area)
    invitation: Invitation | None = None
    invitation_state: str = ""  # pending, expired, revoked, accepted; "" without an invitation
    two_factor: bool = False

    @property
    def name(self) -> str:
        return display_name(self.user)


def region_people(region: Region, now: datetime.datetime) -> list[Person]:
    """Four queries: memberships with their users and councils, the priority areas of the
    region's running plans they lead or deputise, the region's invitations and who has two-factor
    sign-in."""
    people: dict[int, Person] = {}
    memberships = (
        Membership.objects.filter(region=region)
        .select_related("user", "local_authority")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    order = [role.value for role in Membership.Role]
    for membership in memberships:
        person = people.setdefault(membership.user_id, Person(membership.user))
        person.roles.append(membership.role)
        person.council = person.council or membership.local_authority
        person.job_title = person.job_title or membership.job_title
    for person in people.values():
        person.roles = [Membership.Role(role).label for role in sorted(person.roles, key=order.index)]

    areas = (
        PriorityArea.objects.filter(plan__region=region)
        .filter(Q(lead_id__in=people) | Q(deputy_lead_id__in=people))
        .exclude(plan__status=ActionPlan.Status.CLOSED)
        .select_related("plan")
        .order_by("plan__start_date", "number")
    )
    for area in areas:
        if area.lead_id in people:
            people[area.lead_id].areas.append(("Lead", area))
        if area.deputy_lead_id in people:
            people[area.deputy_lead_id].areas.append(("Deputy", area))

    # Newest first: the first one seen of each person is their latest.
    for invitation in Invitation.objects.filter(region=region, user_id__in=people).order_by("-sent_at"):
        person = people[invitation.user_id]
        if person.invitation is None:
            person.invitation = invitation
            person.invitation_state = invitation.state(now)
    enrolled = TOTPDevice.objects.filter(user_id__in=people, confirmed=True).values_list("user_id", flat=True)
    for user_id in enrolled:
        people[user_id].two_factor = True
    return list(people.values())


def person_memberships(region: Region, user_id: int) -> list[Membership]:
    # The user by primary key first: Django answers an id no column can hold with no row there,
    # where a foreign-key filter would hand it to the database (an overflow on SQLite).
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if user is None:
        return []
    return list(Membership.objects.filter(region=region, user=user).select_related("user", "local_authority"))
