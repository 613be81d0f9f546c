"""Accounts (password reset and change) and the coordinator's people pages."""

from __future__ import annotations

from axes.utils import reset as reset_lockouts
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from sli_portal.core.client_address import client_address
from sli_portal.core.forms import ChangePasswordForm

from . import services
from .forms import ResetPasswordForm, SetNewPasswordForm

# --- Password reset and change, at Django's paths ---------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetPasswordForm
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        refusal = services.reset_refusal(form.cleaned_data["email"], client_address(self.request))
        if refusal:
            form.add_error("email", refusal)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetNewPasswordForm
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # A new password ends any lock-out of the account: its owner has just proved who they are.
        reset_lockouts(username=form.user.get_username())
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ChangePasswordForm
