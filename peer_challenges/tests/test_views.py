"""The peer-challenge pages: who may see and change what, the schedule, the journeys, the exports."""

import csv
import datetime
import io

import icalendar
import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from peer_challenges.models import CalendarToken, PeerChallenge, PeerChallengeSettings, PeerTeamMember, Recommendation
from peer_challenges.tests.factories import PeerChallengeFactory, PeerTeamMemberFactory
from programmes.tests.factories import LocalAuthorityFactory
from sli_portal.tests.helpers import COORDINATOR_ONLY_MATRIX, PERSONAS

pytestmark = pytest.mark.django_db

D = datetime.date
Stage = PeerChallenge.Stage

READERS = {"member": 200, "dph_lead": 200, "dph_lead_2": 200, "coordinator": 200, "publisher": 200}
COORDINATOR_ONLY = {"coordinator": 200}


@pytest.fixture
def personas(request, priority_1, priority_2):
    """Every persona, by name: priority_1 and _2 make dph_lead and dph_lead_2 lead their areas."""
    return {name: request.getfixturevalue(name) for name in PERSONAS if name != "anonymous"}


def _client_as(client, personas, name):
    if name != "anonymous":
        client.force_login(personas[name])
    return client


def _urls(region, challenge, council):
    slug, pk = region.slug, challenge.pk
    member = PeerTeamMemberFactory(challenge=challenge, name="Joanne Whitaker")
    recommendation = Recommendation.objects.create(challenge=challenge, text="Refresh the medium-term plan")
    return [
        # (url name, args, who gets 200)
        ("peer_challenge_schedule", [slug], READERS),
        ("peer_challenge_schedule_csv", [slug], READERS),
        ("peer_challenge_schedule_xlsx", [slug], READERS),
        ("peer_challenge_timeline", [slug], READERS),
        ("peer_challenge_calendar", [slug], READERS),
        ("peer_challenge_detail", [slug, pk], READERS),
        ("peer_challenge_ics", [slug, pk], READERS),
        ("peer_challenge_planner", [slug], COORDINATOR_ONLY),
        ("peer_challenge_create", [slug], COORDINATOR_ONLY),
        ("peer_challenge_edit", [slug, pk], COORDINATOR_ONLY),
        ("peer_challenge_stage", [slug, pk, Stage.REPORT_PUBLISHED], COORDINATOR_ONLY),
        ("peer_challenge_postpone", [slug, pk], COORDINATOR_ONLY),
        ("peer_challenge_cancel", [slug, pk], COORDINATOR_ONLY),
        ("peer_team_member_add", [slug, pk], COORDINATOR_ONLY),
        ("peer_team_member_edit", [slug, pk, member.pk], COORDINATOR_ONLY),
        ("peer_team_member_remove", [slug, pk, member.pk], COORDINATOR_ONLY),
        ("peer_challenge_focus_areas", [slug, pk], COORDINATOR_ONLY),
        ("peer_recommendation_add", [slug, pk], COORDINATOR_ONLY),
        ("peer_recommendation_edit", [slug, pk, recommendation.pk], COORDINATOR_ONLY),
        ("peer_recommendation_remove", [slug, pk, recommendation.pk], COORDINATOR_ONLY),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_of_every_get_page(client, personas, persona, region, challenge, council):
    _client_as(client, personas, persona)
    for name, args, allowed in _urls(region, challenge, council):
        url = reverse(name, args=args)
        response = client.get(url)
        expected = 302 if persona == "anonymous" else allowed.get(persona, 403)
        assert response.status_code == expected, f"{persona} GET {name}: {response.status_code}, wanted {expected}"
        if expected == 302:
            assert response["Location"].startswith(reverse("login"))


POSTS = [
    ("peer_challenge_plan", "council"),
    ("peer_challenge_calendar_token", None),
    ("peer_challenge_calendar_token_revoke", None),
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_of_the_post_only_actions(client, personas, persona, region, council):
    _client_as(client, personas, persona)
    never = LocalAuthorityFactory(region=region, name="Isles of Scilly")
    expected = {
        "peer_challenge_plan": 302 if persona == "coordinator" else 403,
        "peer_challenge_calendar_token": 302 if persona in READERS else 403,
        "peer_challenge_calendar_token_revoke": 302 if persona in READERS else 403,
    }
    for name, extra in POSTS:
        args = [region.slug, never.pk] if extra else [region.slug]
        response = client.post(reverse(name, args=args), {"kind": "corporate"})
        wanted = 302 if persona == "anonymous" else expected[name]
        assert response.status_code == wanted, f"{persona} POST {name}: {response.status_code}"
        if persona == "anonymous":
            assert response["Location"].startswith(reverse("login"))
    planned = PeerChallenge.objects.filter(local_authority=never).exists()
    assert planned is (persona == "coordinator")


def test_another_regions_challenge_is_404(client, coordinator, region, other_challenge):
    client.force_login(coordinator)
    assert client.get(reverse("peer_challenge_detail", args=[region.slug, other_challenge.pk])).status_code == 404
    assert client.get(reverse("peer_challenge_edit", args=[region.slug, other_challenge.pk])).status_code == 404


def test_the_public_sees_nothing_even_of_a_published_report(client, region, challenge):
    challenge.report_published_on, challenge.report_url = D(2023, 12, 1), "https://example.org/report"
    challenge.save()
    response = client.get(reverse("peer_challenge_detail", args=[region.slug, challenge.pk]))
    assert response.status_code == 302


# The schedule


def _councils(region, count):
    for number in range(count):
        council = LocalAuthorityFactory(region=region)
        end = D(2019, 1, 7) + datetime.timedelta(days=97 * number)
        PeerChallengeFactory(
            local_authority=council, stage=Stage.FEEDBACK, onsite_start=end - datetime.timedelta(days=3), onsite_end=end
        )
        PeerChallengeFactory(
            local_authority=council,
            kind=PeerChallenge.Kind.PUBLIC_HEALTH,
            stage=Stage.SCOPING,
            onsite_start=None,
            onsite_end=None,
        )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["peer_challenge_schedule", "peer_challenge_timeline"])
def test_schedule_and_timeline_read_in_a_fixed_number_of_queries(client, member, region, name):
    url = reverse(name, args=[region.slug])
    client.force_login(member)
    _councils(region, 1)
    at_1x = _queries(client, url)
    _councils(region, 9)
    at_10x = _queries(client, url)
    # Per request: session, user, region, the user's roles, the navigation's memberships and its
    # lead check, the session save; then the region's peer-challenge settings, the councils and
    # their challenges (the schedule reads them twice: the cycle kinds, then every kind; the
    # timeline reads them again for the councils' cycle status). Nothing per council.
    assert at_1x == at_10x <= 14


@time_machine.travel(datetime.datetime(2025, 1, 20, 12, tzinfo=datetime.UTC), tick=False)
def test_schedule_shows_each_status_as_a_tag_with_text(client, member, region, challenge):
    LocalAuthorityFactory(region=region, name="Isles of Scilly")
    client.force_login(member)
    content = client.get(reverse("peer_challenge_schedule", args=[region.slug])).content.decode()
    assert 'govuk-tag govuk-tag--grey">Never recorded<' in content
    # Cornwall's visit ended in October 2023: current until its fourth anniversary.
    assert 'govuk-tag govuk-tag--green">Current<' in content


@pytest.mark.parametrize(
    "query", ["status=bogus", "kind=%00", "sort=drop+table", "status=due&kind=finance&sort=due", "status="]
)
def test_schedule_ignores_filters_it_does_not_know(client, member, region, challenge, query):
    client.force_login(member)
    assert client.get(reverse("peer_challenge_schedule", args=[region.slug]) + "?" + query).status_code == 200


def test_schedule_filters_by_status_and_kind(client, member, region, challenge):
    LocalAuthorityFactory(region=region, name="Isles of Scilly")
    client.force_login(member)
    url = reverse("peer_challenge_schedule", args=[region.slug])
    names = lambda r: [row.council.name for row in r.context["rows"]]  # noqa: E731
    assert names(client.get(url + "?status=never")) == ["Isles of Scilly"]
    assert names(client.get(url + "?kind=corporate")) == ["Cornwall"]
    assert names(client.get(url + "?kind=finance")) == []
    assert names(client.get(url + "?sort=due")) == ["Isles of Scilly", "Cornwall"]


def test_schedule_exports_as_csv_and_xlsx(client, member, region, challenge):
    client.force_login(member)
    response = client.get(reverse("peer_challenge_schedule_csv", args=[region.slug]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Council", "ONS code", "Status"]
    assert rows[1][0] == "Cornwall" and rows[1][4] == "2023-10-06" and rows[1][6] == "2028-10-06"
    response = client.get(reverse("peer_challenge_schedule_xlsx", args=[region.slug]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "Cornwall"
    assert sheet["G2"].value.date() == D(2028, 10, 6)


# A challenge's journey


def test_coordinator_records_a_challenge_with_govuk_dates(client, coordinator, region, council):
    client.force_login(coordinator)
    response = client.post(
        reverse("peer_challenge_create", args=[region.slug]),
        {
            "local_authority": council.pk,
            "kind": "corporate",
            "onsite_start_0": "4",
            "onsite_start_1": "3",
            "onsite_start_2": "2030",
            "onsite_end_0": "1",
            "onsite_end_1": "3",
            "onsite_end_2": "2030",
        },
    )
    assert response.status_code == 200
    assert "The on-site visit must end on or after the day it starts" in response.content.decode()
    assert not PeerChallenge.objects.exists()


def test_coordinator_moves_a_challenge_forward_and_history_says_who(client, coordinator, region, challenge):
    client.force_login(coordinator)
    url = reverse("peer_challenge_stage", args=[region.slug, challenge.pk, Stage.REPORT_PUBLISHED])
    response = client.post(
        url,
        {
            "report_published_on_0": "1",
            "report_published_on_1": "12",
            "report_published_on_2": "2023",
            "report_url": "https://example.org/report",
        },
    )
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.stage == Stage.REPORT_PUBLISHED
    assert challenge.history.first().history_user == coordinator
    detail = client.get(reverse("peer_challenge_detail", args=[region.slug, challenge.pk])).content.decode()
    assert escape(coordinator.get_full_name()) in detail


def test_a_skipped_stage_is_a_400_not_a_change(client, coordinator, region, challenge):
    client.force_login(coordinator)
    url = reverse("peer_challenge_stage", args=[region.slug, challenge.pk, Stage.CLOSED])
    assert client.post(url, {}).status_code == 400
    assert client.get(reverse("peer_challenge_stage", args=[region.slug, challenge.pk, "nonsense"])).status_code == 404
    challenge.refresh_from_db()
    assert challenge.stage == Stage.FEEDBACK


def test_a_peer_from_the_challenged_council_is_a_form_error(client, coordinator, region, challenge, council):
    client.force_login(coordinator)
    response = client.post(
        reverse("peer_team_member_add", args=[region.slug, challenge.pk]),
        {"name": "Local Officer", "role": "officer_peer", "home_council": council.pk},
    )
    assert response.status_code == 200
    assert "A peer cannot come from the council being challenged" in response.content.decode()
    assert not PeerTeamMember.objects.exists()


def test_a_peer_on_another_team_that_week_is_a_warning(client, coordinator, region, challenge):
    other = PeerChallengeFactory(
        local_authority=LocalAuthorityFactory(region=region), onsite_start=D(2023, 10, 4), onsite_end=D(2023, 10, 7)
    )
    PeerTeamMemberFactory(challenge=other, name="Joanne Whitaker")
    client.force_login(coordinator)
    response = client.post(
        reverse("peer_team_member_add", args=[region.slug, challenge.pk]),
        {"name": "Joanne Whitaker", "role": "lead_officer_peer"},
        follow=True,
    )
    content = response.content.decode()
    assert "Joanne Whitaker is also on the team" in content
    assert PeerTeamMember.objects.filter(challenge=challenge).count() == 1


def test_remove_needs_a_post(client, coordinator, region, challenge):
    member = PeerTeamMemberFactory(challenge=challenge)
    client.force_login(coordinator)
    url = reverse("peer_team_member_remove", args=[region.slug, challenge.pk, member.pk])
    client.get(url)
    assert PeerTeamMember.objects.filter(pk=member.pk).exists()
    client.post(url)
    assert not PeerTeamMember.objects.filter(pk=member.pk).exists()


def test_coordinator_plans_a_challenge_for_an_overdue_council(client, coordinator, region):
    overdue = LocalAuthorityFactory(region=region, name="Torbay")
    PeerChallengeFactory(
        local_authority=overdue, stage=Stage.CLOSED, onsite_start=D(2015, 1, 5), onsite_end=D(2015, 1, 8)
    )
    client.force_login(coordinator)
    planner = client.get(reverse("peer_challenge_planner", args=[region.slug])).content.decode()
    assert "Torbay" in planner
    response = client.post(reverse("peer_challenge_plan", args=[region.slug, overdue.pk]), {"kind": "finance"})
    planned = PeerChallenge.objects.get(local_authority=overdue, stage=Stage.PROPOSED)
    assert response["Location"] == reverse("peer_challenge_detail", args=[region.slug, planned.pk])
    assert planned.kind == "finance"
    assert client.post(reverse("peer_challenge_plan", args=[region.slug, overdue.pk]), {"kind": "x"}).status_code == 400


def test_plan_of_another_regions_council_is_404(client, coordinator, region, other_challenge):
    client.force_login(coordinator)
    url = reverse("peer_challenge_plan", args=[region.slug, other_challenge.local_authority_id])
    assert client.post(url, {"kind": "corporate"}).status_code == 404


# The calendar


def test_feed_parses_and_its_token_can_be_revoked(client, member, region, challenge):
    client.force_login(member)
    client.post(reverse("peer_challenge_calendar_token", args=[region.slug]))
    token = CalendarToken.objects.get(user=member, region=region)
    client.logout()
    url = reverse("peer_challenge_feed", args=[token.token])
    response = client.get(url)
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(event["summary"]): event for event in calendar.walk("VEVENT")}
    visit = events["Corporate peer challenge: on-site visit, Cornwall"]
    assert visit.decoded("dtstart") == D(2023, 10, 3) and visit.decoded("dtend") == D(2023, 10, 7)
    assert "Corporate peer challenge: feedback presentation, Cornwall" in events

    client.force_login(member)
    client.post(reverse("peer_challenge_calendar_token_revoke", args=[region.slug]))
    client.logout()
    assert client.get(url).status_code == 404


def test_unknown_token_is_404_and_a_member_who_left_loses_the_feed(client, member, region):
    assert client.get(reverse("peer_challenge_feed", args=["nope"])).status_code == 404
    token = CalendarToken.objects.create(user=member, region=region)
    member.memberships.all().delete()
    assert client.get(reverse("peer_challenge_feed", args=[token.token])).status_code == 404


def test_a_new_token_replaces_the_old_one(client, member, region):
    client.force_login(member)
    client.post(reverse("peer_challenge_calendar_token", args=[region.slug]))
    first = CalendarToken.objects.get(user=member).token
    client.post(reverse("peer_challenge_calendar_token", args=[region.slug]))
    assert CalendarToken.objects.get(user=member).token != first


def test_one_visit_downloads_as_ics(client, member, region, challenge):
    client.force_login(member)
    response = client.get(reverse("peer_challenge_ics", args=[region.slug, challenge.pk]))
    calendar = icalendar.Calendar.from_ical(response.content)
    assert len(list(calendar.walk("VEVENT"))) == 2  # the visit and the feedback


# --- Peer clashes across regions: no detail of a region the reader cannot read ---------------


LEAKS = ("Northumberland", "Corporate peer challenge, Northumberland", "4 Oct 2023", "North East")


def test_adding_a_peer_booked_in_another_region_warns_without_naming_that_region(
    client, region, challenge, coordinator, team_elsewhere
):
    client.force_login(coordinator)
    response = client.post(
        reverse("peer_team_member_add", args=[region.slug, challenge.pk]),
        {"name": "Joanne Whitaker", "role": PeerTeamMember.Role.MEMBER_PEER},
        follow=True,
    )
    page = response.content.decode()
    assert "Joanne Whitaker is also on another region&#x27;s peer team on overlapping dates." in page
    for leak in LEAKS:
        assert leak not in page


@pytest.mark.parametrize("persona", ["coordinator", "member"])
def test_the_challenge_page_warns_of_a_clash_elsewhere_without_its_detail(
    client, region, challenge, team_elsewhere, persona, request
):
    PeerTeamMemberFactory(challenge=challenge, name="Joanne Whitaker")
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("peer_challenge_detail", args=[region.slug, challenge.pk])).content.decode()
    assert "Joanne Whitaker is also on another region&#x27;s peer team on overlapping dates." in page
    for leak in LEAKS:
        assert leak not in page


def test_a_clash_within_the_region_keeps_its_detail(client, region, challenge, council, coordinator):
    neighbour = PeerChallengeFactory(
        local_authority=LocalAuthorityFactory(region=region, name="Devon"),
        kind=PeerChallenge.Kind.FINANCE,
        onsite_start=D(2023, 10, 5),
        onsite_end=D(2023, 10, 6),
    )
    PeerTeamMemberFactory(challenge=neighbour, name="Joanne Whitaker")
    PeerTeamMemberFactory(challenge=challenge, name="Joanne Whitaker")
    client.force_login(coordinator)
    page = client.get(reverse("peer_challenge_detail", args=[region.slug, challenge.pk])).content.decode()
    assert f"is also on the team of the {escape(str(neighbour))} (5 Oct 2023), on overlapping dates." in page


def test_cancelling_says_what_it_does_and_asks_for_a_reason_first(client, coordinator, region, council):
    booked = PeerChallengeFactory(
        local_authority=council,
        stage=PeerChallenge.Stage.SCOPING,
        onsite_start=datetime.date(2030, 3, 5),
        onsite_end=datetime.date(2030, 3, 8),
    )
    client.force_login(coordinator)
    url = reverse("peer_challenge_cancel", args=[region.slug, booked.pk])

    page = client.get(url).content.decode()

    assert "This cannot be undone" in page
    assert "no longer counted as busy" in page
    assert "govuk-button--warning" in page
    booked.refresh_from_db()
    assert booked.stage == PeerChallenge.Stage.SCOPING
    client.post(url, {"reason": "The council asked the LGA to move it to next year"})
    booked.refresh_from_db()
    assert booked.stage == PeerChallenge.Stage.CANCELLED


def test_the_timeline_marks_the_councils_due_or_overdue(client, member, region):
    council = LocalAuthorityFactory(region=region, name="Torbay")
    PeerChallengeFactory(
        local_authority=council,
        kind=PeerChallenge.Kind.CORPORATE,
        stage=PeerChallenge.Stage.CLOSED,
        onsite_start=datetime.date(2018, 3, 6),
        onsite_end=datetime.date(2018, 3, 9),
    )
    client.force_login(member)
    with time_machine.travel(datetime.datetime(2024, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        page = client.get(reverse("peer_challenge_timeline", args=[region.slug])).content.decode()
    row = page.split(">Torbay")[1].split("</th>")[0]
    assert "Overdue" in row


# --- The region's peer-challenge timetable -----------------------------------------------


@pytest.mark.parametrize(("persona", "expected"), COORDINATOR_ONLY_MATRIX)
def test_only_the_coordinator_sets_the_timetable(client, region, request, persona, expected):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    url = reverse("peer_challenge_timetable", args=[region.slug])
    assert client.get(url).status_code == expected
    if expected != 200:
        client.post(url, {"cycle_kinds": ["public_health"], "sector_report_months": "6"})
        assert not PeerChallengeSettings.objects.exists()


def test_the_coordinator_sets_the_timetable_and_the_flags_follow(client, region, coordinator, challenge):
    challenge.kind = "public_health"
    challenge.save()
    client.force_login(coordinator)
    url = reverse("peer_challenge_timetable", args=[region.slug])
    page = client.get(url).content.decode()
    assert "Corporate, finance and governance peer challenges follow the LGA" in page
    response = client.post(
        url,
        {"cycle_kinds": ["corporate", "finance"], "sector_report_months": "4", "sector_progress_review_months": ""},
    )
    assert response.status_code == 302
    settings = PeerChallengeSettings.objects.get(region=region)
    assert settings.cycle_kinds == ["corporate", "finance"] and settings.sector_report_months == 4
    assert settings.history.get().history_user == coordinator
    with time_machine.travel(datetime.datetime(2024, 2, 6, 12, tzinfo=datetime.UTC)):
        assert (
            "Report not published"
            not in client.get(reverse("peer_challenge_detail", args=[region.slug, challenge.pk])).content.decode()
        )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"cycle_kinds": []}, "Select at least one kind"),
        ({"cycle_kinds": ["inspection"]}, "Select kinds from the list"),
        ({"sector_report_months": "0"}, "Enter a number from 1 to 12"),
        ({"sector_report_months": "three"}, "Enter a whole number of months"),
        ({"sector_progress_review_months": "30"}, "Enter a number from 1 to 24"),
    ],
)
def test_a_bad_timetable_is_a_form_error(client, region, coordinator, data, error):
    client.force_login(coordinator)
    posted = {"cycle_kinds": ["corporate"], "sector_report_months": "3", **data}
    response = client.post(reverse("peer_challenge_timetable", args=[region.slug]), posted)
    assert response.status_code == 200 and error in response.content.decode()
    assert not PeerChallengeSettings.objects.exists()
