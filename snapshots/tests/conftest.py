"""Fixtures of the snapshot tests: a small programme to compile, and files kept out of var/."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from peer_challenges.tests.factories import PeerChallengeFactory
from priorities.tests.factories import KeyObjectiveFactory, ProjectFactory, QuarterlyUpdateFactory
from programmes.tests.factories import EventFactory, LocalAuthorityFactory
from sli_portal.core.quarters import Quarter
from snapshots.models import Snapshot
from snapshots.tests.factories import SnapshotFactory

D = datetime.date
OCTOBER = D(2024, 10, 1)  # the snapshot month of these tests: its last closed quarter is 2024/25 Q2


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


# The network has signed these off: a snapshot is public and shows nothing else.
SIGNED_OFF = {"sign_off_state": "signed_off", "signed_off_at": datetime.datetime(2024, 4, 20, 10, tzinfo=datetime.UTC)}


@pytest.fixture
def programme(region, plan, priority_1, priority_2):
    """Two priorities, three objectives and their updates, an event, a project and a peer challenge."""
    ko1 = KeyObjectiveFactory(priority_area=priority_1, number=1, title="Shared assurance framework", **SIGNED_OFF)
    ko2 = KeyObjectiveFactory(priority_area=priority_1, number=2, title="Winter exercise", **SIGNED_OFF)
    ko3 = KeyObjectiveFactory(
        priority_area=priority_2, number=3, title="Inclusion health needs assessment", **SIGNED_OFF
    )
    submitted = at(D(2024, 10, 10))
    QuarterlyUpdateFactory(key_objective=ko1, quarter=Quarter(2024, 1), rag_status="red", submitted_at=submitted)
    QuarterlyUpdateFactory(
        key_objective=ko1,
        quarter=Quarter(2024, 2),
        rag_status="green",
        progress="On track. Twelve councils completed the self-assessment.\nMore detail follows.",
        achievements="Twelve councils completed the self-assessment.",
        submitted_at=submitted,
    )
    QuarterlyUpdateFactory(
        key_objective=ko2, quarter=Quarter(2024, 2), rag_status="amber", progress="Slipping.", submitted_at=submitted
    )
    # A draft: neither its RAG nor its achievements are news yet.
    QuarterlyUpdateFactory(
        key_objective=ko3, quarter=Quarter(2024, 2), rag_status="complete", achievements="Secret draft win."
    )
    EventFactory(region=region, title="Network meeting", starts_at=at(D(2024, 10, 15)))
    EventFactory(region=region, title="Winter workshop", starts_at=at(D(2024, 11, 25)))
    EventFactory(region=region, title="Too far ahead", starts_at=at(D(2025, 1, 15)))
    ProjectFactory(region=region, title="Tobacco control QI collaborative", badged_on=D(2024, 5, 1))
    council = LocalAuthorityFactory(region=region, name="Cornwall")
    PeerChallengeFactory(
        local_authority=council,
        onsite_start=D(2024, 10, 20),
        onsite_end=D(2024, 10, 23),
        feedback_date=D(2024, 12, 10),
    )
    return {"objectives": [ko1, ko2, ko3]}


@pytest.fixture
def snapshot(region):
    return SnapshotFactory(
        region=region,
        month=OCTOBER,
        title="SW ADPH SLI snapshot: October 2024",
        introduction="Welcome to **October**.",
        adph_updates="- ADPH conference <script>alert(1)</script>",
    )


def make_ready(snapshot: Snapshot, *, pdf: bytes = b"%PDF-1.7 fake", html: bytes = b"<html>page</html>") -> Snapshot:
    """A rendered snapshot without running WeasyPrint, for the tests of what comes after a render."""
    snapshot.pdf.save(f"{snapshot.region.slug}-{snapshot.month_slug}.pdf", ContentFile(pdf), save=False)
    snapshot.html.save(f"{snapshot.region.slug}-{snapshot.month_slug}.html", ContentFile(html), save=False)
    snapshot.state = Snapshot.State.READY
    snapshot.page_count = 8
    snapshot.pdf_bytes = len(pdf)
    snapshot.rendered_at = timezone.now()
    snapshot.content_hash = "0" * 64
    snapshot.save()
    return snapshot


def make_published(snapshot: Snapshot, by=None) -> Snapshot:
    make_ready(snapshot)
    snapshot.publish(by=by)
    return snapshot


@pytest.fixture
def ready_snapshot(snapshot):
    return make_ready(snapshot)


@pytest.fixture
def published_snapshot(snapshot, publisher):
    return make_published(snapshot, by=publisher)
