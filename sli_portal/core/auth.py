"""Signing in with the e-mail address or the user name, in any case, and the lock-out that
counts per account whichever of the two was typed."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


def find_account(typed: str | None):
    """The one account a typed sign-in name means, or None.

    The user name is matched first (exactly, then in any case), then the e-mail address in any
    case. An e-mail address shared by two accounts names neither: the user name must be typed.
    """
    typed = (typed or "").strip()
    if not typed:
        return None
    users = list(get_user_model()._default_manager.filter(Q(username__iexact=typed) | Q(email__iexact=typed))[:10])
    for matches in (
        [u for u in users if u.username == typed],
        [u for u in users if u.username.lower() == typed.lower()],
        [u for u in users if u.email.lower() == typed.lower()],
    ):
        if len(matches) == 1:
            return matches[0]
        if matches:
            return None
    return None


class EmailOrUsernameBackend(ModelBackend):
    """Django's model backend, reached by the user name or the e-mail address."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = find_account(username)
        if user is None:
            # Hash anyway, so the time taken does not tell whether the account exists.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def lockout_username(request, credentials: dict | None) -> str | None:
    """The name django-axes counts failures under: the account's own user name when the typed
    name finds one, so "Amelia.Hart@…" and "amelia" share one count; else the typed text in
    lower case."""
    typed = (credentials or {}).get("username")
    if typed is None and request is not None:
        typed = request.POST.get("username")
    if not typed:
        return typed
    account = find_account(typed)
    return account.username if account else typed.strip().lower()
