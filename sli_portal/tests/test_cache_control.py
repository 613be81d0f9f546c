"""Nothing private stays in a browser's or a proxy's cache: Cache-Control on every response."""

import datetime

import pytest
from django.http import HttpResponse
from django.urls import reverse

from peer_challenges.models import CalendarToken
from peer_challenges.tests.factories import PeerChallengeFactory
from priorities.tests.factories import KeyObjectiveFactory, QuarterlyMeetingFactory
from programmes.tests.factories import ActionPlanFactory, LocalAuthorityFactory
from sli_portal.core.middleware import PrivateCacheControlMiddleware
from sli_portal.core.quarters import Quarter
from snapshots.tests.factories import SnapshotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def workspace(region, plan, priority_1):
    objective = KeyObjectiveFactory(priority_area=priority_1, number=1)
    draft_plan = ActionPlanFactory(region=region, title="Next plan (draft)", status="draft")
    meeting = QuarterlyMeetingFactory(priority_area=priority_1, quarter=Quarter(2024, 2))
    snapshot = SnapshotFactory(region=region, month=datetime.date(2024, 10, 1))
    challenge = PeerChallengeFactory(local_authority=LocalAuthorityFactory(region=region))
    slug = region.slug
    return [
        reverse("dashboard", args=[slug]),
        reverse("plan_detail", args=[slug, draft_plan.pk]),
        reverse("plan_export_csv", args=[slug, plan.pk]),
        reverse("plan_export_xlsx", args=[slug, plan.pk]),
        reverse("plan_export_pdf", args=[slug, plan.pk]),
        reverse("annual_report_list", args=[slug]),
        reverse("objective_detail", args=[slug, objective.pk]),
        reverse("meeting_ics", args=[slug, meeting.pk]),
        reverse("snapshot_preview", args=[slug, snapshot.month]),
        reverse("peer_challenge_schedule", args=[slug]),
        reverse("peer_challenge_schedule_csv", args=[slug]),
        reverse("peer_challenge_schedule_xlsx", args=[slug]),
        reverse("peer_challenge_ics", args=[slug, challenge.pk]),
        # Public pages too: what a signed-in user sees of them carries their navigation.
        reverse("home"),
        reverse("public_plan", args=[slug]),
    ]


def test_every_private_page_and_download_is_marked_no_store(client, coordinator, workspace):
    client.force_login(coordinator)
    for url in workspace:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


def test_a_calendar_feed_reached_by_its_token_is_not_stored(client, region, member):
    token = CalendarToken.objects.create(user=member, region=region)
    response = client.get(reverse("peer_challenge_feed", args=[token.token]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_public_page_keeps_the_caching_its_view_chose_for_anonymous_visitors(rf):
    def public_view(request):
        response = HttpResponse("public")
        response["Cache-Control"] = "public, max-age=300"
        return response

    request = rf.get("/")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    assert PrivateCacheControlMiddleware(public_view)(request)["Cache-Control"] == "public, max-age=300"


def test_the_same_page_is_not_stored_for_a_signed_in_user(rf, member):
    def public_view(request):
        response = HttpResponse("public")
        response["Cache-Control"] = "public, max-age=300"
        return response

    request = rf.get("/")
    request.user = member
    assert PrivateCacheControlMiddleware(public_view)(request)["Cache-Control"] == "private, no-store"
