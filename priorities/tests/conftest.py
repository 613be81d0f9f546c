"""Fixtures of the priorities tests, on top of the shared personas in the root conftest."""

import datetime

import pytest
from django.core.files.base import ContentFile

from priorities.models import Evidence, MeetingAction, QuarterlyUpdate
from priorities.tests.factories import (
    PriorityAreaFactory,
    ProjectFactory,
    QuarterlyMeetingFactory,
    QuarterlyUpdateFactory,
)
from programmes.tests.factories import ActionPlanFactory, LocalAuthorityFactory
from sli_portal.core.quarters import Quarter
from sli_portal.tests.plan_data import SIGNED, signed_off_objective

# A quarter of the fixtures' 2024-2026 plan that has begun whatever today's date.
QUARTER = Quarter(2024, 1)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def update_1(objective_1, dph_lead):
    return QuarterlyUpdateFactory(
        key_objective=objective_1,
        quarter=QUARTER,
        rag_status=QuarterlyUpdate.Rag.AMBER,
        progress="Started the pilot.",
        author=dph_lead,
        submitted_at=SIGNED,
    )


@pytest.fixture
def evidence_1(update_1, dph_lead):
    evidence = Evidence(update=update_1, title="Pilot report", original_name="pilot report.pdf", added_by=dph_lead)
    evidence.file.save("pilot report.pdf", ContentFile(PDF), save=False)
    evidence.save()
    return evidence


@pytest.fixture
def meeting_1(priority_1, coordinator, dph_lead):
    meeting = QuarterlyMeetingFactory(
        priority_area=priority_1,
        quarter=QUARTER,
        starts_at=datetime.datetime(2024, 7, 10, 9, 30, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2024, 7, 10, 11, tzinfo=datetime.UTC),
        location="Taunton, County Hall",
    )
    meeting.attendees.set([coordinator, dph_lead])
    return meeting


@pytest.fixture
def action_1(meeting_1, member):
    return MeetingAction.objects.create(
        meeting=meeting_1, description="Share the pilot data", owner=member, due_date=datetime.date(2024, 8, 1)
    )


@pytest.fixture
def somerset(region):
    return LocalAuthorityFactory(region=region, name="Somerset", gss_code="E06000066")


@pytest.fixture
def project_1(region, somerset, objective_1):
    project = ProjectFactory(region=region, title="Smoke-free homes QI", badged_on=datetime.date(2024, 9, 1))
    project.councils.add(somerset)
    project.key_objectives.add(objective_1)
    return project


@pytest.fixture
def other_objective(other_region):
    """A key objective of another region, to prove its id is 404 from this region's URLs."""
    area = PriorityAreaFactory(plan=ActionPlanFactory(region=other_region), number=1)
    return signed_off_objective(area, 1)


@pytest.fixture
def queries_for():
    """How many queries a GET of `url` takes, so a list test can compare 1× and 10× data."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(client, url, **params) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, params).status_code == 200
        return len(captured)

    return count
