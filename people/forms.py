"""Forms of the people side, in the GOV.UK words."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.template.loader import render_to_string
from django.urls import reverse

from sli_portal.core.notifications import portal_url, send_once


class ResetPasswordForm(PasswordResetForm):
    """Django's reset request: the same answer whether or not the address has an account; the
    e-mail goes once per link through the portal's `send_once`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.label = "E-mail address"
        field.help_text = "The address your SLI Portal account uses"
        field.error_messages = {
            "required": "Enter your e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@example.com",
        }
        field.widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        field.widget.attrs.pop("autofocus", None)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        user, token = context["user"], context["token"]
        link = portal_url(reverse("password_reset_confirm", args=[context["uid"], token]))
        body = render_to_string(
            "people/email/password_reset.txt",
            {"user": user, "link": link, "hours": _hours(), "sign_in": portal_url(reverse("login"))},
        )
        send_once(
            key=f"password-reset:{user.pk}:{token}",
            to=to_email,
            subject="Reset your SLI Portal password",
            body=body,
        )


def _hours() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)


class SetNewPasswordForm(SetPasswordForm):
    """Choosing a password from a reset or an invitation link (Django's validators kept)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password1"].widget.attrs.pop("autofocus", None)
        self.fields["new_password2"].label = "Confirm the new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.error_messages = {**self.error_messages, "password_mismatch": "The two passwords are not the same"}
