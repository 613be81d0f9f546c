"""Shared steps of the people tests."""

from people import services
from programmes.models import Membership


def invite_nadia(region, coordinator, *, roles=(Membership.Role.MEMBER,), email="nadia@example.org"):
    """The coordinator invites Nadia Rahman, a new DPH, to the region."""
    return services.invite(
        region=region, invited_by=coordinator, first_name="Nadia", last_name="Rahman", email=email, roles=list(roles)
    )
