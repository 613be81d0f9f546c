"""QI projects badged under SLI: the coordinator registers them, the network reads them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from programmes.access import get_region_for_user
from sli_portal.core.forms import add_service_errors

from .. import selectors, services
from ..filters import ProjectFilter
from ..forms import ProjectForm
from ..models import KeyObjective, Project
from .lookups import get_project


@require_http_methods(["GET"])
def project_list(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    filtered = ProjectFilter(request.GET or None, queryset=selectors.badged_projects(region), region=region)
    return render(
        request,
        "priorities/project_list.html",
        {"region": region, "filter": filtered, "projects": filtered.qs, "can_coordinate": access.can_coordinate},
    )


@require_http_methods(["GET"])
def project_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    project = get_project(region, pk)
    return render(
        request,
        "priorities/project_detail.html",
        {
            "region": region,
            "project": project,
            "councils": project.councils.order_by("name"),
            "objectives": project.key_objectives.select_related("plan").order_by("plan__start_date", "number"),
            "can_coordinate": access.can_coordinate,
        },
    )


@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest, slug: str) -> HttpResponse:
    region, _access = get_region_for_user(request, slug, need="coordinate")
    return _project_form(request, region, Project(region=region))


@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, _access = get_region_for_user(request, slug, need="coordinate")
    return _project_form(request, region, get_project(region, pk))


def _project_form(request, region, project: Project) -> HttpResponse:
    objectives = (
        KeyObjective.objects.filter(plan__region=region).select_related("plan").order_by("-plan__start_date", "number")
    )
    form = ProjectForm(
        request.POST or None,
        instance=project,
        councils=region.local_authorities.filter(active=True).order_by("name"),
        key_objectives=objectives,
    )
    if request.method == "POST" and form.is_valid():
        links = services.ProjectLinks(
            councils=list(form.cleaned_data["councils"]), key_objectives=list(form.cleaned_data["key_objectives"])
        )
        try:
            project = services.save_project(project=form.save(commit=False), links=links)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Project “{project.title}” saved")
            return redirect("project_detail", region.slug, project.pk)
    return render(request, "priorities/project_form.html", {"region": region, "form": form, "project": project})
