"""Middleware of the bottom layer: rules every response follows, whichever app made it."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.utils.functional import empty

from .logging import new_request_id, reset_request_id, set_request_id

logger = logging.getLogger("sli_portal.requests")

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


class RequestLogMiddleware:
    """One line per request — method, path, status, time, user id, request id — and the request
    id on the response (X-Request-ID) and on every log line written while it is handled.

    Outermost, so the time and status are the whole request's. It reads the user only when the
    request already loaded it: a log line never costs a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = new_request_id(request.headers.get("X-Request-ID"))
        token = set_request_id(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed_ms = (time.perf_counter() - started) * 1000
            user_id = _loaded_user_id(request)
            logger.info(
                "%s %s %s %.0fms user=%s",
                request.method,
                request.path,
                response.status_code,
                elapsed_ms,
                user_id or "-",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(elapsed_ms, 1),
                    "user_id": user_id,
                },
            )
            response["X-Request-ID"] = request_id
            return response
        finally:
            reset_request_id(token)


def _loaded_user_id(request) -> int | None:
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


RENEWED = "_renewed_at"


class SessionRenewalMiddleware:
    """Keeps the idle timeout (SESSION_COOKIE_AGE) without writing the session on every request:
    a session the request already read is marked modified, so it is saved with a new expiry,
    once SESSION_RENEW_SECONDS have passed since it was last written. It never loads a session
    the request did not need, so it costs no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.modified or session.is_empty():
            return response
        now = int(time.time())
        if now - session.get(RENEWED, 0) >= settings.SESSION_RENEW_SECONDS:
            session[RENEWED] = now
        return response


def stamp_session_on_login(sender, request, user, **kwargs):
    """Signing in writes the session anyway: its renewal time starts then (no second write on
    the next request). Connected to `user_logged_in` in sli_portal.apps."""
    if request is not None and hasattr(request, "session"):
        request.session[RENEWED] = int(time.time())
