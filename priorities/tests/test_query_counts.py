"""Every list page issues the same number of queries for 1× and 10× the data.

The absolute bounds, with what the queries are, sit beside each page's other tests; this file
catches an N+1 whatever the fixed per-request overhead of the project's middleware is.
"""

import pytest
from django.urls import reverse

from priorities.models import MeetingAction
from priorities.tests.factories import (
    PriorityAreaFactory,
    ProjectFactory,
    QuarterlyMeetingFactory,
    QuarterlyUpdateFactory,
)
from programmes.tests.factories import UserFactory
from sli_portal.core.quarters import Quarter
from sli_portal.tests.plan_data import signed_off_objective

pytestmark = pytest.mark.django_db


def add_data(plan, somerset, start: int, count: int) -> None:
    """`count` priority areas, each with leads, two objectives with updates, meetings with an
    action, and a project linked to a council and an objective."""
    for number in range(start, start + count):
        area = PriorityAreaFactory(plan=plan, number=number, lead=UserFactory(), deputy_lead=UserFactory())
        for n in range(2):
            objective = signed_off_objective(area, number * 10 + n)
            for quarter in (Quarter.current().previous(), Quarter(2024, 1)):
                QuarterlyUpdateFactory(key_objective=objective, quarter=quarter, submitted_at=objective.signed_off_at)
        meeting = QuarterlyMeetingFactory(priority_area=area, quarter=Quarter(2024, 1))
        MeetingAction.objects.create(meeting=meeting, description="Do it", owner=area.lead)
        project = ProjectFactory(region=plan.region)
        project.councils.add(somerset)
        project.key_objectives.add(objective)


@pytest.mark.parametrize("name", ["my_priorities", "plan_priorities", "meeting_list", "project_list"])
def test_list_pages_take_as_many_queries_for_10x_the_data(
    client, region, plan, somerset, coordinator, queries_for, name
):
    url = reverse(name, args=[region.slug, plan.pk] if name == "plan_priorities" else [region.slug])
    client.force_login(coordinator)
    add_data(plan, somerset, start=1, count=1)
    once = queries_for(client, url)
    add_data(plan, somerset, start=2, count=9)
    assert queries_for(client, url) == once
