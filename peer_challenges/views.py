"""Peer-challenge pages: the region's schedule, each challenge's record, the planner and the calendar.

Every page needs a role in the region (members read, the coordinator writes); the public sees
nothing of peer challenges. Objects are looked up within the URL's region, so another region's
ids are 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from programmes.access import get_region_for_user, region_access
from programmes.models import LocalAuthority
from sli_portal.core.forms import add_service_errors

from . import calendar, exports, selectors, services
from .forms import (
    CancelForm,
    FocusAreasForm,
    LgaAdviserForm,
    PeerChallengeForm,
    PeerForm,
    PeerTeamMemberForm,
    PlanForm,
    PostponeForm,
    PromptForm,
    RecommendationForm,
    ScheduleFilterForm,
    StageForm,
    TimetableForm,
)
from .models import (
    CalendarToken,
    LgaAdviser,
    Peer,
    PeerChallenge,
    PeerChallengeSettings,
    PeerTeamMember,
    Recommendation,
)

Stage = PeerChallenge.Stage


def _get_challenge_for_user(request, slug: str, pk: int, *, need: str = "read"):
    region, access = get_region_for_user(request, slug, need=need)
    challenge = get_object_or_404(selectors.challenge_for_region(region), pk=pk)
    return region, access, challenge


def _detail_url(region, challenge) -> str:
    return reverse("peer_challenge_detail", args=[region.slug, challenge.pk])


# --- Schedule -------------------------------------------------------------------------------


def _schedule_rows(request, region):
    """(filter form, valid filters, every council's row, the rows to show)."""
    form = ScheduleFilterForm(request.GET or None)
    filters = form.values() if request.GET else {}
    all_rows = selectors.schedule(region, today=timezone.localdate())
    rows = selectors.filter_schedule(
        all_rows, status=filters.get("status", ""), kind=filters.get("kind", ""), sort=filters.get("sort", "")
    )
    return form, filters, all_rows, rows


@require_GET
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    form, filters, all_rows, rows = _schedule_rows(request, region)
    counts = dict.fromkeys(services.STATUSES, 0)
    for row in all_rows:
        counts[row.cycle.status] += 1
    query = request.GET.copy()
    query.pop("sort", None)
    return render(
        request,
        "peer_challenges/schedule.html",
        {
            "region": region,
            "access": access,
            "form": form,
            "filters": filters,
            "rows": rows,
            "counts": [(services.STATUS_LABELS[s], s, counts[s]) for s in services.STATUSES],
            "query_without_sort": query.urlencode(),
            "export_query": request.GET.urlencode(),
            "sorts": ScheduleFilterForm.SORTS,
            "filtered": bool(filters.get("status") or filters.get("kind")),
        },
    )


@require_GET
def schedule_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    region, _ = get_region_for_user(request, slug)
    _, _, _, rows = _schedule_rows(request, region)
    stem = f"peer-challenge-schedule-{region.slug}-{timezone.localdate():%Y-%m-%d}"
    if fmt == "csv":
        response = HttpResponse(exports.schedule_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.schedule_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@require_GET
def timeline(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    today = timezone.localdate()
    years, rows = selectors.timeline(region, today=today)
    return render(
        request,
        "peer_challenges/timeline.html",
        {"region": region, "access": access, "years": years, "rows": rows, "this_year": today.year},
    )


# --- One challenge --------------------------------------------------------------------------


@require_GET
def detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, access, challenge = _get_challenge_for_user(request, slug, pk)
    today = timezone.localdate()
    return render(
        request,
        "peer_challenges/detail.html",
        {
            "region": region,
            "access": access,
            "challenge": challenge,
            "late": challenge.late_milestones(today, PeerChallengeSettings.for_region(region)),
            "next_stages": [Stage(s) for s in services.allowed_next_stages(challenge)],
            "can_postpone": challenge.stage in services.POSTPONABLE_STAGES,
            "can_cancel": challenge.stage in services.CANCELLABLE_STAGES,
            "same_week": services.same_week_visits(challenge),
            "peer_clashes": services.peer_clashes(challenge, reader=request.user),
            "history": selectors.challenge_history(challenge)[:50],
        },
    )


def _warn_about_clashes(request, challenge) -> None:
    for other in services.same_week_visits(challenge):
        messages.warning(request, f"{other.local_authority.name} is also on site that week ({other}).")


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, slug: str) -> HttpResponse:
    region, _ = get_region_for_user(request, slug, need="coordinate")
    initial = {}
    council_id = request.GET.get("council", "")
    if council_id.isdigit():
        initial["local_authority"] = council_id
    form = PeerChallengeForm(request.POST or None, region=region, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            challenge = services.save_challenge(challenge=form.save(commit=False), by=request.user)
            form.save_m2m()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{challenge} recorded")
            _warn_about_clashes(request, challenge)
            return redirect(_detail_url(region, challenge))
    return render(
        request, "peer_challenges/form.html", {"region": region, "form": form, "title": "Record a peer challenge"}
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, _, challenge = _get_challenge_for_user(request, slug, pk, need="coordinate")
    form = PeerChallengeForm(request.POST or None, instance=challenge, region=region)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_challenge(challenge=form.save(commit=False), by=request.user)
            form.save_m2m()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Peer challenge saved")
            _warn_about_clashes(request, challenge)
            return redirect(_detail_url(region, challenge))
    return render(
        request,
        "peer_challenges/form.html",
        {"region": region, "form": form, "challenge": challenge, "title": f"Edit {challenge}"},
    )


@require_http_methods(["GET", "POST"])
def move_stage(request: HttpRequest, slug: str, pk: int, stage: str) -> HttpResponse:
    region, _, challenge = _get_challenge_for_user(request, slug, pk, need="coordinate")
    if stage not in Stage.values:
        raise Http404
    if stage not in services.allowed_next_stages(challenge):
        return HttpResponseBadRequest(
            f"A challenge at “{challenge.get_stage_display()}” cannot move to “{Stage(stage).label}”."
        )
    form = StageForm(request.POST or None, stage=stage, challenge=challenge)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.move_to_stage(challenge=challenge, stage=stage, by=request.user, values=form.cleaned_data)
        except ValidationError as error:
            challenge.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, f"Moved to “{Stage(stage).label}”")
            return redirect(_detail_url(region, challenge))
    return render(
        request,
        "peer_challenges/form.html",
        {
            "region": region,
            "form": form,
            "challenge": challenge,
            "title": f"Move to “{Stage(stage).label}”",
            "caption": str(challenge),
        },
    )


@require_http_methods(["GET", "POST"])
def postpone(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, _, challenge = _get_challenge_for_user(request, slug, pk, need="coordinate")
    form = PostponeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.postpone_challenge(
                challenge=challenge,
                by=request.user,
                reason=form.cleaned_data["reason"],
                new_onsite_start=form.cleaned_data["new_onsite_start"],
                new_onsite_end=form.cleaned_data["new_onsite_end"],
            )
        except ValidationError as error:
            challenge.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, "Peer challenge postponed")
            return redirect(_detail_url(region, challenge))
    return render(
        request,
        "peer_challenges/form.html",
        {
            "region": region,
            "form": form,
            "challenge": challenge,
            "title": "Postpone the challenge",
            "caption": str(challenge),
        },
    )


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, _, challenge = _get_challenge_for_user(request, slug, pk, need="coordinate")
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_challenge(challenge=challenge, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            challenge.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, "Peer challenge cancelled")
            return redirect(_detail_url(region, challenge))
    return render(
        request,
        "peer_challenges/form.html",
        {
            "region": region,
            "form": form,
            "challenge": challenge,
            "title": "Cancel the challenge",
            "caption": str(challenge),
            "consequences": [
                "the challenge is marked cancelled, with your reason, in the schedule and its history",
                "its milestones leave the dashboard, the snapshots, the calendar feed and the reminders",
                "the peers on its team are no longer counted as busy on its dates",
                "the council’s peer-challenge cycle no longer counts it as booked",
            ],
        },
    )


@require_GET
def visit_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, _, challenge = _get_challenge_for_user(request, slug, pk)
    body = calendar.challenge_calendar(challenge, url=request.build_absolute_uri(_detail_url(region, challenge)))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="peer-challenge-{challenge.pk}.ics"'
    return response


# --- Peer team, focus areas, recommendations -------------------------------------------------


@require_http_methods(["GET", "POST"])
def team_member(request: HttpRequest, slug: str, pk: int, member_pk: int | None = None) -> HttpResponse:
    region, _, challenge = _get_challenge_for_user(request, slug, pk, need="coordinate")
    member = get_object_or_404(PeerTeamMember, pk=member_pk, challenge=challenge) if member_pk else None
    form = PeerTeamMemberForm(request.POST or None, instance=member, challenge=challenge)
    if request.method == "POST" and form.is_valid():
        member = services.save_team_member(member=form.save(commit=False), by=request.user)
        messages.success(request, f"{member.name} saved in the peer team")
        for clash in services.peer_clashes(challenge, reader=request.user):
            if clash.member.pk == member.pk:
                messages.warning(request, clash.message)
        return redirect(_detail_url(region, challenge) + "#peer-team")
    title = f"Edit {member.name}" if member else "Add a peer to the team"
    return render(
        request,
        "peer_challenges/form.html",
        {"region": region, "form": form, "challenge": challenge, "title": title, "caption": str(challenge)},
    )


@require_http_methods(["GET", "POST"])
def team_member_remove(request: HttpRequest, slug: str, pk: int, member_pk: int) -> HttpResponse:
    region, _, challenge = _get_challenge_for_user(request, slug, pk, need="coordinate")
    member = get_object_or_404(PeerTeamMember, pk=member_pk, challenge=challenge)
    if request.method == "POST":
        member.delete()
        messages.success(request, f"{member.name} removed from the peer team")
        return redirect(_detail_url(region, challenge) + "#peer-team")
    return render(
        request,
        "peer_challenges/confirm_remove.html",
        {"region": region, "challenge": challenge, "what": f"{member.name} ({member.get_role_display()})"},
    )


@require_http_methods(["GET", "POST"])
def focus_areas(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    region, _, challenge = _get_challenge_for_user(request, slug, pk, need="coordinate")
    initial = {"focus_areas": "\n".join(area.text for area in challenge.focus_areas.all())}
    form = FocusAreasForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_focus_areas(challenge=challenge, texts=form.cleaned_data["focus_areas"])
        messages.success(request, "Focus areas saved")
        return redirect(_detail_url(region, challenge) + "#focus-areas")
    return render(
        request,
        "peer_challenges/form.html",
        {"region": region, "form": form, "challenge": challenge, "title": "Focus areas", "caption": str(challenge)},
    )


@require_http_methods(["GET", "POST"])
def recommendation(request: HttpRequest, slug: str, pk: int, recommendation_pk: int | None = None) -> HttpResponse:
    region, _, challenge = _get_challenge_for_user(request, slug, pk, need="coordinate")
    instance = (
        get_object_or_404(Recommendation, pk=recommendation_pk, challenge=challenge) if recommendation_pk else None
    )
    form = RecommendationForm(request.POST or None, instance=instance, challenge=challenge)
    if request.method == "POST" and form.is_valid():
        services.save_recommendation(recommendation=form.save(commit=False), by=request.user)
        messages.success(request, "Recommendation saved")
        return redirect(_detail_url(region, challenge) + "#recommendations")
    title = "Edit the recommendation" if instance else "Add a recommendation"
    return render(
        request,
        "peer_challenges/form.html",
        {"region": region, "form": form, "challenge": challenge, "title": title, "caption": str(challenge)},
    )


@require_http_methods(["GET", "POST"])
def recommendation_remove(request: HttpRequest, slug: str, pk: int, recommendation_pk: int) -> HttpResponse:
    region, _, challenge = _get_challenge_for_user(request, slug, pk, need="coordinate")
    instance = get_object_or_404(Recommendation, pk=recommendation_pk, challenge=challenge)
    if request.method == "POST":
        instance.delete()
        messages.success(request, "Recommendation removed")
        return redirect(_detail_url(region, challenge) + "#recommendations")
    return render(
        request,
        "peer_challenges/confirm_remove.html",
        {"region": region, "challenge": challenge, "what": f"the recommendation “{instance}”"},
    )


# --- Planner --------------------------------------------------------------------------------


@require_GET
def planner(request: HttpRequest, slug: str) -> HttpResponse:
    """Councils to prompt: the network prompts, the council requests its challenge from the LGA."""
    region, access = get_region_for_user(request, slug, need="coordinate")
    councils = services.councils_to_prompt(region, today=timezone.localdate())
    return render(
        request,
        "peer_challenges/planner.html",
        {"region": region, "access": access, "councils": councils, "form": PlanForm()},
    )


def _council_page(request, region, access, council, *, prompt_form=None, adviser_form=None, status=200):
    adviser = LgaAdviser.objects.filter(local_authority=council).first()
    initial = {"name": adviser.name, "email": adviser.email, "phone": adviser.phone} if adviser else None
    context = {
        "region": region,
        "access": access,
        "council": council,
        "cycle": services.council_cycle_of(council),
        "adviser": adviser,
        "prompts": council.peer_challenge_prompts.select_related("recorded_by")[:50],
        "prompt_form": prompt_form or PromptForm(initial={"prompted_on": timezone.localdate()}),
        "adviser_form": adviser_form or LgaAdviserForm(initial=initial),
        "plan_form": PlanForm(),
    }
    return render(request, "peer_challenges/council_prompts.html", context, status=status)


def _council(request, slug: str, council_pk: int):
    region, access = get_region_for_user(request, slug, need="coordinate")
    council = get_object_or_404(LocalAuthority.objects.select_related("region"), pk=council_pk, region=region)
    return region, access, council


@require_http_methods(["GET", "HEAD", "POST"])
def council_prompts(request: HttpRequest, slug: str, council_pk: int) -> HttpResponse:
    """One council's prompts: record what the coordinator did, see what was done before."""
    region, access, council = _council(request, slug, council_pk)
    if request.method == "POST":
        form = PromptForm(request.POST)
        if form.is_valid():
            try:
                services.record_prompt(local_authority=council, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Prompt recorded for {council.name}")
                return redirect("peer_challenge_council", region.slug, council.pk)
        return _council_page(request, region, access, council, prompt_form=form)
    return _council_page(request, region, access, council)


@require_POST
def lga_adviser(request: HttpRequest, slug: str, council_pk: int) -> HttpResponse:
    region, access, council = _council(request, slug, council_pk)
    form = LgaAdviserForm(request.POST)
    if not form.is_valid():
        return _council_page(request, region, access, council, adviser_form=form)
    services.save_lga_adviser(local_authority=council, **form.cleaned_data)
    messages.success(request, f"LGA principal adviser for {council.name} saved")
    return redirect("peer_challenge_council", region.slug, council.pk)


@require_POST
def plan(request: HttpRequest, slug: str, council_pk: int) -> HttpResponse:
    """Record the challenge a council has agreed with the LGA."""
    region, _ = get_region_for_user(request, slug, need="coordinate")
    council = get_object_or_404(LocalAuthority.objects.select_related("region"), pk=council_pk, region=region)
    form = PlanForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Select the kind of peer challenge.")
    try:
        challenge = services.plan_challenge(local_authority=council, by=request.user, kind=form.cleaned_data["kind"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("peer_challenge_planner", region.slug)
    messages.success(request, f"{challenge} recorded as agreed with the LGA. Record its dates as they are set.")
    return redirect(_detail_url(region, challenge))


# --- Calendar -------------------------------------------------------------------------------


@require_GET
def calendar_page(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug)
    token = CalendarToken.objects.filter(user=request.user, region=region).first()
    feed_url = request.build_absolute_uri(reverse("peer_challenge_feed", args=[token.token])) if token else ""
    return render(
        request,
        "peer_challenges/calendar.html",
        {"region": region, "access": access, "token": token, "feed_url": feed_url},
    )


@require_POST
def calendar_token(request: HttpRequest, slug: str) -> HttpResponse:
    """Create the user's feed address, or replace it (the old one stops working)."""
    region, _ = get_region_for_user(request, slug)
    with transaction.atomic():
        CalendarToken.objects.filter(user=request.user, region=region).delete()
        CalendarToken.objects.create(user=request.user, region=region)
    messages.success(request, "Your calendar address is ready. Any earlier address no longer works.")
    return redirect("peer_challenge_calendar", region.slug)


@require_POST
def calendar_token_revoke(request: HttpRequest, slug: str) -> HttpResponse:
    region, _ = get_region_for_user(request, slug)
    CalendarToken.objects.filter(user=request.user, region=region).delete()
    messages.success(request, "Your calendar address no longer works")
    return redirect("peer_challenge_calendar", region.slug)


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed a calendar application subscribes to: the token is its only credential."""
    if "\x00" in token or len(token) > 64:
        # No token holds a NUL, and PostgreSQL refuses one in a query: a 404, not a 500.
        raise Http404("No such calendar")
    calendar_token = get_object_or_404(CalendarToken.objects.select_related("user", "region"), token=token)
    # The token's holder must still read the region: a member who left loses the feed.
    if not calendar_token.user.is_active or not region_access(calendar_token.user, calendar_token.region).can_read:
        raise Http404
    region = calendar_token.region
    body = calendar.region_calendar(
        region,
        url_for=lambda challenge: request.build_absolute_uri(_detail_url(region, challenge)),
    )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@require_http_methods(["GET", "HEAD", "POST"])
def timetable_settings(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug, need="coordinate")
    form = TimetableForm(request.POST or None, instance=PeerChallengeSettings.for_region(region))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Peer-challenge timetable saved")
        return redirect("peer_challenge_timetable", region.slug)
    return render(request, "peer_challenges/timetable.html", {"region": region, "access": access, "form": form})


# --- The pool of peers ------------------------------------------------------------------------


@require_GET
def peer_pool(request: HttpRequest, slug: str) -> HttpResponse:
    region, access = get_region_for_user(request, slug, need="coordinate")
    rows = services.peer_pool(region, reader=request.user, today=timezone.localdate())
    return render(request, "peer_challenges/pool.html", {"region": region, "access": access, "rows": rows})


@require_http_methods(["GET", "HEAD", "POST"])
def peer_edit(request: HttpRequest, slug: str, peer_pk: int | None = None) -> HttpResponse:
    region, access = get_region_for_user(request, slug, need="coordinate")
    peer = get_object_or_404(Peer, pk=peer_pk, region=region) if peer_pk is not None else None
    form = PeerForm(request.POST or None, instance=peer, region=region)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_peer(peer=form.save(commit=False))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{saved.name} saved in the pool of peers")
            return redirect("peer_pool", region.slug)
    context = {"region": region, "access": access, "form": form, "peer": peer}
    return render(request, "peer_challenges/peer_form.html", context)


@require_GET
def recommendation_themes(request: HttpRequest, slug: str) -> HttpResponse:
    """What keeps coming up in the region's peer-challenge reports: for everyone in the network."""
    region, access = get_region_for_user(request, slug)
    themes, untagged = selectors.recommendation_themes(region)
    context = {"region": region, "access": access, "themes": themes, "untagged": untagged}
    return render(request, "peer_challenges/themes.html", context)
