"""Forms of the people side, in the GOV.UK words."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.template.loader import render_to_string
from django.urls import reverse

from programmes.models import LocalAuthority, Region
from sli_portal.core.forms import SingleLineTextMixin, govuk_form_helper
from sli_portal.core.notifications import portal_url, send_once

from .services import GRANTABLE_ROLES


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

    def get_users(self, email):
        """Active accounts with this address, those without a password too: an account restored
        by `import_region`, or invited, sets its first password this way."""
        UserModel = get_user_model()
        return UserModel._default_manager.filter(email__iexact=email.strip(), is_active=True)

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


def _roles_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Roles",
        choices=[(role.value, role.label) for role in GRANTABLE_ROLES],
        widget=forms.CheckboxSelectMultiple,
        help_text="A DPH is a network member; leading a priority area is set on the priority area",
        error_messages={"required": "Select at least one role", "invalid_choice": "Select roles from the list"},
    )


def _council_field(region: Region) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="Council (optional)",
        queryset=LocalAuthority.objects.filter(region=region, active=True),
        required=False,
        empty_label="None",
        help_text="For a Director of Public Health: the council they serve",
        error_messages={"invalid_choice": "Select a council of the region"},
    )


class InviteForm(SingleLineTextMixin, forms.Form):
    first_name = forms.CharField(max_length=150, error_messages={"required": "Enter their first name"})
    last_name = forms.CharField(max_length=150, error_messages={"required": "Enter their last name"})
    email = forms.EmailField(
        label="E-mail address",
        error_messages={
            "required": "Enter their e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=150, required=False)

    def __init__(self, *args, region: Region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_authority"] = _council_field(region)
        self.fields["roles"] = _roles_field()
        self.helper = govuk_form_helper("Send the invitation")


class RolesForm(SingleLineTextMixin, forms.Form):
    job_title = forms.CharField(label="Job title (optional)", max_length=150, required=False)

    def __init__(self, *args, region: Region, memberships=(), **kwargs):
        memberships = list(memberships)
        if memberships:
            kwargs.setdefault(
                "initial",
                {
                    "roles": [m.role for m in memberships],
                    "local_authority": memberships[0].local_authority_id,
                    "job_title": memberships[0].job_title,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["roles"] = _roles_field()
        self.fields["local_authority"] = _council_field(region)
        self.order_fields(["roles", "local_authority", "job_title"])
        self.helper = govuk_form_helper("Save roles")


class CodeForm(forms.Form):
    """A code from the authenticator app (six digits) or a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        error_messages={"required": "Enter the code"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input govuk-input--width-10",
            }
        ),
    )


class VerifyForm(CodeForm):
    remember = forms.BooleanField(label="Remember this device for 30 days", required=False)

    def __init__(self, *args, remember_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "The 6 digits your authenticator app shows, or one of your recovery codes"
        self.fields["code"].widget.attrs.pop("inputmode")
        if remember_days:
            self.fields["remember"].label = f"Remember this device for {remember_days} days"
            self.fields["remember"].help_text = "Do not tick this on a shared computer"
        else:
            del self.fields["remember"]
