import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar
from pypdf import PdfReader

from priorities.models import MeetingAction, QuarterlyMeeting
from priorities.tests.conftest import QUARTER
from priorities.tests.factories import PriorityAreaFactory, QuarterlyMeetingFactory, QuarterlyUpdateFactory
from sli_portal.core.quarters import Quarter

pytestmark = pytest.mark.django_db


def meeting_form(priority_area, quarter=QUARTER, **fields):
    return {
        "priority_area": priority_area.pk,
        "quarter": quarter.code,
        "date_0": "10",
        "date_1": "7",
        "date_2": "2024",
        "start_time": "10:00",
        "end_time": "11:30",
        "location": "Exeter, County Hall",
        "other_attendees": "",
        "notes": "",
        "decisions": "",
        **fields,
    }


def test_the_coordinator_schedules_a_meeting_with_attendees(
    client, region, coordinator, priority_1, dph_lead, sli_lead
):
    client.force_login(coordinator)
    data = {**meeting_form(priority_1), "attendees": [dph_lead.pk, sli_lead.pk, coordinator.pk]}

    response = client.post(reverse("meeting_create", args=[region.slug]), data)

    meeting = QuarterlyMeeting.objects.get()
    assert response.status_code == 302
    # 10:00 in London in July is 09:00 UTC.
    assert meeting.starts_at == datetime.datetime(2024, 7, 10, 9, tzinfo=datetime.UTC)
    assert meeting.ends_at == datetime.datetime(2024, 7, 10, 10, 30, tzinfo=datetime.UTC)
    assert set(meeting.attendees.all()) == {dph_lead, sli_lead, coordinator}


def test_a_second_meeting_for_the_same_priority_and_quarter_is_a_form_error(client, region, coordinator, meeting_1):
    client.force_login(coordinator)
    response = client.post(reverse("meeting_create", args=[region.slug]), meeting_form(meeting_1.priority_area))
    assert response.status_code == 200
    assert f"Priority 1 already has a meeting in {QUARTER}" in response.content.decode()
    assert QuarterlyMeeting.objects.count() == 1


def test_the_end_must_be_after_the_start(client, region, coordinator, priority_1):
    client.force_login(coordinator)
    response = client.post(reverse("meeting_create", args=[region.slug]), meeting_form(priority_1, end_time="09:00"))
    assert "The end time must be after the start time" in response.content.decode()
    assert not QuarterlyMeeting.objects.exists()


def test_another_regions_priority_cannot_be_chosen(client, region, coordinator, other_objective):
    client.force_login(coordinator)
    response = client.post(reverse("meeting_create", args=[region.slug]), meeting_form(other_objective.priority_area))
    assert response.status_code == 200
    assert not QuarterlyMeeting.objects.exists()


def test_the_coordinator_records_notes_and_decisions(client, region, coordinator, meeting_1):
    client.force_login(coordinator)
    data = meeting_form(meeting_1.priority_area, notes="Good progress.", decisions="Extend the pilot.")
    client.post(reverse("meeting_edit", args=[region.slug, meeting_1.pk]), data)
    meeting_1.refresh_from_db()
    assert (meeting_1.notes, meeting_1.decisions) == ("Good progress.", "Extend the pilot.")


def test_the_meeting_page_shows_that_quarters_submitted_updates(client, region, member, meeting_1, objective_1):
    QuarterlyUpdateFactory(
        key_objective=objective_1, quarter=QUARTER, progress="Quarter words.", submitted_at=meeting_1.starts_at
    )
    QuarterlyUpdateFactory(key_objective=objective_1, quarter=QUARTER.next(), progress="Next quarter words.")
    client.force_login(member)
    page = client.get(reverse("meeting_detail", args=[region.slug, meeting_1.pk])).content.decode()
    assert "Quarter words." in page
    assert "Next quarter words." not in page


# Actions


def test_the_coordinator_adds_an_action(client, region, coordinator, meeting_1, member):
    client.force_login(coordinator)
    response = client.post(
        reverse("meeting_action_create", args=[region.slug, meeting_1.pk]),
        {
            "action-description": "Send the data",
            "action-owner": member.pk,
            "action-due_date_0": "1",
            "action-due_date_1": "9",
            "action-due_date_2": "2024",
        },
    )
    action = MeetingAction.objects.get()
    assert response.status_code == 302
    assert (action.owner, action.due_date) == (member, datetime.date(2024, 9, 1))


def test_an_action_needs_an_owner(client, region, coordinator, meeting_1):
    client.force_login(coordinator)
    response = client.post(
        reverse("meeting_action_create", args=[region.slug, meeting_1.pk]), {"action-description": "Orphan"}
    )
    assert "Select who owns the action, or enter their name" in response.content.decode()
    assert not MeetingAction.objects.exists()


def test_the_owner_ticks_an_action_off_and_reopens_it(client, region, member, action_1):
    client.force_login(member)
    url = reverse("meeting_action_toggle", args=[region.slug, action_1.pk])
    client.post(url)
    action_1.refresh_from_db()
    assert action_1.is_done
    client.post(url)
    action_1.refresh_from_db()
    assert not action_1.is_done


# Calendar


def test_a_meeting_downloads_as_an_ics_event_in_utc(client, region, member, meeting_1):
    client.force_login(member)
    response = client.get(reverse("meeting_ics", args=[region.slug, meeting_1.pk]))

    assert response["Content-Type"] == "text/calendar"
    assert "attachment" in response["Content-Disposition"]
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["UID"]) == f"quarterly-meeting-{meeting_1.pk}@sli-portal"
    assert event.decoded("DTSTART") == datetime.datetime(2024, 7, 10, 9, 30, tzinfo=datetime.UTC)
    assert event.decoded("DTEND") == datetime.datetime(2024, 7, 10, 11, tzinfo=datetime.UTC)
    assert b"DTSTART:20240710T093000Z" in response.content
    assert "Priority 1" in str(event["SUMMARY"]) and "2024/25 Q1" in str(event["SUMMARY"])
    assert str(event["LOCATION"]) == "Taunton, County Hall"
    assert f"/regions/{region.slug}/meetings/{meeting_1.pk}/" in str(event["DESCRIPTION"])


def test_the_ics_uid_is_stable_across_downloads(client, region, member, meeting_1):
    client.force_login(member)
    url = reverse("meeting_ics", args=[region.slug, meeting_1.pk])
    uids = {str(Calendar.from_ical(client.get(url).content).walk("VEVENT")[0]["UID"]) for _ in range(2)}
    assert len(uids) == 1


# The list


@pytest.mark.parametrize("count", [1, 10])
def test_meeting_list_has_a_bounded_number_of_queries(
    client, region, member, plan, count, django_assert_max_num_queries
):
    for number in range(1, count + 1):
        area = PriorityAreaFactory(plan=plan, number=number)
        for quarter in (Quarter(2024, 1), Quarter(2030, 1)):  # one past, one to come
            meeting = QuarterlyMeetingFactory(
                priority_area=area,
                quarter=quarter,
                starts_at=datetime.datetime(quarter.year, 5, 1, tzinfo=datetime.UTC),
            )
            MeetingAction.objects.create(meeting=meeting, description="Do it")
    client.force_login(member)
    # Plus three for the session save that renews the sign-in on every request (savepoint, update, release).
    # Session, user, navigation (2), region, roles, upcoming meetings, past meetings.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("meeting_list", args=[region.slug]))
    assert len(response.context["upcoming"]) == count
    assert len(response.context["past"]) == count
    assert response.context["past"][0].open_actions == 1


@time_machine.travel(datetime.datetime(2024, 10, 20, 10, tzinfo=datetime.UTC), tick=False)
def test_a_new_meeting_offers_the_quarter_to_review_without_a_meeting_and_its_usual_attendees(
    client, region, coordinator, sli_lead, member, priority_1, dph_lead, meeting_1
):
    # 20 October 2024: 2024/25 Q2 is the last due quarter. meeting_1 reviews Q1.
    priority_1.deputy_lead = member
    priority_1.save()
    client.force_login(coordinator)
    form = client.get(reverse("meeting_create", args=[region.slug]), {"priority_area": priority_1.pk}).context["form"]
    assert form.initial["quarter"] == Quarter(2024, 2).code
    assert set(form.initial["attendees"]) == {coordinator.pk, sli_lead.pk, dph_lead.pk, member.pk}

    # Once Q2 has its meeting, the form offers Q3.
    QuarterlyMeetingFactory(priority_area=priority_1, quarter=Quarter(2024, 2))
    form = client.get(reverse("meeting_create", args=[region.slug]), {"priority_area": priority_1.pk}).context["form"]
    assert form.initial["quarter"] == Quarter(2024, 3).code


# --- The meeting pack ------------------------------------------------------------------------


def test_the_pack_shows_each_owed_objective_with_its_update_and_not_a_proposal(
    client, region, member, meeting_1, update_1, proposed_objective
):
    client.force_login(member)
    page = client.get(reverse("meeting_detail", args=[region.slug, meeting_1.pk])).content.decode()
    assert "2024/25 Q1 updates under review" in page
    assert "Key Objective 1: Health protection assurance" in page and "Started the pilot." in page
    assert "Draft idea not yet agreed" not in page  # proposed: owes nothing


@time_machine.travel(datetime.datetime(2024, 10, 21, 10, tzinfo=datetime.UTC), tick=False)
def test_the_next_meeting_marks_missing_updates_and_carries_open_actions_forward(
    client, region, member, priority_1, meeting_1, update_1, action_1
):
    done = MeetingAction.objects.create(
        meeting=meeting_1, description="Already done", done_at=datetime.datetime(2024, 8, 1, tzinfo=datetime.UTC)
    )
    later = QuarterlyMeetingFactory(
        priority_area=priority_1,
        quarter=Quarter(2024, 2),
        starts_at=datetime.datetime(2024, 10, 20, 10, tzinfo=datetime.UTC),
    )
    client.force_login(member)
    page = client.get(reverse("meeting_detail", args=[region.slug, later.pk])).content.decode()
    assert "2024/25 Q2 updates under review" in page
    assert "Missing</strong> No update for 2024/25 Q2 has been submitted." in page
    assert "Share the pilot data" in page and "2024/25 Q1 meeting" in page
    assert 'govuk-tag--red">Overdue' in page
    assert done.description not in page


def test_the_pack_downloads_as_a_tagged_pdf(client, region, member, meeting_1, update_1):
    client.force_login(member)
    response = client.get(reverse("meeting_pack_pdf", args=[region.slug, meeting_1.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "meeting-pack.pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "2024/25 Q1 quarterly meeting pack" in text and "Started the pilot." in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_the_pack_is_the_regions_own(client, other_coordinator, region, meeting_1):
    client.force_login(other_coordinator)
    assert client.get(reverse("meeting_pack_pdf", args=[region.slug, meeting_1.pk])).status_code == 403
