"""The audit pages: the history of one object, and the region's recent changes."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from programmes.access import get_region_for_user
from sli_portal.core.forms import SingleLineTextMixin

from . import audit

PER_PAGE = 25
# The region log without a kind filter merges several tables, so it pages through the most
# recent changes only; filtering by kind pages through the whole history of that kind.
MAX_MERGED_PAGES = 20


@require_GET
def audit_object(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    audit_kind = audit.get_kind(kind)
    audit.check_audit_access(request, access, audit_kind)
    rows = audit.object_history(audit_kind, region, pk)
    latest = rows.first()
    if latest is None:
        raise Http404("No history for this record in this region")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "region": region,
        "kind": audit_kind,
        "about": audit_kind.describe(latest),
        "object_url": object_url(audit_kind, region, latest, request.user),
        "page": page,
        "entries": audit.entries_for(audit_kind, page.object_list),
    }
    return render(request, "audit/object.html", context)


class AuditFilterForm(SingleLineTextMixin, forms.Form):
    kind = forms.ChoiceField(label="Kind of record", required=False)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "All kinds")] + [(kind.slug, kind.label) for kind in kinds]


@require_GET
def audit_region(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    audit.check_audit_access(request, access)
    kinds = audit.readable_kinds(access)
    form = AuditFilterForm(request.GET or None, kinds=kinds)
    chosen = audit.KINDS.get(form.cleaned_data["kind"]) if form.is_valid() else None
    if chosen is not None:
        page = Paginator(audit.region_history(chosen, region), PER_PAGE).get_page(request.GET.get("page"))
        entries = audit.entries_for(chosen, page.object_list)
    else:
        page = _merged_page(region, kinds, request.GET.get("page"))
        entries = audit.build_entries(page.groups)
        entries.sort(key=lambda entry: entry.when, reverse=True)
    for entry in entries:
        entry.url = reverse("audit_object", args=[region.slug, entry.kind.slug, entry.object_id])
    context = {
        "region": region,
        "form": form,
        "page": page,
        "entries": entries,
        "chosen": chosen,
        "shows_memberships": audit.KINDS["membership"] in kinds,
    }
    return render(request, "audit/region.html", context)


class _MergedPage:
    """A page of the most recent changes across kinds, with the attributes the pager reads."""

    def __init__(self, number: int, groups, has_next: bool):
        self.number = number
        self.groups = groups
        self._has_next = has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self._has_next

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def _merged_page(region, kinds, raw_page) -> _MergedPage:
    """Page n of the merged stream: the newest n × PER_PAGE rows of each kind, merged, sliced.

    One query per kind, whatever n is; n is capped so the rows read stay bounded.
    """
    try:
        number = min(max(int(raw_page), 1), MAX_MERGED_PAGES)
    except (TypeError, ValueError):
        number = 1
    window = number * PER_PAGE
    rows = []
    for kind in kinds:
        rows.extend(
            (record.history_date, kind.slug, kind, record)
            for record in audit.region_history(kind, region)[: window + 1]
        )
    rows.sort(key=lambda row: (row[0], row[1], row[3].history_id), reverse=True)
    shown = rows[window - PER_PAGE : window]
    groups: dict[str, tuple] = {}
    for _when, slug, kind, record in shown:
        groups.setdefault(slug, (kind, []))[1].append(record)
    has_next = len(rows) > window and number < MAX_MERGED_PAGES
    return _MergedPage(number, list(groups.values()), has_next)


def object_url(kind: audit.AuditKind, region, record, user) -> str:
    """The page of the object itself, to go back to; empty when it has none (or it was deleted)."""
    if record.history_type == "-":
        return ""
    if kind.slug == "plan":
        return reverse("plan_detail", args=[region.slug, record.id])
    if kind.slug == "objective":
        return reverse("objective_detail", args=[region.slug, record.id])
    if kind.slug == "update":
        return reverse("update_history", args=[region.slug, record.id])
    if kind.slug == "challenge":
        return reverse("peer_challenge_detail", args=[region.slug, record.id])
    if kind.slug == "snapshot":
        return reverse("snapshot_detail", args=[region.slug, record.month])
    if kind.slug == "membership" and user.is_staff:
        return reverse("admin:programmes_membership_change", args=[record.id])
    return ""
