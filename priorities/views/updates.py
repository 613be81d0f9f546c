"""Quarterly updates: write, save as draft, submit, resolve a conflict, read the history; evidence."""

from __future__ import annotations

import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.views.decorators.http import require_http_methods, require_POST

from programmes.access import get_region_for_user
from sli_portal.core.forms import add_service_errors
from sli_portal.core.http import stored_file_response
from sli_portal.core.quarters import Quarter

from .. import services
from ..evidence import content_type
from ..forms import EvidenceForm, QuarterlyUpdateForm
from ..models import QuarterlyUpdate
from ..reporting import owed_quarters, update_due_date
from .lookups import get_evidence, get_objective, get_update

HISTORY_FIELDS = [*services.UPDATE_FIELDS, "submitted_at"]


def _quarter_or_404(plan, code: int) -> Quarter:
    try:
        quarter = Quarter.from_code(code)
    except ValueError:
        raise Http404("No such quarter") from None
    if quarter not in services.writable_quarters(plan, timezone.localdate()):
        raise Http404("This quarter is not open for updates")
    return quarter


@require_http_methods(["GET", "POST"])
def update_edit(request: HttpRequest, slug: str, pk: int, quarter: int) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    objective = get_objective(region, pk)
    if not services.can_write_updates(user=request.user, access=access, priority_area=objective.priority_area):
        raise PermissionDenied
    quarter = _quarter_or_404(objective.plan, quarter)
    if quarter not in owed_quarters(objective, [quarter]):
        raise Http404(f"Key Objective {objective.number} owes no update for {quarter}")
    existing = QuarterlyUpdate.objects.filter(key_objective=objective, quarter=quarter).select_related("author").first()
    instance = existing or QuarterlyUpdate(key_objective=objective, quarter=quarter)
    form = QuarterlyUpdateForm(instance=instance)
    evidence_form = EvidenceForm(prefix="evidence")
    conflict = None
    if request.method == "POST":
        form = QuarterlyUpdateForm(request.POST, instance=instance)
        evidence_form = EvidenceForm(request.POST, request.FILES, prefix="evidence")
        if form.is_valid() and evidence_form.is_valid():
            submit = "submit" in request.POST
            try:
                with transaction.atomic():
                    update = services.save_update(
                        objective=objective,
                        quarter=quarter,
                        by=request.user,
                        version=form.cleaned_data["version"],
                        values=form.cleaned_data,
                        submit=submit,
                    )
                    if evidence_form.has_evidence:
                        services.add_evidence(update=update, by=request.user, **evidence_form.cleaned_data)
            except services.UpdateConflict as stale:
                conflict = _conflict(form, stale.current)
                # The form now carries their version: saving again applies these values over theirs.
                data = request.POST.copy()
                data["version"] = stale.current.version
                form = QuarterlyUpdateForm(data, instance=stale.current)
                instance = stale.current
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                done = "submitted" if update.is_submitted else "saved as a draft"
                messages.success(request, f"Update for Key Objective {objective.number}, {quarter}, {done}")
                if not update.is_submitted:
                    # A draft is work in progress: back to the form, not to the objective's history.
                    return redirect("update_edit", region.slug, objective.pk, quarter.code)
                return redirect("objective_detail", region.slug, objective.pk)
    return render(
        request,
        "priorities/update_form.html",
        {
            "region": region,
            "objective": objective,
            "quarter": quarter,
            "due": update_due_date(region, quarter),
            "update": instance if instance.pk else None,
            "form": form,
            "evidence_form": evidence_form,
            "evidence": instance.evidence.order_by("added_at") if instance.pk else [],
            "conflict": conflict,
        },
    )


def _conflict(form, current: QuarterlyUpdate) -> dict:
    """What the other person saved beside what this person typed, for the fields that differ."""
    rows = []
    for name in services.UPDATE_FIELDS:
        theirs, yours = getattr(current, name), form.cleaned_data.get(name)
        if theirs != yours:
            field = form.fields[name]
            if name == "rag_status":
                theirs, yours = current.get_rag_status_display(), QuarterlyUpdate.Rag(yours).label
            rows.append({"label": field.label, "theirs": theirs, "yours": yours})
    return {"current": current, "rows": rows}


@require_http_methods(["GET"])
def update_history(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    update = get_update(region, pk)
    if not services.can_read_update(user=request.user, access=access, update=update):
        raise PermissionDenied
    records = list(update.history.select_related("history_user").order_by("history_date", "history_id"))
    entries = []
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, included_fields=HISTORY_FIELDS)
            for change in delta.changes:
                field = QuarterlyUpdate._meta.get_field(change.field)
                changes.append(
                    {"label": field.verbose_name, "old": _shown(field, change.old), "new": _shown(field, change.new)}
                )
        entries.append({"record": record, "changes": changes, "created": previous is None})
        previous = record
    entries.reverse()
    return render(request, "priorities/update_history.html", {"region": region, "update": update, "entries": entries})


def _shown(field, value) -> str:
    """A history value as people read it: "Amber", not "amber"; a date, not an ISO string."""
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.name == "submitted_at":
        return formats.date_format(timezone.localtime(value), "j F Y, H:i") if value else "Not submitted"
    return value


@require_http_methods(["GET"])
def evidence_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """Streams an evidence file to whoever may read the region (drafts: only their writers)."""
    region, access = get_region_for_user(request, slug)
    evidence = get_evidence(region, pk)
    if not evidence.file:
        raise Http404("This evidence is a link")
    if not access.can_read_evidence:
        raise PermissionDenied
    if not services.can_read_update(user=request.user, access=access, update=evidence.update):
        raise PermissionDenied
    name = evidence.original_name or os.path.basename(evidence.file.name)
    response = stored_file_response(
        evidence.file, what="This evidence file", filename=name, content_type=content_type(evidence.file.name)
    )
    # The browser must download, never render, what a user uploaded.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
def evidence_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    evidence = get_evidence(region, pk)
    update = evidence.update
    if not services.can_write_updates(
        user=request.user, access=access, priority_area=update.key_objective.priority_area
    ):
        raise PermissionDenied
    try:
        services.delete_evidence(evidence=evidence, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Evidence “{evidence.title}” removed")
    return redirect("update_edit", region.slug, update.key_objective_id, update.quarter.code)
