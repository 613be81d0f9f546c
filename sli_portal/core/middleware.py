"""Middleware of the bottom layer: rules every response follows, whichever app made it."""

from __future__ import annotations

PRIVATE = "private, no-store"


class PrivateCacheControlMiddleware:
    """No browser or proxy keeps a copy of what a signed-in user was shown.

    Every response to a signed-in user, and every response that did not choose its own caching
    (a private download reached through a personal link, such as a calendar feed), carries
    `Cache-Control: private, no-store`: drafts, exports, previews, reports and `.ics` files stay
    off shared caches and out of a shared computer's disk cache. A public page served to an
    anonymous visitor keeps the Cache-Control its view set.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)  # absent when a middleware answered before auth
        if (user is not None and user.is_authenticated) or not response.has_header("Cache-Control"):
            response["Cache-Control"] = PRIVATE
        return response
