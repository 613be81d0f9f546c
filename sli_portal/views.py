from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from programmes.selectors import public_regions, region_public_summary

from . import health
from .core.forms import LoginForm
from .navigation import landing_url


def home(request: HttpRequest) -> HttpResponse:
    regions = list(public_regions())
    # A portal run by one network opens on that network's own summary.
    summary = region_public_summary(regions[0]) if len(regions) == 1 else None
    return render(request, "home.html", {"regions": regions, "summary": summary})


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, checks = health.run_checks()
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


class LoginView(auth_views.LoginView):
    """Django's login with GOV.UK messages, landing on the user's own work unless ?next= says otherwise."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return landing_url(self.request.user)
