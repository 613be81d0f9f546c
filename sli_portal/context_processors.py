from programmes.selectors import memberships_for

from .navigation import build_navigation


def navigation(request):
    # The admin has its own chrome; skip the query there.
    if request.path.startswith("/admin/"):
        return {}
    memberships = list(memberships_for(request.user)) if hasattr(request, "user") else []
    return {
        "navigation": build_navigation(request, memberships),
        "user_memberships": memberships,
    }
