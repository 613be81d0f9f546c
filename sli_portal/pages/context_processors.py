from django.conf import settings

from priorities.selectors import priority_areas_led_by
from programmes.selectors import memberships_for

from .navigation import build_navigation


def navigation(request):
    # The admin has its own chrome; skip the queries there.
    if request.path.startswith("/admin/") or not hasattr(request, "user"):
        return {"feedback_email": settings.FEEDBACK_EMAIL}
    memberships = list(memberships_for(request.user))
    leads = request.user.is_authenticated and _leads_a_priority_area(request.user)
    region = next((m.region for m in memberships if m.region_id), None)
    return {
        "navigation": build_navigation(request, memberships, leads_priorities=leads),
        "user_memberships": memberships,
        # A member tells their own coordinator; anyone else, the portal's operators.
        "feedback_email": (region.coordinator_email if region else "") or settings.FEEDBACK_EMAIL,
    }


def _leads_a_priority_area(user) -> bool:
    return priority_areas_led_by(user).exists()
