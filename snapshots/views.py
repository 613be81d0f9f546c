"""Snapshot pages: the region's workspace (members read, coordinators draft, publishers publish)
and the public archive with its HTML pages, PDFs and the e-bulletin's subscription."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from case_studies.selectors import case_study_of_the_month, featurable_case_studies
from programmes.access import RegionAccess, check_access, get_region_for_user
from programmes.models import Region
from sli_portal.core.forms import add_service_errors
from sli_portal.core.http import open_stored_file, stored_file_response

from . import selectors, services
from .cache import cache_archive
from .forms import MARKDOWN_HELP, NewSnapshotForm, SnapshotForm, SubscribeForm, WithdrawForm, month_choices
from .models import Snapshot, Subscriber


def _get_snapshot_for_user(request, slug: str, month: datetime.date, *, need: str = "read"):
    """The region's snapshot of `month` and the user's access, or the right refusal."""
    region, access = get_region_for_user(request, slug, need=need)
    snapshot = get_object_or_404(Snapshot.objects.select_related("region", "published_by"), region=region, month=month)
    return snapshot, access


def _first_error(error: ValidationError) -> str:
    return error.messages[0] if error.messages else "Something went wrong"


def _can_render(access: RegionAccess) -> bool:
    # Publishers check a render before they publish it, so they may start one too.
    return access.can_coordinate or access.can_publish


# --- The workspace ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def snapshot_list(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug, need="read")
    snapshots = list(selectors.region_snapshots(region))
    taken = {snapshot.month for snapshot in snapshots}
    choices = month_choices(timezone.localdate(), taken)
    form = None
    if access.can_coordinate:
        form = NewSnapshotForm(request.POST or None, choices=choices)
    if request.method == "POST":
        check_access(request, access, "coordinate")
        if form.is_valid():
            try:
                snapshot = services.create_snapshot(region=region, month=form.cleaned_data["month"])
            except ValidationError as error:
                form.add_error("month", _first_error(error))
            else:
                messages.success(request, f"Draft created: {snapshot.title}")
                return redirect(snapshot.get_workspace_url())
    context = {"region": region, "access": access, "snapshots": snapshots, "form": form}
    return render(request, "snapshots/snapshot_list.html", context)


@require_GET
def snapshot_detail(request: HttpRequest, slug: str, month: datetime.date) -> HttpResponse:
    snapshot, access = _get_snapshot_for_user(request, slug, month)
    context = {
        "region": snapshot.region,
        "snapshot": snapshot,
        "access": access,
        "can_render": _can_render(access),
        "withdraw_form": WithdrawForm(),
        # What rendering it now would report; a published snapshot keeps what it said.
        "timing": None
        if snapshot.state == Snapshot.State.PUBLISHED
        else selectors.render_timing(snapshot.region, today=timezone.localdate()),
    }
    return render(request, "snapshots/snapshot_detail.html", context)


@require_http_methods(["GET", "POST"])
def snapshot_edit(request: HttpRequest, slug: str, month: datetime.date) -> HttpResponse:
    snapshot, access = _get_snapshot_for_user(request, slug, month, need="coordinate")
    if not snapshot.can_edit():
        messages.info(request, "Return the snapshot to draft before you edit it")
        return redirect(snapshot.get_workspace_url())
    initial = {
        name: getattr(snapshot, name)
        for name in ("title", "introduction", "highlights", "adph_updates", "featured_case_study")
    }
    form = SnapshotForm(
        request.POST or None,
        initial=initial,
        case_studies=featurable_case_studies(snapshot.region),
        suggestion=case_study_of_the_month(snapshot.region, snapshot.month),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_snapshot(snapshot=snapshot, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Snapshot saved")
            return redirect(snapshot.get_workspace_url())
    context = {"region": snapshot.region, "snapshot": snapshot, "form": form, "markdown_help": MARKDOWN_HELP}
    return render(request, "snapshots/snapshot_form.html", context)


@require_GET
def snapshot_preview(request: HttpRequest, slug: str, month: datetime.date) -> HttpResponse:
    """The very document the render turns into the public page and the PDF, marked as a preview."""
    snapshot, access = _get_snapshot_for_user(request, slug, month)
    return HttpResponse(services.build_html(snapshot, preview=True))


@require_GET
def snapshot_rendered_pdf(request: HttpRequest, slug: str, month: datetime.date) -> FileResponse:
    """The last rendered PDF, for the network to check before it is published."""
    snapshot, access = _get_snapshot_for_user(request, slug, month)
    return _pdf_response(snapshot, inline=True)


@require_POST
def snapshot_render(request: HttpRequest, slug: str, month: datetime.date) -> HttpResponse:
    snapshot, access = _get_snapshot_for_user(request, slug, month)
    check_access(request, access, "publish" if not access.can_coordinate else "coordinate")
    try:
        render_request = services.request_render(snapshot=snapshot)
    except ValidationError as error:
        messages.error(request, _first_error(error))
        return redirect(snapshot.get_workspace_url())
    snapshot = render_request.snapshot
    if render_request.queued is False:
        messages.warning(
            request,
            "The render could not start because the task queue is not answering. Your request is kept: "
            "it will start automatically within 10 minutes of the queue coming back.",
        )
    elif snapshot.state == Snapshot.State.READY:
        messages.success(request, "Snapshot rendered: check the PDF, then publish it")
    elif snapshot.state == Snapshot.State.FAILED:
        messages.error(request, "The render failed: see the error below")
    else:
        messages.success(request, "Render started: refresh this page in a minute to see the PDF")
    return redirect(snapshot.get_workspace_url())


@require_POST
def snapshot_return_to_draft(request: HttpRequest, slug: str, month: datetime.date) -> HttpResponse:
    snapshot, access = _get_snapshot_for_user(request, slug, month, need="coordinate")
    try:
        services.return_to_draft(snapshot=snapshot)
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, "The snapshot is a draft again")
    return redirect(snapshot.get_workspace_url())


@require_http_methods(["GET", "POST"])
def snapshot_publish(request: HttpRequest, slug: str, month: datetime.date) -> HttpResponse:
    """Publishing makes the snapshot public and e-mails the subscribers: GET says so, POST does it."""
    snapshot, access = _get_snapshot_for_user(request, slug, month, need="publish")
    again = snapshot.state == Snapshot.State.WITHDRAWN
    if not (snapshot.can_republish() if again else snapshot.can_publish()):
        messages.error(request, "Only a rendered snapshot can be published: render it, check the PDF, then publish it")
        return redirect(snapshot.get_workspace_url())
    if request.method == "GET":
        context = {
            "region": snapshot.region,
            "snapshot": snapshot,
            "again": again,
            "recipients": services.publication_recipients_count(snapshot),
            "members": services.publication_members_count(snapshot),
        }
        return render(request, "snapshots/snapshot_publish.html", context)
    try:
        if again:
            services.republish_snapshot(snapshot=snapshot, by=request.user)
        else:
            services.publish_snapshot(snapshot=snapshot, by=request.user)
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, "Snapshot published: it is in the public archive")
    return redirect(snapshot.get_workspace_url())


@require_http_methods(["GET", "POST"])
def snapshot_withdraw(request: HttpRequest, slug: str, month: datetime.date) -> HttpResponse:
    snapshot, access = _get_snapshot_for_user(request, slug, month, need="publish")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_snapshot(snapshot=snapshot, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            form.add_error(None, _first_error(error))
        else:
            messages.success(request, "Snapshot withdrawn: it is no longer public")
            return redirect(snapshot.get_workspace_url())
    return render(
        request, "snapshots/snapshot_withdraw.html", {"region": snapshot.region, "snapshot": snapshot, "form": form}
    )


# --- The public archive ----------------------------------------------------------------------


def _get_published(slug: str, month: datetime.date) -> Snapshot:
    """Only a published snapshot exists for the public: drafts and withdrawn ones are 404."""
    return get_object_or_404(Snapshot.objects.published().select_related("region"), region__slug=slug, month=month)


@require_GET
@cache_archive
def snapshot_archive(request: HttpRequest, slug: str) -> HttpResponse:
    region = get_object_or_404(Region, slug=slug)
    year = request.GET.get("year") or None
    if year is not None and not (year.isdigit() and len(year) == 4):
        raise Http404("No such year in the archive")
    try:
        page = selectors.archive_page(region, int(year) if year else None)
    except selectors.NoSuchYear as error:
        raise Http404("No snapshot was published in that year") from error
    return render(request, "snapshots/archive.html", {"region": region, "page": page})


@require_GET
def snapshot_page(request: HttpRequest, slug: str, month: datetime.date) -> HttpResponse:
    snapshot = _get_published(slug, month)
    if not snapshot.html:
        raise Http404("The snapshot has no HTML version")
    with open_stored_file(snapshot.html, what="The web page of this snapshot") as file:
        html = file.read()
    return HttpResponse(html, content_type="text/html; charset=utf-8")


@require_GET
def snapshot_pdf(request: HttpRequest, slug: str, month: datetime.date) -> FileResponse:
    return _pdf_response(_get_published(slug, month), inline=False)


def _pdf_response(snapshot: Snapshot, *, inline: bool) -> FileResponse:
    if not snapshot.pdf:
        raise Http404("The snapshot has not been rendered")
    return stored_file_response(
        snapshot.pdf,
        what="The PDF of this snapshot",
        filename=snapshot.pdf_filename,
        content_type="application/pdf",
        as_attachment=not inline,
    )


# --- The e-bulletin ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def snapshot_subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    region = get_object_or_404(Region, slug=slug)
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        services.subscribe(region=region, email=email)
        # The same answer whether or not the address was known: the page tells no one who subscribes.
        return render(request, "snapshots/subscribe_sent.html", {"region": region, "email": email})
    return render(request, "snapshots/subscribe.html", {"region": region, "form": form})


def _get_subscriber(slug: str, token: str) -> Subscriber:
    if "\x00" in token or len(token) > 64:
        # No token holds a NUL, and PostgreSQL refuses one in a query: a 404, not a 500.
        raise Http404("No such subscription")
    return get_object_or_404(Subscriber.objects.select_related("region"), region__slug=slug, token=token)


@require_http_methods(["GET", "POST"])
def snapshot_subscribe_confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    # Confirming takes a button press: mail scanners that open every link must not subscribe anyone.
    subscriber = _get_subscriber(slug, token)
    if request.method == "POST":
        services.confirm_subscription(subscriber=subscriber)
    return render(request, "snapshots/subscribe_confirm.html", {"region": subscriber.region, "subscriber": subscriber})


# The link's secret token is the permission; a mail client's one-click unsubscribe (RFC 8058)
# POSTs here with no CSRF token of ours, so the view takes none.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def snapshot_unsubscribe(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    if request.method == "POST":
        subscriber = _get_subscriber(slug, token)
        region = subscriber.region
        services.unsubscribe(subscriber=subscriber)
        return render(request, "snapshots/unsubscribe.html", {"region": region, "done": True})
    subscriber = _get_subscriber(slug, token)
    return render(request, "snapshots/unsubscribe.html", {"region": subscriber.region, "subscriber": subscriber})


# The member's one-click stop of the snapshots the region circulates (RFC 8058 POSTs here).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def snapshot_stop_circulation(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    ids = services.read_circulation_token(token)
    region = get_object_or_404(Region, slug=slug)
    if ids is None or ids[0] != region.pk:
        raise Http404("No such link")
    user = get_object_or_404(get_user_model(), pk=ids[1])
    if request.method == "POST":
        services.stop_circulation(region=region, user=user)
        return render(request, "snapshots/stop_circulation.html", {"region": region, "done": True})
    return render(request, "snapshots/stop_circulation.html", {"region": region, "person": user})
