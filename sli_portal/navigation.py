"""The header navigation, built from the user's roles.

Each part of the portal adds its pages here with the roles that may see them; the views still
check every permission on the server.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool = False


def _item(request, label: str, url: str) -> NavItem:
    active = request.path == url if url == "/" else request.path.startswith(url)
    return NavItem(label, url, active)


def build_navigation(request, memberships) -> list[NavItem]:
    items = [_item(request, "Home", reverse("home"))]
    regions = {m.region.slug: m.region for m in memberships if m.region_id}
    for slug in sorted(regions):
        items.append(_item(request, regions[slug].short_name, regions[slug].get_absolute_url()))
    if request.user.is_staff:
        items.append(_item(request, "Administration", reverse("admin:index")))
    return items
