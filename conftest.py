"""Named personas shared by every app's tests, so permission tests read like sentences."""

import pytest

from priorities.tests.factories import PriorityAreaFactory
from programmes.models import Membership
from programmes.tests.factories import ActionPlanFactory, MembershipFactory, RegionFactory, UserFactory


@pytest.fixture
def region(db):
    return RegionFactory(name="South West", slug="south-west", gss_code="E12000009", network_name="SW ADPH")


@pytest.fixture
def other_region(db):
    return RegionFactory(name="North East", slug="north-east", gss_code="E12000001", network_name="NE ADPH")


@pytest.fixture
def plan(region):
    return ActionPlanFactory(region=region, title="SW ADPH SLI Action Plan 2024-2026")


@pytest.fixture
def priority_1(plan, dph_lead):
    return PriorityAreaFactory(plan=plan, number=1, title="Healthy places", lead=dph_lead)


@pytest.fixture
def priority_2(plan, dph_lead_2):
    return PriorityAreaFactory(plan=plan, number=2, title="Health inequalities", lead=dph_lead_2)


def _member(region, username, role, **user_fields):
    user = UserFactory(username=username, **user_fields)
    MembershipFactory(user=user, region=region, role=role)
    return user


@pytest.fixture
def coordinator(region):
    return _member(region, "coordinator", Membership.Role.COORDINATOR)


@pytest.fixture
def sli_lead(region):
    return _member(region, "sli-lead", Membership.Role.SLI_LEAD)


@pytest.fixture
def dph_lead(region):
    """A DPH in the region; leads priority 1 once that fixture is used."""
    return _member(region, "dph-lead", Membership.Role.MEMBER)


@pytest.fixture
def dph_lead_2(region):
    return _member(region, "dph-lead-2", Membership.Role.MEMBER)


@pytest.fixture
def member(region):
    return _member(region, "member", Membership.Role.MEMBER)


@pytest.fixture
def publisher(region):
    return _member(region, "publisher", Membership.Role.PUBLISHER)


@pytest.fixture
def other_coordinator(other_region):
    return _member(other_region, "other-coordinator", Membership.Role.COORDINATOR)


@pytest.fixture
def national(db):
    user = UserFactory(username="national")
    MembershipFactory(user=user, region=None, role=Membership.Role.NATIONAL)
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)
