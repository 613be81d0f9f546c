"""Accounts (password reset and change) and the coordinator's people pages."""

from __future__ import annotations

from axes.utils import reset as reset_lockouts
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from programmes.access import get_region_for_user
from programmes.models import Invitation
from sli_portal.core.client_address import client_address
from sli_portal.core.forms import ChangePasswordForm, add_service_errors
from sli_portal.pages.navigation import landing_url

from . import selectors, services, two_factor
from .forms import CodeForm, InviteForm, ResetPasswordForm, RolesForm, SetNewPasswordForm, VerifyForm

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
        # A new password ends any lock-out of the account: its owner has just proved who they are,
        # and takes up the roles any invitation still waiting offered.
        reset_lockouts(username=form.user.get_username())
        services.accept_pending_invitations(form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ChangePasswordForm


# --- The coordinator's people page ------------------------------------------------------------

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


@require_GET
def people_list(request: HttpRequest, slug: str) -> HttpResponse:
    region, _access = get_region_for_user(request, slug, need="coordinate")
    people = selectors.region_people(region, timezone.now())
    return render(request, "people/people_list.html", {"region": region, "people": people})


def _person(request: HttpRequest, slug: str, user_id: int):
    """The region (for its coordinator) and one person with a role in it, else 404."""
    region, _access = get_region_for_user(request, slug, need="coordinate")
    memberships = selectors.person_memberships(region, user_id)
    if not memberships:
        raise Http404("This person has no role in the region")
    return region, memberships[0].user, memberships


@GET_POST
def person_invite(request: HttpRequest, slug: str) -> HttpResponse:
    region, _access = get_region_for_user(request, slug, need="coordinate")
    form = InviteForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        try:
            invited = services.invite(region=region, invited_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            name = services.display_name(invited.user)
            if invited.invitation:
                messages.success(request, f"Invitation sent to {name} at {invited.user.email}")
            else:
                messages.success(request, f"{name} already had an account: the roles are added and they have been told")
            return redirect("people_list", region.slug)
    return render(request, "people/person_invite.html", {"region": region, "form": form})


@GET_POST
def person_roles(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    region, person, memberships = _person(request, slug, user_id)
    form = RolesForm(request.POST or None, region=region, memberships=memberships)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_roles(region=region, user=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Roles of {services.display_name(person)} saved")
            return redirect("people_list", region.slug)
    return render(request, "people/person_roles.html", {"region": region, "person": person, "form": form})


@GET_POST
def person_end(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    region, person, memberships = _person(request, slug, user_id)
    error = None
    if request.method == "POST":
        try:
            services.end_membership(region=region, user=person)
        except ValidationError as refusal:
            error = refusal.messages[0]
        else:
            messages.success(request, f"{services.display_name(person)} no longer has a role in {region}")
            return redirect("people_list", region.slug)
    context = {
        "region": region,
        "person": person,
        "memberships": memberships,
        "areas": list(services.areas_led_in_region(person, region)),
        "error": error,
    }
    return render(request, "people/person_end.html", context)


def _open_invitation(region, user_id: int) -> Invitation:
    invitation = (
        Invitation.objects.filter(region=region, user_id=user_id, accepted_at__isnull=True)
        .select_related("user", "region")
        .order_by("-sent_at")
        .first()
    )
    if invitation is None:
        raise Http404("No invitation waits for this person")
    return invitation


@GET_POST
def invitation_resend(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    region, person, _memberships = _person(request, slug, user_id)
    invitation = _open_invitation(region, user_id)
    if request.method == "POST":
        try:
            services.resend_invitation(invitation)
        except ValidationError as refusal:
            messages.error(request, refusal.messages[0])
        else:
            messages.success(request, f"A new invitation has been sent to {person.email}")
        return redirect("people_list", region.slug)
    return render(
        request,
        "people/invitation_confirm.html",
        {"region": region, "person": person, "invitation": invitation, "action": "resend"},
    )


@GET_POST
def invitation_revoke(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    region, person, _memberships = _person(request, slug, user_id)
    invitation = _open_invitation(region, user_id)
    if invitation.revoked_at:
        raise Http404("This invitation has been revoked already")
    if request.method == "POST":
        services.revoke_invitation(invitation)
        messages.success(request, f"The invitation of {services.display_name(person)} is revoked")
        return redirect("people_list", region.slug)
    return render(
        request,
        "people/invitation_confirm.html",
        {"region": region, "person": person, "invitation": invitation, "action": "revoke"},
    )


@GET_POST
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token)
    state = invitation.state(timezone.now()) if invitation else "unknown"
    if state != "pending":
        status = 404 if state == "unknown" else 410
        return render(request, "people/invitation_invalid.html", {"state": state}, status=status)
    user = invitation.user
    form = SetNewPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(invitation, form)
        except ValidationError:
            return render(request, "people/invitation_invalid.html", {"state": "used"}, status=410)
        login(request, user, backend="sli_portal.core.auth.EmailOrUsernameBackend")
        messages.success(request, f"Welcome to the {invitation.region.short_name} SLI Portal")
        return redirect(landing_url(user))
    roles = [m.get_role_display() for m in user.memberships.filter(region=invitation.region)]
    context = {"invitation": invitation, "form": form, "roles": roles}
    return render(request, "people/accept_invitation.html", context)


# --- Your account and two-factor sign-in --------------------------------------------------


@require_GET
@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "enrolled": two_factor.is_enrolled(user),
        "required": two_factor.required_for(user),
        "codes_left": two_factor.recovery_codes_left(user),
    }
    return render(request, "people/account.html", context)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return landing_url(request.user)


def _wrong_code(wait: int, what: str) -> str:
    if wait:
        return f"Too many wrong codes: wait {wait} second{'s' if wait != 1 else ''}, then {what}"
    return f"The code is not right: {what}"


@GET_POST
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if two_factor.is_enrolled(user):
        return redirect("account")
    device = two_factor.pending_authenticator(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = two_factor.locked_for_seconds(device)
        codes = None if wait else two_factor.confirm_authenticator(request, device, form.cleaned_data["code"])
        if codes is not None:
            context = {"codes": codes, "next": _next_url(request), "first_time": True}
            return render(request, "people/recovery_codes.html", context)
        form.add_error("code", _wrong_code(wait, "enter the 6 digits your app shows now"))
    context = {
        "form": form,
        "qr_code": two_factor.qr_code_svg(device),
        "secret": two_factor.typed_secret(device),
        "required": two_factor.required_for(user),
        "next": _next_url(request),
    }
    return render(request, "people/two_factor_setup.html", context)


@GET_POST
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.session.get(two_factor.SESSION_KEY) != two_factor.NEEDS_CODE:
        return redirect(_next_url(request))
    form = VerifyForm(request.POST or None, remember_days=two_factor.remember_days())
    status = 200
    if request.method == "POST" and form.is_valid():
        wait = two_factor.locked_for_seconds(two_factor.authenticator(user))
        device = None if wait else two_factor.verify(request, form.cleaned_data["code"])
        if device is not None:
            response = redirect(_next_url(request))
            authenticator = two_factor.authenticator(user)
            if form.cleaned_data.get("remember") and authenticator is not None:
                two_factor.remember(response, user, authenticator)
            return response
        form.add_error("code", _wrong_code(wait, "enter the 6 digits your app shows now, or a recovery code"))
        status = 429 if wait else 200
    return render(request, "people/two_factor_verify.html", {"form": form, "next": _next_url(request)}, status=status)


@GET_POST
@login_required
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working): asked on a page, made on POST."""
    user = request.user
    if not two_factor.is_enrolled(user):
        return redirect("account")
    if request.method == "POST":
        codes = two_factor.new_recovery_codes(user)
        return render(request, "people/recovery_codes.html", {"codes": codes, "next": reverse("account")})
    return render(request, "people/recovery_codes_confirm.html")


@GET_POST
@login_required
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not two_factor.is_enrolled(user):
        return redirect("account")
    if two_factor.required_for(user):
        raise PermissionDenied("Your role needs two-factor sign-in")
    if request.method == "POST":
        two_factor.remove_second_factor(user)
        request.session[two_factor.SESSION_KEY] = two_factor.NOT_NEEDED
        messages.success(request, "Two-factor sign-in is off: you sign in with your password alone")
        return redirect("account")
    return render(request, "people/two_factor_remove.html")


@GET_POST
def person_reset_second_factor(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    region, person, _memberships = _person(request, slug, user_id)
    if not two_factor.is_enrolled(person):
        messages.error(request, f"{services.display_name(person)} has no two-factor sign-in to reset")
        return redirect("people_list", region.slug)
    if request.method == "POST":
        two_factor.reset_for(region=region, user=person, reset_by=request.user)
        messages.success(
            request,
            f"Two-factor sign-in of {services.display_name(person)} reset: they set it up again at their next sign-in",
        )
        return redirect("people_list", region.slug)
    return render(request, "people/person_second_factor_reset.html", {"region": region, "person": person})
