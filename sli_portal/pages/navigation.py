"""The header navigation, built from the user's roles.

Each entry names a URL and the roles that see it; an entry whose URL does not exist (yet) is
left out. The views still check every permission on the server.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from priorities.selectors import priority_areas_led_by
from programmes.access import is_national_viewer
from programmes.selectors import memberships_for


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool = False


ANYONE = "anyone"
OUTSIDE_A_REGION = "outside"  # the public, the national board: no region's pages to go to
SIGNED_IN = "signed_in"  # any role in a region
LEAD = "lead"  # DPH lead or deputy of a priority area
NATIONAL = "national"
PEOPLE = "people"  # the coordinator, who manages the region's people
# The SLI lead (a coordinator reaches the audit log from the People page: the bar has no room).
AUDIT = "audit"
STAFF = "staff"

# (label, URL name, takes the region slug, who sees it). Labels stay short: the bar is narrow.
ENTRIES = [
    # A member's bar has no room for Home at 1280 px: the service name in the header links there.
    ("Home", "home", False, {OUTSIDE_A_REGION}),
    # The public list for the public and the national board; the region's own list for members.
    ("Case studies", "case_study_list", False, {OUTSIDE_A_REGION}),
    ("Dashboard", "dashboard", True, {SIGNED_IN}),
    ("My priorities", "my_priorities", True, {LEAD}),
    ("Action plans", "plan_list", True, {SIGNED_IN}),
    ("Meetings", "meeting_list", True, {SIGNED_IN}),
    ("Projects", "project_list", True, {SIGNED_IN}),
    ("Case studies", "case_study_region_list", True, {SIGNED_IN}),
    ("Events", "event_list", True, {SIGNED_IN}),
    ("Snapshots", "snapshot_list", True, {SIGNED_IN}),
    ("Peer challenges", "peer_challenge_schedule", True, {SIGNED_IN}),
    ("People", "people_list", True, {PEOPLE}),
    ("Audit log", "audit_region", True, {AUDIT}),
    ("National view", "national_view", False, {NATIONAL}),
    ("Administration", "admin:index", False, {STAFF}),
]


def _audiences(request, memberships, leads_priorities: bool) -> set[str]:
    audiences = {ANYONE}
    if any(m.region_id for m in memberships) or request.user.is_superuser:
        audiences.add(SIGNED_IN)
    else:
        audiences.add(OUTSIDE_A_REGION)
    if leads_priorities:
        audiences.add(LEAD)
    if is_national_viewer(request.user, memberships):
        audiences.add(NATIONAL)
    if any(m.role == "coordinator" for m in memberships) or request.user.is_superuser:
        audiences.add(PEOPLE)
    elif any(m.role == "sli_lead" for m in memberships):
        audiences.add(AUDIT)
    if request.user.is_staff:
        audiences.add(STAFF)
    return audiences


def build_navigation(request, memberships, *, leads_priorities: bool = False) -> list[NavItem]:
    # A member of several regions navigates the first; region pages link to the others.
    region = next((m.region for m in memberships if m.region_id), None)
    audiences = _audiences(request, memberships, leads_priorities)
    items = []
    for label, url_name, per_region, seen_by in ENTRIES:
        if not seen_by & audiences or (per_region and region is None):
            continue
        try:
            url = reverse(url_name, args=[region.slug] if per_region else [])
        except NoReverseMatch:
            continue
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append(NavItem(label, url, active))
    return items


def landing_url(user) -> str:
    """Where a user lands after signing in: the page of their day's work."""

    memberships = list(memberships_for(user))
    region = next((m.region for m in memberships if m.region_id), None)
    candidates = []
    if region is not None:
        if priority_areas_led_by(user).filter(plan__region=region).exists():
            candidates.append(("my_priorities", [region.slug]))
        candidates.append(("dashboard", [region.slug]))
    if is_national_viewer(user, memberships, include_administrators=False):
        candidates.append(("national_view", []))
    for url_name, args in candidates:
        try:
            return reverse(url_name, args=args)
        except NoReverseMatch:
            continue
    return reverse("home")
