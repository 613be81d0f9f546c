"""Indicator views: catalogue.

The catalogue of indicators, each indicator's page (its metadata, England's, the region's and
its councils' values for the latest period, the last refresh), adding and editing an indicator,
and the coordinator's "Refresh from Fingertips now".
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from programmes.access import get_region_for_user

from .. import selectors
from ..charts import trend_chart_svg
from ..forms import IndicatorForm
from ..models import Indicator, IndicatorValue
from ..tasks import queue_refresh

GET_POST = require_http_methods(["GET", "HEAD", "POST"])
PER_PAGE = 50


@require_GET
def indicator_list(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    latest = IndicatorValue.objects.filter(indicator=OuterRef("pk")).order_by("-period_sortable", "-period")
    indicators = Indicator.objects.annotate(latest_period=Subquery(latest.values("period")[:1])).order_by(
        "name", "fingertips_id"
    )
    page = Paginator(indicators, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "indicators/indicator_list.html", {"region": region, "access": access, "page": page})


def _get_indicator(request: HttpRequest, slug: str, fingertips_id: int, *, need: str = "read"):
    region, access = get_region_for_user(request, slug, need=need)
    return region, access, get_object_or_404(Indicator, fingertips_id=fingertips_id)


@require_GET
def indicator_detail(request: HttpRequest, slug: str, fingertips_id: int) -> HttpResponse:
    region, access, indicator = _get_indicator(request, slug, fingertips_id)
    page = selectors.indicator_page(indicator, region)
    context = {
        "region": region,
        "access": access,
        "indicator": indicator,
        "values": page.values,
        "truncated": page.truncated,
        "max_value_rows": selectors.MAX_VALUE_ROWS,
        "trend": page.trend,
        "chart": trend_chart_svg(page.trend, element_id="indicator-trend-chart"),
        "region_links": selectors.region_links(indicator, region),
    }
    return render(request, "indicators/indicator_detail.html", context)


@GET_POST
def indicator_add(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug, need="coordinate")
    form = IndicatorForm(request.POST if request.method == "POST" else None, adding=True)
    if request.method == "POST" and form.is_valid():
        indicator = form.save()
        messages.success(request, f"Indicator “{indicator.name}” added")
        return redirect("indicator_detail", region.slug, indicator.fingertips_id)
    return render(request, "indicators/indicator_form.html", {"region": region, "form": form, "indicator": None})


@GET_POST
def indicator_edit(request: HttpRequest, slug: str, fingertips_id: int) -> HttpResponse:
    region, access, indicator = _get_indicator(request, slug, fingertips_id, need="coordinate")
    form = IndicatorForm(request.POST if request.method == "POST" else None, instance=indicator, adding=False)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Indicator “{indicator.name}” saved")
        return redirect("indicator_detail", region.slug, indicator.fingertips_id)
    return render(request, "indicators/indicator_form.html", {"region": region, "form": form, "indicator": indicator})


@require_POST
def indicator_refresh(request: HttpRequest, slug: str, fingertips_id: int) -> HttpResponse:
    region, access, indicator = _get_indicator(request, slug, fingertips_id, need="coordinate")
    if queue_refresh(indicator=indicator, run_by=request.user, region=region):
        messages.success(request, f"Refresh of “{indicator.name}” from Fingertips requested")
    else:
        messages.error(request, "The refresh could not be started: try again in a few minutes")
    return redirect("indicator_detail", region.slug, indicator.fingertips_id)
