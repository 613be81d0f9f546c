"""Who may do what in a region: the one place the portal's roles are turned into permissions.

Views call these helpers before doing anything; templates only show what the view allowed.
Unknown or private objects are 404, a region the user cannot act in is 403, and anonymous
visitors of a private page are sent to sign in.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import ActionPlan, Membership, Region

Role = Membership.Role


@dataclass(frozen=True)
class RegionAccess:
    """One user's roles in one region, read with one query."""

    region: Region
    roles: frozenset[str]
    is_national: bool = False
    is_superuser: bool = False

    @property
    def can_read(self) -> bool:
        """The region's workspace: any role in the region (a DPH lead is at least a member) and
        administrators; the national board only when the network shares its workspace with it.
        The board always reads what the region submits and publishes (`can_read_submitted`)."""
        return bool(self.roles) or self.is_superuser or (self.is_national and self.shares_workspace)

    @property
    def shares_workspace(self) -> bool:
        return self.region.share_workspace_with_national_board

    @property
    def can_read_submitted(self) -> bool:
        """What the region sends the national board: its submitted annual reports."""
        return bool(self.roles) or self.is_national or self.is_superuser

    @property
    def can_write_reports(self) -> bool:
        """The annual report to the national board is written by the SLI lead and the coordinator."""
        return bool({Role.SLI_LEAD, Role.COORDINATOR} & self.roles) or self.is_superuser

    @property
    def can_submit_reports(self) -> bool:
        """The DPH SLI lead reports the region's progress to the national board."""
        return Role.SLI_LEAD in self.roles or self.is_superuser

    @property
    def can_acknowledge_reports(self) -> bool:
        """The national board records that it received a region's report."""
        return self.is_national or self.is_superuser

    @property
    def can_read_evidence(self) -> bool:
        """Evidence files are the network's working papers: its members and administrators read
        them, never the national board (sector-led improvement is not inspection)."""
        return bool(self.roles) or self.is_superuser

    @property
    def can_coordinate(self) -> bool:
        return Role.COORDINATOR in self.roles or self.is_superuser

    @property
    def can_sign_off(self) -> bool:
        """The network's sign-off is recorded by the SLI lead or the coordinator."""
        return bool({Role.SLI_LEAD, Role.COORDINATOR} & self.roles) or self.is_superuser

    @property
    def can_approve_plans(self) -> bool:
        """The DPH SLI lead coordinates the regional plan: the SLI lead approves a plan as the
        coordinator can; the rest of a plan's life (activate, close, edit) is the coordinator's."""
        return bool({Role.SLI_LEAD, Role.COORDINATOR} & self.roles) or self.is_superuser

    @property
    def can_publish(self) -> bool:
        return Role.PUBLISHER in self.roles or self.is_superuser

    def has_role(self, role: str) -> bool:
        return role in self.roles


def region_access(user, region: Region) -> RegionAccess:
    if not user.is_authenticated:
        return RegionAccess(region, frozenset())
    roles = set(
        Membership.objects.filter(user=user)
        .filter(Q(region=region) | Q(role=Role.NATIONAL))
        .values_list("role", flat=True)
    )
    is_national = Role.NATIONAL in roles
    roles.discard(Role.NATIONAL)
    return RegionAccess(region, frozenset(roles), is_national=is_national, is_superuser=user.is_superuser)


def is_national_viewer(user, memberships=None, *, include_administrators: bool = True) -> bool:
    """The national board's viewers, and administrators: the one place this is decided.

    `memberships`, when the caller has the user's memberships already, saves the query;
    `include_administrators=False` asks whether the user sits on the board themselves.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser and include_administrators:
        return True
    if memberships is not None:
        return any(m.role == Role.NATIONAL for m in memberships)
    return Membership.objects.filter(user=user, role=Role.NATIONAL).exists()


def require_national_viewer(request) -> None:
    """Refuse the national board's pages to anyone else: sign in first, else 403."""
    if not request.user.is_authenticated:
        raise SignInRequired
    if not is_national_viewer(request.user):
        raise PermissionDenied


def readable_regions(user) -> QuerySet[Region]:
    """Regions whose workspace (unpublished data) the user may read: a national board viewer
    reads only those that share their workspace with the board."""
    if not user.is_authenticated:
        return Region.objects.none()
    if user.is_superuser:
        return Region.objects.all()
    if is_national_viewer(user):
        return Region.objects.filter(Q(share_workspace_with_national_board=True) | Q(memberships__user=user)).distinct()
    return Region.objects.filter(memberships__user=user).distinct()


class SignInRequired(Exception):
    """Raised for anonymous visitors of a private page; the middleware sends them to sign in."""


def get_region_for_user(request, slug: str, *, need: str = "read") -> tuple[Region, RegionAccess]:
    """The region of the URL and the user's access to it, or the right refusal.

    `need` is one of "read", "coordinate", "sign_off", "publish".
    """
    region = get_object_or_404(Region, slug=slug)
    access = region_access(request.user, region)
    check_access(request, access, need)
    return region, access


def get_plan_for_user(request, slug: str, plan_id: int, *, need: str = "read"):
    """The URL's region, the user's access to it and the plan looked up inside it (404 outside)."""
    region, access = get_region_for_user(request, slug, need=need)
    plan = get_object_or_404(ActionPlan.objects.select_related("region", "builds_on"), pk=plan_id, region=region)
    return region, access, plan


def check_access(request, access: RegionAccess, need: str) -> None:
    """Refuse unless `access` allows `need`: anonymous visitors sign in first, others get 403."""
    if not getattr(access, f"can_{need}"):
        if not request.user.is_authenticated:
            raise SignInRequired
        raise PermissionDenied


class SignInRequiredMiddleware:
    """Turns SignInRequired into Django's usual redirect to the login page with ?next=."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, SignInRequired):
            return redirect_to_login(request.get_full_path())
        return None
