"""The pages that bring the apps together: home, a region's public page and plan, its dashboard,
the national board's view, and signing in."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from programmes.access import get_region_for_user, require_national_viewer
from programmes.models import Region
from programmes.selectors import public_regions
from sli_portal import health
from sli_portal.core.forms import LoginForm
from sli_portal.core.http import StoredFileMissing

from . import changes
from .dashboard import region_dashboard
from .national import national_overview, public_summary
from .navigation import landing_url
from .public import public_plan as public_plan_of
from .public import region_public_summary
from .tasks import landing_tasks


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 page, except for a file the storage lacks: the address was right, so the
    page says the file is not available rather than asking the reader to check it."""
    if isinstance(exception, StoredFileMissing):
        return render(request, "file_missing.html", {"what": exception.what}, status=404)
    return defaults.page_not_found(request, exception)


def home(request: HttpRequest) -> HttpResponse:
    regions = list(public_regions())
    # A portal run by one network opens on that network's own summary.
    summary = region_public_summary(regions[0]) if len(regions) == 1 else None
    return render(request, "home.html", {"regions": regions, "summary": summary})


# The day the accessibility statement was last reviewed against the service.
STATEMENT_PREPARED_ON = datetime.date(2026, 12, 1)


@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    if settings.ACCESSIBILITY_CONTACT_EMAIL:
        contacts = [{"name": "", "email": settings.ACCESSIBILITY_CONTACT_EMAIL}]
    else:
        # Without a portal-wide address, each network answers for its own pages.
        contacts = [
            {"name": f"{region.network_name or region.name} SLI coordinator", "email": region.coordinator_email}
            for region in public_regions()
            if region.coordinator_email
        ]
    context = {"contacts": contacts, "prepared_on": STATEMENT_PREPARED_ON}
    return render(request, "accessibility.html", context)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, checks = health.run_checks()
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


@require_GET
@never_cache
def healthz_workers(request: HttpRequest) -> JsonResponse:
    """For monitoring, not the load balancer: 503 when beat or every worker has gone silent."""
    healthy, report = health.workers_report()
    return JsonResponse(report, status=200 if healthy else 503)


class LoginView(auth_views.LoginView):
    """Django's login with GOV.UK messages, landing on the user's own work unless ?next= says otherwise."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return landing_url(self.request.user)

    def form_valid(self, form):
        # Signing in moves last_login to now: keep the one before, for "since you last signed in".
        previous = form.get_user().last_login
        response = super().form_valid(form)
        if previous is not None:
            self.request.session[changes.SESSION_KEY] = previous.isoformat()
        return response


# --- Public pages ----------------------------------------------------------------------------


@require_GET
def region_home(request: HttpRequest, slug: str) -> HttpResponse:
    region = get_object_or_404(Region, slug=slug)
    return render(request, "programmes/region_home.html", {"summary": region_public_summary(region)})


@require_GET
def public_plan(request: HttpRequest, slug: str) -> HttpResponse:
    region = get_object_or_404(Region, slug=slug)
    page = public_plan_of(region)
    if page is None:
        raise Http404("No plan has been published for this region")
    return render(request, "programmes/public_plan.html", {"page": page})


# --- Dashboard -------------------------------------------------------------------------------


@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    dashboard = region_dashboard(region)
    tasks = landing_tasks(dashboard, access)
    # Someone with nothing to do (a network member) lands on what is new since their last visit.
    since = None if tasks else changes.previous_sign_in(request.session)
    context = {
        "dashboard": dashboard,
        "access": access,
        "tasks": tasks,
        "changes": changes.changes_since(region, dashboard.plan, since) if since else None,
    }
    return render(request, "programmes/dashboard.html", context)


# --- National roll-up ------------------------------------------------------------------------


@require_GET
def national_view(request: HttpRequest) -> HttpResponse:
    require_national_viewer(request)
    return render(request, "programmes/national.html", {"overview": national_overview()})


@require_GET
def national_public_summary(request: HttpRequest) -> HttpResponse:
    return render(request, "programmes/national_public.html", {"regions": public_summary()})
