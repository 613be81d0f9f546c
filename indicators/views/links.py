"""Indicator views: links of indicators to a region's priority areas and key objectives.

The coordinator links an indicator (from the catalogue) with an optional target, changes the
target, moves a link up or down its list, and unlinks it after confirming. Everything is looked up
inside the URL's region, so another region's objective or link is 404; a closed plan refuses the
change with its own message (priorities' rule, `ActionPlan.check_editable`).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from priorities.models import KeyObjective, PriorityArea
from programmes.access import get_region_for_user
from programmes.models import Region
from sli_portal.core.forms import add_service_errors

from .. import services
from ..forms import LinkIndicatorForm, LinkTargetForm
from ..models import IndicatorLink

GET_POST = require_http_methods(["GET", "POST"])


def _objective(region: Region, pk: int) -> KeyObjective:
    return get_object_or_404(KeyObjective.objects.select_related("plan", "priority_area"), pk=pk, plan__region=region)


def _priority_area(region: Region, pk: int) -> PriorityArea:
    return get_object_or_404(PriorityArea.objects.select_related("plan"), pk=pk, plan__region=region)


def _link(region: Region, pk: int) -> IndicatorLink:
    return get_object_or_404(
        IndicatorLink.objects.select_related(
            "indicator", "key_objective", "key_objective__plan", "priority_area", "priority_area__plan"
        ),
        Q(key_objective__plan__region=region) | Q(priority_area__plan__region=region),
        pk=pk,
    )


def _page_of(region: Region, link_or_target) -> str:
    """The page of what the link is on."""
    if isinstance(link_or_target, IndicatorLink):
        link_or_target = link_or_target.key_objective or link_or_target.priority_area
    if isinstance(link_or_target, KeyObjective):
        return reverse("objective_detail", args=[region.slug, link_or_target.pk])
    return reverse("priority_area_detail", args=[region.slug, link_or_target.pk])


def _back(region: Region, link_or_target) -> HttpResponse:
    return redirect(_page_of(region, link_or_target))


def _what(target) -> str:
    return f"Key Objective {target.number}" if isinstance(target, KeyObjective) else f"Priority {target.number}"


@GET_POST
def link_objective(request: HttpRequest, slug: str, objective_id: int) -> HttpResponse:
    region, _access = get_region_for_user(request, slug, need="coordinate")
    return _link_form(request, region, _objective(region, objective_id))


@GET_POST
def link_priority_area(request: HttpRequest, slug: str, priority_area_id: int) -> HttpResponse:
    region, _access = get_region_for_user(request, slug, need="coordinate")
    return _link_form(request, region, _priority_area(region, priority_area_id))


def _link_form(request, region: Region, target) -> HttpResponse:
    search = request.GET.get("q", "")[:100]
    form = LinkIndicatorForm(request.POST if request.method == "POST" else None, search=search)
    if request.method == "POST" and form.is_valid():
        on = {"key_objective": target} if isinstance(target, KeyObjective) else {"priority_area": target}
        try:
            link = services.link_indicator(
                indicator=form.cleaned_data["indicator"], target=form.cleaned_data["target"], by=request.user, **on
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{link.indicator.name} linked to {_what(target)}")
            return _back(region, target)
    return render(
        request,
        "indicators/link_form.html",
        {
            "region": region,
            "form": form,
            "target": target,
            "what": _what(target),
            "search": search,
            "back_url": _page_of(region, target),
            "closed": not target.plan.is_editable(),
            "catalogue_empty": not form.fields["indicator"].queryset.exists() and not search,
        },
    )


@GET_POST
def link_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, _access = get_region_for_user(request, slug, need="coordinate")
    link = _link(region, pk)
    form = LinkTargetForm(request.POST if request.method == "POST" else None, initial={"target": link.target})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_target(link=link, target=form.cleaned_data["target"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Target of {link.indicator.name} saved")
            return _back(region, link)
    target = link.key_objective or link.priority_area
    return render(
        request,
        "indicators/link_edit.html",
        {"region": region, "form": form, "link": link, "target": target, "what": _what(target)},
    )


@GET_POST
def link_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Unlinking ends the link: a page asks first; the POST unlinks."""
    region, _access = get_region_for_user(request, slug, need="coordinate")
    link = _link(region, pk)
    target = link.key_objective or link.priority_area
    error = ""
    if request.method == "POST":
        try:
            services.unlink_indicator(link=link, by=request.user)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(request, f"{link.indicator.name} unlinked from {_what(target)}")
            return _back(region, target)
    return render(
        request,
        "indicators/link_delete.html",
        {"region": region, "link": link, "target": target, "what": _what(target), "error": error},
    )


@require_POST
def link_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, _access = get_region_for_user(request, slug, need="coordinate")
    link = _link(region, pk)
    try:
        services.move_link(link=link, up=request.POST.get("direction") == "up", by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(region, link)
