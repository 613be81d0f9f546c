from priorities.selectors import priority_areas_led_by
from programmes.selectors import memberships_for

from .navigation import build_navigation


def navigation(request):
    # The admin has its own chrome; skip the queries there.
    if request.path.startswith("/admin/") or not hasattr(request, "user"):
        return {}
    memberships = list(memberships_for(request.user))
    leads = request.user.is_authenticated and _leads_a_priority_area(request.user)
    return {
        "navigation": build_navigation(request, memberships, leads_priorities=leads),
        "user_memberships": memberships,
    }


def _leads_a_priority_area(user) -> bool:
    return priority_areas_led_by(user).exists()
