"""The demo's snapshots: the monthly archive of an earlier plan and the last three months
published (with their PDFs), this month's draft.

Called by `sli_portal.data.demo.load_demo`. Idempotent: a snapshot that exists is left as it is
(a coordinator may have edited it), except that a published one whose files are missing is
rendered again. The past snapshots are rendered here, synchronously and without the task
queue: each takes about a second, so the archive works on the first visit and the demo shows
the real files rather than a "not rendered yet" state.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from case_studies.selectors import case_study_of_the_month
from programmes.models import Region

from . import services
from .content import add_months
from .models import Snapshot

PUBLISHED_MONTHS = 3

INTRODUCTIONS = (
    "Welcome to this month’s snapshot. The quarterly updates are in: read how each priority area is "
    "doing, and where the network has asked for help.\n\n"
    "Thank you to every DPH lead who reported on time.",
    "This month the network met in Taunton to review progress against the plan and the peer challenge "
    "schedule. The highlights below are the ones members asked us to share more widely.",
    "A short snapshot this month: the updates for the quarter are due soon, so this issue focuses on "
    "projects and events. **Send your news to the SLI coordinator** for next month’s issue.",
)

# The archive of the SW ADPH Voice (Key Objective 14 of the 2022-2024 plan): one a month.
ARCHIVE_INTRODUCTIONS = (
    "The quarterly updates are in. Read how each priority area is doing, and what the network has "
    "badged as SLI since last month.",
    "This month the network met to review the plan. Thank you to every DPH lead who reported on time.",
    "Between two quarters’ updates: alongside the latest progress, this month’s news is the projects, peer "
    "challenges and what is coming up.",
)

ADPH_UPDATES = (
    "- ADPH has published its response to the consultation on the public health grant.\n"
    "- The national SLI board meets next month; the region’s progress report goes with this snapshot.",
    "- ADPH’s annual conference opens for registration next month.\n"
    "- The regional workforce group is looking for a new chair: tell the coordinator if you are interested.",
    "- The ADPH policy team is collecting examples of work on coastal health for its next briefing.",
)


# The 20th: after the quarter's updates were due (the 14th, in January, April, July and October),
# rendered at 9am and published at 10am, as a network would.
PUBLICATION_DAY = 20


def _render_day(month: datetime.date) -> datetime.date:
    return month.replace(day=PUBLICATION_DAY)


def _publication_time(month: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(month.year, month.month, PUBLICATION_DAY, 10, 0))


def _publisher():
    return get_user_model().objects.filter(username="publisher").first()


def _render_now(snapshot: Snapshot) -> None:
    """Render in this process (the demo must not depend on a worker), as of its month's render
    day, and record that day as when it was rendered: a publication never precedes its render."""
    snapshot.refresh_from_db()
    if snapshot.can_request_render():
        snapshot.mark_rendering()
    day = _render_day(snapshot.month)
    services.render_snapshot(snapshot_id=snapshot.pk, as_of=day)
    rendered_at = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 9, 0))
    Snapshot.objects.filter(pk=snapshot.pk).update(rendered_at=rendered_at)
    snapshot.refresh_from_db()


def _files_missing(snapshot: Snapshot) -> bool:
    if not snapshot.pdf or not snapshot.html:
        return True
    return not (snapshot.pdf.storage.exists(snapshot.pdf.name) and snapshot.html.storage.exists(snapshot.html.name))


def _load_published(
    region: Region, month: datetime.date, index: int, *, render: bool, introductions=INTRODUCTIONS
) -> bool:
    snapshot = Snapshot.objects.filter(region=region, month=month).first()
    created = snapshot is None
    if created:
        snapshot = Snapshot.objects.create(
            region=region,
            month=month,
            title=services.default_title(region, month),
            introduction=introductions[index % len(introductions)],
            adph_updates=ADPH_UPDATES[index % len(ADPH_UPDATES)],
        )
    if created and render:
        _render_now(snapshot)
        if snapshot.can_publish():
            snapshot.publish(by=_publisher(), now=_publication_time(month))
    elif render and snapshot.state == Snapshot.State.PUBLISHED and _files_missing(snapshot):
        # A fresh VAR_DIR beside an old database: write the files again, still published.
        services.store_rendered_files(snapshot=snapshot, as_of=_render_day(month))
    return created


def load_demo_snapshots(
    *,
    region: Region,
    today: datetime.date,
    render: bool = True,
    archive: tuple[datetime.date, datetime.date] | None = None,
) -> int:
    """The demo region's snapshots; returns how many were created now.

    `archive` (first and last day of an earlier plan) adds a published snapshot for every month
    of it, each rendered as of its own month. `render=False` (for tests that only need the rows)
    leaves the past snapshots as drafts.
    """
    this_month = today.replace(day=1)
    created = 0
    if archive is not None:
        month, index = archive[0].replace(day=1), 0
        while month <= archive[1] and month < add_months(this_month, -PUBLISHED_MONTHS):
            created += _load_published(region, month, index, render=render, introductions=ARCHIVE_INTRODUCTIONS)
            month, index = add_months(month, 1), index + 1
    for index in range(PUBLISHED_MONTHS, 0, -1):
        created += _load_published(region, add_months(this_month, -index), index, render=render)
    if not Snapshot.objects.filter(region=region, month=this_month).exists():
        Snapshot.objects.create(
            region=region,
            month=this_month,
            title=services.default_title(region, this_month),
            introduction=INTRODUCTIONS[0],
            adph_updates=ADPH_UPDATES[0],
            featured_case_study=case_study_of_the_month(region, this_month),
        )
        created += 1
    return created
