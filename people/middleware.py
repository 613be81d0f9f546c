"""The second step of signing in: no page until the code is given, or the app set up where the
user's role needs one (people.two_factor)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from . import two_factor


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            state = request.session.get(two_factor.SESSION_KEY)
            # Not decided yet (a session from before), or verified by a device since reset.
            if state is None or (state == two_factor.VERIFIED and not user.is_verified()):
                state = two_factor.state_after_password(request, user)
                request.session[two_factor.SESSION_KEY] = state
            target = {two_factor.NEEDS_CODE: "two_factor_verify", two_factor.NEEDS_SETUP: "two_factor_setup"}.get(state)
            if target and not self._open_meanwhile(request.path_info):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(target)}?{query}")
        return self.get_response(request)

    @staticmethod
    def _open_meanwhile(path: str) -> bool:
        """Pages a half-signed-in user may still reach: the second step itself, signing out,
        the health check and static files."""
        prefixes = (reverse("two_factor_verify"), reverse("two_factor_setup"), reverse("logout"), "/static/")
        return path.startswith(prefixes) or path == reverse("healthz")
