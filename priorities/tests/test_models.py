import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from priorities.models import Evidence, KeyObjective, MeetingAction, QuarterlyUpdate
from priorities.tests.factories import (
    KeyObjectiveFactory,
    PriorityAreaFactory,
    ProjectFactory,
    QuarterlyMeetingFactory,
    QuarterlyUpdateFactory,
)
from programmes.tests.factories import ActionPlanFactory, LocalAuthorityFactory
from sli_portal.core.quarters import Quarter
from sli_portal.tests.helpers import violates

pytestmark = pytest.mark.django_db

D = datetime.date


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


# PriorityArea


def test_a_priority_number_is_unique_in_its_plan(priority_1):
    with violates("priority_area_unique_number_in_plan"):
        PriorityAreaFactory(plan=priority_1.plan, number=1)


def test_another_plan_can_reuse_a_priority_number(priority_1):
    PriorityAreaFactory(plan=ActionPlanFactory(), number=1)


def test_priority_numbers_start_at_one(plan):
    with violates("priority_area_number_from_one"):
        PriorityAreaFactory(plan=plan, number=0)


def test_database_refuses_a_deputy_lead_who_is_the_lead(priority_1):
    priority_1.deputy_lead = priority_1.lead
    with violates("priority_area_deputy_not_lead"):
        priority_1.save()


def test_clean_asks_for_a_deputy_other_than_the_lead(priority_1):
    priority_1.deputy_lead = priority_1.lead
    with pytest.raises(ValidationError) as error:
        priority_1.full_clean()
    assert error.value.message_dict["deputy_lead"] == ["The deputy lead must be someone other than the DPH lead"]


def test_a_priority_is_led_by_its_lead_and_deputy_only(priority_1, dph_lead, dph_lead_2, member):
    priority_1.deputy_lead = dph_lead_2
    priority_1.save()
    assert priority_1.is_led_by(dph_lead)
    assert priority_1.is_led_by(dph_lead_2)
    assert not priority_1.is_led_by(member)


def test_priority_area_changes_are_kept_in_history(priority_1):
    priority_1.title = "Healthy places, healthy people"
    priority_1.save()
    assert priority_1.history.count() == 2


# KeyObjective


def test_save_copies_the_plan_from_the_priority_area(priority_1):
    objective = KeyObjective.objects.create(priority_area=priority_1, number=1, title="Healthy weight")
    assert objective.plan == priority_1.plan


def test_moving_an_objective_to_another_plan_moves_its_plan(priority_1):
    objective = KeyObjectiveFactory(priority_area=priority_1)
    elsewhere = PriorityAreaFactory(plan=ActionPlanFactory())
    objective.priority_area = elsewhere
    objective.save()
    objective.refresh_from_db()
    assert objective.plan == elsewhere.plan


def test_an_objective_number_is_unique_in_its_priority_area(priority_1):
    KeyObjectiveFactory(priority_area=priority_1, number=14)
    with violates("key_objective_unique_number_in_plan"):
        KeyObjectiveFactory(priority_area=priority_1, number=14)


def test_an_objective_number_is_unique_across_the_priority_areas_of_a_plan(priority_1, priority_2):
    KeyObjectiveFactory(priority_area=priority_1, number=14)
    with violates("key_objective_unique_number_in_plan"):
        KeyObjectiveFactory(priority_area=priority_2, number=14)


def test_another_plan_can_reuse_an_objective_number(priority_1):
    KeyObjectiveFactory(priority_area=priority_1, number=14)
    KeyObjectiveFactory(priority_area=PriorityAreaFactory(plan=ActionPlanFactory()), number=14)
    assert KeyObjective.objects.filter(number=14).count() == 2


def test_clean_refuses_an_objective_number_used_in_another_priority_area(priority_1, priority_2):
    KeyObjectiveFactory(priority_area=priority_1, number=14)
    objective = KeyObjective(priority_area=priority_2, number=14, title="Duplicate")
    with pytest.raises(ValidationError) as error:
        objective.full_clean()
    assert "number" in error.value.message_dict


def test_objective_numbers_start_at_one(priority_1):
    with violates("key_objective_number_from_one"):
        KeyObjectiveFactory(priority_area=priority_1, number=0)


def test_database_refuses_a_signed_off_objective_without_its_time(priority_1):
    with violates("key_objective_signed_off_has_time"):
        KeyObjectiveFactory(priority_area=priority_1, sign_off_state=KeyObjective.SignOff.SIGNED_OFF)


@time_machine.travel(datetime.datetime(2024, 6, 3, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_sign_off_records_who_when_and_the_note(priority_1, sli_lead):
    objective = KeyObjectiveFactory(priority_area=priority_1)
    objective.sign_off(by=sli_lead, note="Agreed at the June network meeting")
    objective.refresh_from_db()
    assert objective.is_signed_off
    assert objective.signed_off_by == sli_lead
    assert objective.signed_off_at == timezone.now()
    assert objective.sign_off_note == "Agreed at the June network meeting"


def test_sign_off_refuses_an_objective_already_signed_off(priority_1, sli_lead, coordinator):
    objective = KeyObjectiveFactory(priority_area=priority_1)
    objective.sign_off(by=sli_lead)
    with pytest.raises(ValidationError, match="already signed off"):
        objective.sign_off(by=coordinator)
    objective.refresh_from_db()
    assert objective.signed_off_by == sli_lead


def test_a_new_objective_is_proposed(priority_1):
    objective = KeyObjectiveFactory(priority_area=priority_1)
    assert objective.sign_off_state == KeyObjective.SignOff.PROPOSED
    assert not objective.is_signed_off


def test_objective_changes_and_sign_off_are_kept_in_history(priority_1, sli_lead):
    objective = KeyObjectiveFactory(priority_area=priority_1)
    objective.title = "Reduce smoking in pregnancy"
    objective.save()
    objective.sign_off(by=sli_lead)
    assert objective.history.count() == 3
    assert objective.history.first().sign_off_state == KeyObjective.SignOff.SIGNED_OFF


# QuarterlyUpdate


def test_one_update_per_objective_and_quarter(priority_1):
    objective = KeyObjectiveFactory(priority_area=priority_1)
    QuarterlyUpdateFactory(key_objective=objective, quarter=Quarter(2024, 1))
    with violates("quarterly_update_one_per_objective_and_quarter"):
        QuarterlyUpdateFactory(key_objective=objective, quarter=Quarter(2024, 1))


def test_an_objective_has_an_update_each_quarter(priority_1):
    objective = KeyObjectiveFactory(priority_area=priority_1)
    QuarterlyUpdateFactory(key_objective=objective, quarter=Quarter(2024, 1))
    QuarterlyUpdateFactory(key_objective=objective, quarter=Quarter(2024, 2))
    assert objective.updates.count() == 2


def test_update_changes_are_kept_in_history(priority_1):
    update = QuarterlyUpdateFactory(key_objective=KeyObjectiveFactory(priority_area=priority_1))
    update.rag_status = QuarterlyUpdate.Rag.AMBER
    update.save()
    update.rag_status = QuarterlyUpdate.Rag.GREEN
    update.save()
    assert update.history.count() == 3
    assert [h.rag_status for h in update.history.all()] == ["green", "amber", "green"]


def test_an_update_is_submitted_once_it_has_a_time(priority_1):
    update = QuarterlyUpdateFactory(key_objective=KeyObjectiveFactory(priority_area=priority_1))
    assert not update.is_submitted
    update.submitted_at = timezone.now()
    assert update.is_submitted


def test_full_clean_accepts_a_valid_update(priority_1):
    QuarterlyUpdateFactory(key_objective=KeyObjectiveFactory(priority_area=priority_1)).full_clean()


# Evidence


def test_database_refuses_evidence_with_neither_link_nor_file(priority_1):
    update = QuarterlyUpdateFactory(key_objective=KeyObjectiveFactory(priority_area=priority_1))
    with violates("evidence_has_link_or_file"):
        Evidence.objects.create(update=update, title="Minutes")


def test_evidence_can_be_a_link_or_a_file(priority_1, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    update = QuarterlyUpdateFactory(key_objective=KeyObjectiveFactory(priority_area=priority_1))
    Evidence.objects.create(update=update, title="Report", link="https://example.org/report")
    evidence = Evidence(update=update, title="Minutes")
    evidence.file.save("minutes.txt", ContentFile(b"Minutes of the meeting"))
    assert update.evidence.count() == 2


def test_clean_asks_for_a_link_or_a_file(priority_1):
    update = QuarterlyUpdateFactory(key_objective=KeyObjectiveFactory(priority_area=priority_1))
    with pytest.raises(ValidationError) as error:
        Evidence(update=update, title="Minutes").clean()
    assert error.value.messages == ["Enter a link or choose a file"]


# QuarterlyMeeting and its actions


def test_one_meeting_per_priority_area_and_quarter(priority_1):
    QuarterlyMeetingFactory(priority_area=priority_1, quarter=Quarter(2024, 1))
    with violates("quarterly_meeting_one_per_priority_and_quarter"):
        QuarterlyMeetingFactory(priority_area=priority_1, quarter=Quarter(2024, 1))


@pytest.mark.parametrize("ends_at", [at(2024, 5, 1, 9), at(2024, 5, 1, 10)])
def test_database_refuses_a_meeting_that_does_not_end_after_it_starts(priority_1, ends_at):
    with violates("quarterly_meeting_ends_after_start"):
        QuarterlyMeetingFactory(priority_area=priority_1, starts_at=at(2024, 5, 1, 10), ends_at=ends_at)


def _action(priority_1, **fields) -> MeetingAction:
    meeting = QuarterlyMeetingFactory(priority_area=priority_1)
    return MeetingAction.objects.create(meeting=meeting, description="Share the JSNA chapter", **fields)


@pytest.mark.parametrize(
    ("due_date", "done_at", "overdue"),
    [
        (D(2024, 5, 31), None, True),
        (D(2024, 6, 1), None, False),  # due today is not late yet
        (D(2024, 6, 30), None, False),
        (None, None, False),
        (D(2024, 5, 31), at(2024, 5, 30, 12), False),
    ],
)
def test_meeting_action_is_overdue_when_undone_past_its_due_date(priority_1, due_date, done_at, overdue):
    action = _action(priority_1, due_date=due_date, done_at=done_at)
    assert action.is_overdue(today=D(2024, 6, 1)) is overdue


@time_machine.travel(datetime.datetime(2024, 5, 31, 23, 30, tzinfo=datetime.UTC), tick=False)
def test_meeting_action_overdue_defaults_to_todays_london_date(priority_1):
    # 23:30 UTC on 31 May is already 1 June in London (BST).
    action = _action(priority_1, due_date=D(2024, 5, 31))
    assert action.is_overdue()


# Project


def test_project_history_follows_its_councils(region):
    project = ProjectFactory(region=region)
    project.councils.add(LocalAuthorityFactory(region=region))
    assert project.history.count() == 2
    assert project.history.first().councils.count() == 1
