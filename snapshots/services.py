"""The snapshot's lifecycle across records: creating drafts, rendering, publishing, the e-bulletin.

A rule about one snapshot's state lives on the model (`Snapshot.can_publish()`, `mark_rendering()`);
here are the steps that touch files, queues, e-mail or several rows. Rendering is a plain
function (`render_snapshot`) that a thin Celery task calls; it replaces the files it made before
and skips the work when the content has not changed.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from case_studies.models import CaseStudy
from case_studies.selectors import case_study_of_the_month, featurable_case_studies
from programmes.models import ActionPlan, Region
from programmes.selectors import reply_to_addresses
from sli_portal.core.notifications import portal_url, send_once
from sli_portal.core.pdf import render_pdf_document
from sli_portal.models import SentNotification

from .content import compile_content
from .models import CirculationOptOut, Snapshot, Subscriber

logger = logging.getLogger(__name__)

State = Snapshot.State

# A worker that has held a render this long has died or hung (the task's own hard limit is far
# shorter): the sweep hands the snapshot to another worker.
STALE_RENDER = datetime.timedelta(minutes=15)
# A request no worker has picked up after this long never reached the broker (or was lost).
UNQUEUED_RENDER = datetime.timedelta(minutes=2)
# How far back the sweep looks for an e-bulletin that did not go out.
UNSENT_EMAILS_WINDOW = datetime.timedelta(days=7)


# --- Drafts --------------------------------------------------------------------------------


def default_title(region: Region, month: datetime.date) -> str:
    return f"{region.short_name} SLI snapshot: {month:%B %Y}"


def create_snapshot(*, region: Region, month: datetime.date) -> Snapshot:
    """A new draft for `region` and `month`; one a month, so a second is refused."""
    month = month.replace(day=1)
    if Snapshot.objects.filter(region=region, month=month).exists():
        raise ValidationError({"month": f"A snapshot for {month:%B %Y} already exists: open it from the list"})
    snapshot = Snapshot(
        region=region,
        month=month,
        title=default_title(region, month),
        # A suggestion the coordinator can change on the edit page.
        featured_case_study=case_study_of_the_month(region, month),
    )
    snapshot.full_clean()
    try:
        with transaction.atomic():
            snapshot.save()
    except IntegrityError as error:  # another request created it between the check and the save
        raise ValidationError(
            {"month": f"A snapshot for {month:%B %Y} already exists: open it from the list"}
        ) from error
    return snapshot


# `update_snapshot`'s default for the case study of the month: leave it as it is.
KEEP = object()


def update_snapshot(
    *,
    snapshot: Snapshot,
    title: str,
    introduction: str,
    highlights: str,
    adph_updates: str,
    featured_case_study: CaseStudy | None | object = KEEP,
) -> Snapshot:
    """Change the editorial sections; a ready snapshot goes back to draft, its files now out of date.

    `featured_case_study` is one of the region's published case studies, or None for none."""
    if not snapshot.can_edit():
        raise ValidationError(
            f"You cannot edit a snapshot that is {snapshot.get_state_display().lower()}: return it to draft first"
        )
    snapshot.title = title
    snapshot.introduction = introduction
    snapshot.highlights = highlights
    snapshot.adph_updates = adph_updates
    if featured_case_study is not KEEP:
        if featured_case_study is not None and not (
            featurable_case_studies(snapshot.region).filter(pk=featured_case_study.pk).exists()
        ):
            raise ValidationError({"featured_case_study": "Select a published case study of the region"})
        snapshot.featured_case_study = featured_case_study
    if snapshot.state == State.READY:
        snapshot.state = State.DRAFT
    snapshot.full_clean()
    snapshot.save(update_fields=["title", "introduction", "highlights", "adph_updates", "featured_case_study", "state"])
    return snapshot


def return_to_draft(*, snapshot: Snapshot) -> Snapshot:
    snapshot.return_to_draft()
    return snapshot


# --- Rendering -----------------------------------------------------------------------------


def build_html(snapshot: Snapshot, *, as_of: datetime.date | None = None, preview: bool = False) -> str:
    """The one document behind the public page, the preview and the PDF, as of the render's day
    (`as_of`, today unless the demo recreates a past month's).

    The `preview` is marked as a draft, links back to the portal and offers the last rendered
    PDF (the public one does not exist until publication)."""
    content = compile_content(snapshot, today=as_of)
    slug = snapshot.region.slug
    if preview:
        pdf_url = reverse("snapshot_rendered_pdf", args=[slug, snapshot.month_slug]) if snapshot.pdf else None
    else:
        pdf_url = snapshot.get_pdf_url()
    return render_to_string(
        "snapshots/snapshot.html",
        {
            "content": content,
            "snapshot": snapshot,
            "preview": preview,
            "workspace_url": snapshot.get_workspace_url() if preview else None,
            "archive_url": reverse("snapshot_archive", args=[slug]),
            "subscribe_url": reverse("snapshot_subscribe", args=[slug]),
            "accessibility_url": reverse("accessibility"),
            "pdf_url": pdf_url,
        },
    )


def content_hash(html: str) -> str:
    return hashlib.sha256(html.encode()).hexdigest()


def _file_name(snapshot: Snapshot, extension: str) -> str:
    return f"{snapshot.region.slug}-{snapshot.month_slug}.{extension}"


def _replace_file(field, name: str, data: bytes) -> None:
    """Save `data` under `name`, removing the previous file: a re-render never leaves duplicates."""
    storage = field.storage
    target = field.field.generate_filename(field.instance, name)
    if field.name and field.name != target:
        storage.delete(field.name)
    storage.delete(target)
    field.save(name, ContentFile(data), save=False)


@dataclass
class RenderRequest:
    snapshot: Snapshot
    queued: bool | None = None  # None until the transaction commits and the task is sent


def request_render(*, snapshot: Snapshot) -> RenderRequest:
    """Lock the snapshot in `rendering` and queue its render once the transaction commits.

    When the broker cannot be reached the request stays recorded (`render_requested_at`) and
    `queued` is False; the periodic sweep queues it again.
    """
    with transaction.atomic():
        locked = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
        locked.mark_rendering()
        request = RenderRequest(locked)

        def send() -> None:
            request.queued = enqueue_render(locked.pk)

        transaction.on_commit(send)
    snapshot.refresh_from_db()
    request.snapshot = snapshot
    return request


def enqueue_render(snapshot_id: int) -> bool:
    """Send the render task; False when the broker is unreachable (the sweep will retry)."""
    from kombu.exceptions import OperationalError

    from .tasks import render_snapshot as render_task

    try:
        render_task.delay(snapshot_id)
    except (OperationalError, OSError) as error:
        logger.warning("Snapshot %s: render not queued, the broker is unreachable (%s)", snapshot_id, error)
        return False
    return True


def _claim_render(snapshot_id: int, now: datetime.datetime) -> bool:
    """Take the render for this worker, unless another worker is still on it."""
    claimed = (
        Snapshot.objects.filter(pk=snapshot_id, state=State.RENDERING)
        .filter(Q(render_started_at__isnull=True) | Q(render_started_at__lt=now - STALE_RENDER))
        .update(render_started_at=now)
    )
    return bool(claimed)


def render_snapshot(*, snapshot_id: int, as_of: datetime.date | None = None) -> str:
    """Render one snapshot to HTML and PDF; "rendered", "unchanged" or "skipped".

    Safe to run twice: only a snapshot in `rendering` that no live worker holds is rendered, the
    same content (by hash) keeps the files it has, and new files replace the old ones.
    """
    now = timezone.now()
    if not _claim_render(snapshot_id, now):
        return "skipped"
    try:
        snapshot = Snapshot.objects.select_related("region").get(pk=snapshot_id)
        html = build_html(snapshot, as_of=as_of)
        digest = content_hash(html)
        unchanged = digest == snapshot.content_hash and snapshot.pdf and snapshot.html and snapshot.page_count
        if unchanged and _files_exist(snapshot):
            _finish(snapshot_id, digest, page_count=None, files=None)
            return "unchanged"
        rendered = render_pdf_document(html)
        _finish(snapshot_id, digest, page_count=rendered.page_count, files=(html.encode(), rendered.pdf))
        return "rendered"
    except Exception:
        # Let a retry, or another worker, claim it again at once.
        Snapshot.objects.filter(pk=snapshot_id, state=State.RENDERING, render_started_at=now).update(
            render_started_at=None
        )
        raise


def _files_exist(snapshot: Snapshot) -> bool:
    return snapshot.pdf.storage.exists(snapshot.pdf.name) and snapshot.html.storage.exists(snapshot.html.name)


def _finish(snapshot_id: int, digest: str, *, page_count: int | None, files: tuple[bytes, bytes] | None) -> None:
    with transaction.atomic():
        snapshot = Snapshot.objects.select_for_update().select_related("region").get(pk=snapshot_id)
        if snapshot.state != State.RENDERING:
            return  # returned to draft while rendering: the new request renders again
        if files is not None:
            html, pdf = files
            _replace_file(snapshot.html, _file_name(snapshot, "html"), html)
            _replace_file(snapshot.pdf, _file_name(snapshot, "pdf"), pdf)
            snapshot.pdf_bytes = len(pdf)
        snapshot.mark_ready(content_hash=digest, page_count=page_count)


def store_rendered_files(*, snapshot: Snapshot, as_of: datetime.date | None = None) -> None:
    """Write the HTML and PDF of `snapshot` again without touching its state (files lost from storage)."""
    html = build_html(snapshot, as_of=as_of)
    rendered = render_pdf_document(html)
    _replace_file(snapshot.html, _file_name(snapshot, "html"), html.encode())
    _replace_file(snapshot.pdf, _file_name(snapshot, "pdf"), rendered.pdf)
    snapshot.page_count = rendered.page_count
    snapshot.pdf_bytes = len(rendered.pdf)
    snapshot.content_hash = content_hash(html)
    snapshot.save(update_fields=["html", "pdf", "page_count", "pdf_bytes", "content_hash"])


def record_render_failure(*, snapshot_id: int, error: str) -> None:
    """The last attempt failed: keep the message where the coordinator sees it."""
    with transaction.atomic():
        snapshot = Snapshot.objects.select_for_update().get(pk=snapshot_id)
        if snapshot.state == State.RENDERING:
            snapshot.mark_failed(error=error)


def sweep_stale_renders(*, now: datetime.datetime | None = None) -> list[int]:
    """Queue again the renders a dead worker left, or that never reached the broker."""
    now = now or timezone.now()
    stale = Snapshot.objects.filter(state=State.RENDERING).filter(
        Q(render_started_at__lt=now - STALE_RENDER)
        | Q(render_started_at__isnull=True, render_requested_at__lt=now - UNQUEUED_RENDER)
        | Q(render_started_at__isnull=True, render_requested_at__isnull=True)
    )
    requeued = []
    for snapshot_id in stale.values_list("pk", flat=True):
        # Conditional, so two sweeps running at once queue each snapshot once.
        reset = (
            Snapshot.objects.filter(pk=snapshot_id, state=State.RENDERING)
            .filter(
                Q(render_started_at__lt=now - STALE_RENDER)
                | Q(render_started_at__isnull=True, render_requested_at__lt=now - UNQUEUED_RENDER)
                | Q(render_started_at__isnull=True, render_requested_at__isnull=True)
            )
            .update(render_started_at=None, render_requested_at=now)
        )
        if reset:
            requeued.append(snapshot_id)
            transaction.on_commit(lambda pk=snapshot_id: enqueue_render(pk))
    return requeued


# --- The monthly schedule ------------------------------------------------------------------


def regions_with_active_plan():
    return Region.objects.filter(action_plans__status=ActionPlan.Status.ACTIVE).distinct().order_by("name")


def create_monthly_snapshots(*, month: datetime.date | None = None, region_slug: str | None = None) -> list[Snapshot]:
    """This month's draft for every region with an active plan that has none yet, each queued to render.

    Never two for a region and month: the unique constraint decides, so the beat task and a
    coordinator's command running at once still make one.
    """
    month = (month or timezone.localdate()).replace(day=1)
    regions = regions_with_active_plan()
    if region_slug:
        regions = regions.filter(slug=region_slug)
    created = []
    for region in regions:
        try:
            snapshot = create_snapshot(region=region, month=month)
        except ValidationError:
            continue
        request_render(snapshot=snapshot)
        created.append(snapshot)
    return created


# --- Publishing ----------------------------------------------------------------------------


def publish_snapshot(*, snapshot: Snapshot, by) -> Snapshot:
    """Make the snapshot public and e-mail the region's confirmed subscribers (once each), with
    links from PORTAL_BASE_URL (never the publisher's request: a worker sends them)."""
    with transaction.atomic():
        snapshot.publish(by=by)
        transaction.on_commit(lambda: _queue_publication_emails(snapshot.pk))
    return snapshot


def republish_snapshot(*, snapshot: Snapshot, by) -> Snapshot:
    """Public again after a withdrawal; subscribers who had the e-mail do not get it twice."""
    with transaction.atomic():
        snapshot.republish(by=by)
        transaction.on_commit(lambda: _queue_publication_emails(snapshot.pk))
    return snapshot


def withdraw_snapshot(*, snapshot: Snapshot, reason: str, by=None) -> Snapshot:
    snapshot.withdraw(reason=reason, by=by)
    return snapshot


def sweep_unsent_publication_emails(*, now: datetime.datetime | None = None) -> list[int]:
    """Queue again the e-bulletin of snapshots published in the last week whose e-mails did not
    all go, e.g. because the broker was down at publication. `send_once` keeps it to one e-mail
    per subscriber, so queueing again is always safe."""

    now = now or timezone.now()
    recent = (
        Snapshot.objects.published()
        .select_related("region")
        .filter(published_at__gte=now - UNSENT_EMAILS_WINDOW, published_at__lt=now - UNQUEUED_RENDER)
    )
    requeued = []
    for snapshot in recent:
        expected = _bulletin_recipients(snapshot).count()
        members_owed = len(circulation_recipients(snapshot)) > _circulated(snapshot)
        if _bulletins_sent(snapshot) < expected or members_owed:
            _queue_publication_emails(snapshot.pk)
            requeued.append(snapshot.pk)
    return requeued


def publication_recipients_count(snapshot: Snapshot) -> int:
    """How many subscribers publishing `snapshot` now would e-mail: the region's confirmed
    subscribers, less those who had it before it was withdrawn."""
    confirmed = Subscriber.objects.confirmed().filter(region_id=snapshot.region_id).count()
    return max(confirmed - _bulletins_sent(snapshot), 0)


def publication_members_count(snapshot: Snapshot) -> int:
    """How many members publishing `snapshot` now would e-mail, when the region circulates
    snapshots to its members (those who had it before a withdrawal are not counted)."""
    return max(len(circulation_recipients(snapshot)) - _circulated(snapshot), 0)


def _bulletin_key(snapshot: Snapshot, subscriber: Subscriber | None = None) -> str:
    """The send_once key of a snapshot's e-bulletin to one subscriber; without one, the prefix
    shared by all of them."""
    return f"snapshot-published:{snapshot.pk}:{subscriber.pk if subscriber else ''}"


def _bulletins_sent(snapshot: Snapshot) -> int:
    return SentNotification.objects.filter(key__startswith=_bulletin_key(snapshot)).count()


def _bulletin_recipients(snapshot: Snapshot):
    # Those who had confirmed when it was published: a later subscriber gets the next one.
    return Subscriber.objects.confirmed().filter(region_id=snapshot.region_id, confirmed_at__lte=snapshot.published_at)


def _queue_publication_emails(snapshot_id: int) -> None:
    from kombu.exceptions import OperationalError

    from .tasks import send_publication_emails as task

    try:
        task.delay(snapshot_id)
    except (OperationalError, OSError) as error:
        logger.error("Snapshot %s: publication e-mails not queued (%s)", snapshot_id, error)
    except Exception:
        # Run in-process (the embedded default), the task's own failure lands here. The snapshot
        # is published all the same, and the sweep sends the e-mails that did not go.
        logger.exception("Snapshot %s: publication e-mails failed; the sweep will send them again", snapshot_id)


def bulletin_summary(snapshot: Snapshot) -> tuple[str, object]:
    """The snapshot's RAG counts in words, worst first as on the dashboard ("2 red, 2 amber,
    6 green, 2 complete"), and its content as rendered, for the e-mail's subject and opening."""
    rendered_on = timezone.localdate(snapshot.rendered_at) if snapshot.rendered_at else None
    content = compile_content(snapshot, today=rendered_on)
    glance = content.glance
    if glance is None or not glance.total:
        return "", content
    return ", ".join(
        f"{total.count} {total.label.lower()}" for total in reversed(glance.totals) if total.count
    ), content


def send_publication_emails(*, snapshot_id: int) -> int:
    """E-mail each confirmed subscriber about a published snapshot, and each member too when the
    region circulates its snapshots; each address once per snapshot.

    The subject and opening lines say what is in it; each e-mail carries its own stop link."""
    snapshot = Snapshot.objects.select_related("region").get(pk=snapshot_id)
    if snapshot.state != State.PUBLISHED:
        return 0
    counts, content = bulletin_summary(snapshot)
    subject = f"{snapshot.title} – {content.glance.quarter}: {counts}" if counts else snapshot.title
    sent = 0
    reply_to = reply_to_addresses(snapshot.region)
    bulletin = _Bulletin(snapshot, subject, counts, content, reply_to)
    for subscriber in _bulletin_recipients(snapshot).order_by("pk"):
        unsubscribe_url = portal_url(reverse("snapshot_unsubscribe", args=[snapshot.region.slug, subscriber.token]))
        sent += bulletin.send(key=_bulletin_key(snapshot, subscriber), to=subscriber.email, stop_url=unsubscribe_url)
    return sent + _circulate_to_members(bulletin)


@dataclass
class _Bulletin:
    """One published snapshot's e-mail, sent to each recipient with their own stop link."""

    snapshot: Snapshot
    subject: str
    counts: str
    content: object
    reply_to: list[str]

    def send(self, *, key: str, to: str, stop_url: str, member: bool = False) -> bool:
        """Once per `key` (send_once); one-click unsubscribe (RFC 8058) headers let a mail
        client offer "Unsubscribe" that works without a visit."""
        snapshot = self.snapshot
        body = render_to_string(
            "snapshots/email/published.txt",
            {
                "snapshot": snapshot,
                "content": self.content,
                "counts": self.counts,
                "highlights": self.content.highlights[:3],
                "page_url": portal_url(snapshot.get_absolute_url()),
                "pdf_url": portal_url(snapshot.get_pdf_url()),
                "unsubscribe_url": stop_url,
                "member": member,
            },
        )
        return send_once(
            key=key,
            to=to,
            subject=self.subject,
            body=body,
            reply_to=self.reply_to,
            headers={"List-Unsubscribe": f"<{stop_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        )


# --- Circulating to all members --------------------------------------------------------------

CIRCULATION_SALT = "snapshots.circulation-opt-out"


def circulation_token(region: Region, user) -> str:
    """The one-click link's credential: signed, so it needs no row until it is used."""
    return signing.dumps([region.pk, user.pk], salt=CIRCULATION_SALT)


def read_circulation_token(token: str) -> tuple[int, int] | None:
    try:
        region_id, user_id = signing.loads(token, salt=CIRCULATION_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return region_id, user_id


def stop_circulation(*, region: Region, user) -> None:
    CirculationOptOut.objects.get_or_create(region=region, user=user)


def _circulation_key(snapshot: Snapshot, user=None) -> str:
    return f"snapshot-circulated:{snapshot.pk}:{user.pk if user else ''}"


def _circulated(snapshot: Snapshot) -> int:
    return SentNotification.objects.filter(key__startswith=_circulation_key(snapshot)).count()


def circulation_recipients(snapshot: Snapshot) -> list:
    """The region's members to e-mail about `snapshot` when the region circulates snapshots:
    active people with an address who have not opted out, each once, and never someone who gets
    it already as a subscriber (the same address)."""
    if not snapshot.region.email_snapshots_to_members:
        return []
    opted_out = CirculationOptOut.objects.filter(region_id=snapshot.region_id, user=OuterRef("pk"))
    members = (
        get_user_model()
        .objects.filter(memberships__region_id=snapshot.region_id, is_active=True)
        .exclude(email="")
        .exclude(Exists(opted_out))
        .distinct()
        .order_by("pk")
    )
    # Before publication (the confirmation page) every confirmed subscriber will get it.
    subscribers = (
        _bulletin_recipients(snapshot)
        if snapshot.published_at
        else Subscriber.objects.confirmed().filter(region_id=snapshot.region_id)
    )
    taken = {email.lower() for email in subscribers.values_list("email", flat=True)}
    recipients = []
    for user in members:
        if user.email.lower() not in taken:
            taken.add(user.email.lower())
            recipients.append(user)
    return recipients


def _circulate_to_members(bulletin: _Bulletin) -> int:
    sent = 0
    snapshot = bulletin.snapshot
    for user in circulation_recipients(snapshot):
        token = circulation_token(snapshot.region, user)
        stop_url = portal_url(reverse("snapshot_stop_circulation", args=[snapshot.region.slug, token]))
        sent += bulletin.send(key=_circulation_key(snapshot, user), to=user.email, stop_url=stop_url, member=True)
    return sent


# --- The e-bulletin's subscribers ------------------------------------------------------------


def subscribe(*, region: Region, email: str) -> Subscriber:
    """Record the address and e-mail it: the confirmation link while unconfirmed (sent again if
    asked again, a lost e-mail is not the end), or a note that it is already subscribed. At most
    one e-mail a day to an address, so the form cannot be used to flood someone."""
    email = email.strip()
    domain_cased = email.rsplit("@", 1)
    email = f"{domain_cased[0]}@{domain_cased[1].lower()}" if len(domain_cased) == 2 else email
    subscriber, _ = Subscriber.objects.get_or_create(region=region, email__iexact=email, defaults={"email": email})
    today = timezone.localdate().isoformat()
    if subscriber.is_confirmed:
        template, key = (
            "snapshots/email/already_subscribed.txt",
            f"snapshot-subscribe-already:{subscriber.token}:{today}",
        )
        subject = f"You already get the {region.short_name} SLI snapshots"
    else:
        template, key = "snapshots/email/confirm.txt", f"snapshot-subscribe-confirm:{subscriber.token}:{today}"
        subject = f"Confirm your subscription to the {region.short_name} SLI snapshots"
    body = render_to_string(
        template,
        {
            "region": region,
            "confirm_url": portal_url(reverse("snapshot_subscribe_confirm", args=[region.slug, subscriber.token])),
            "unsubscribe_url": portal_url(reverse("snapshot_unsubscribe", args=[region.slug, subscriber.token])),
        },
    )
    send_once(key=key, to=subscriber.email, subject=subject, body=body)
    return subscriber


def confirm_subscription(*, subscriber: Subscriber) -> Subscriber:
    subscriber.confirm()
    return subscriber


def unsubscribe(*, subscriber: Subscriber) -> None:
    subscriber.delete()
