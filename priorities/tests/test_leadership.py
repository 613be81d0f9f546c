"""Handing over a priority area's DPH lead or deputy role."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from priorities import leadership, services, tasks
from priorities.models import Handover, PriorityArea
from priorities.tests.factories import QuarterlyUpdateFactory
from programmes.models import ActionPlan, Membership
from programmes.tests.factories import MembershipFactory, UserFactory
from sli_portal.core.quarters import Quarter
from sli_portal.tests.helpers import COORDINATOR_ONLY_MATRIX
from sli_portal.tests.plan_data import SIGNED

Role = Handover.Role
Q1 = Quarter(2024, 1)  # April to June 2024: due 14 July 2024
TODAY = datetime.date(2024, 6, 20)


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)


@pytest.fixture
def successor(region):
    user = UserFactory(username="successor", first_name="Nadia", last_name="Rahman")
    MembershipFactory(user=user, region=region, role=Membership.Role.MEMBER)
    return user


def _hand(area, to_user, starts_on, role=Role.LEAD, **kwargs):
    return leadership.hand_over(
        priority_area=area, role=role, to_user=to_user, starts_on=starts_on, today=TODAY, **kwargs
    )


def test_a_handover_from_today_names_the_new_lead_at_once(priority_1, dph_lead, successor, coordinator):
    handover = _hand(priority_1, successor, TODAY, interim=True, handed_over_by=coordinator)
    priority_1.refresh_from_db()
    assert priority_1.lead == successor and priority_1.lead_interim
    assert priority_1.lead_label == "Nadia Rahman (interim)"
    assert handover.from_user == dph_lead and handover.applied_at is not None
    # Q1 was being collected on 20 June: its updates are due on 14 July 2024.
    assert handover.previous_writes_until == datetime.date(2024, 7, 14)


def test_a_later_handover_waits_for_its_day(priority_1, dph_lead, successor):
    _hand(priority_1, successor, datetime.date(2024, 7, 1))
    priority_1.refresh_from_db()
    assert priority_1.lead == dph_lead
    assert tasks.apply_due_handovers.delay(today="2024-06-30").get() == 0
    assert tasks.apply_due_handovers.delay(today="2024-07-01").get() == 1
    assert tasks.apply_due_handovers.delay(today="2024-07-02").get() == 0
    priority_1.refresh_from_db()
    assert priority_1.lead == successor


def test_a_new_handover_replaces_one_that_has_not_started(priority_1, successor, dph_lead_2):
    _hand(priority_1, successor, datetime.date(2024, 7, 1))
    _hand(priority_1, dph_lead_2, datetime.date(2024, 8, 1))
    assert list(Handover.objects.values_list("to_user__username", flat=True)) == ["dph-lead-2"]


def test_a_deputy_who_steps_up_stops_deputising(priority_1, dph_lead, dph_lead_2):
    priority_1.deputy_lead = dph_lead_2
    priority_1.save()
    _hand(priority_1, dph_lead_2, TODAY)
    priority_1.refresh_from_db()
    assert (priority_1.lead, priority_1.deputy_lead) == (dph_lead_2, None)
    area = PriorityArea.objects.prefetch_related("handovers__from_user", "handovers__to_user").get(pk=priority_1.pk)
    assert leadership.holders_on(area, TODAY - datetime.timedelta(days=1)) == (dph_lead, dph_lead_2)
    assert leadership.holders_on(area, TODAY) == (dph_lead_2, None)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ("outsider", "Select someone with a role in the region"),
        ("same", "already holds this role"),
        ("before-plan", "The handover must start within the plan"),
        ("closed", "This plan is closed"),
        ("deputy-is-lead", "is the DPH lead: choose someone else as deputy"),
    ],
)
def test_handovers_that_cannot_be(priority_1, dph_lead, successor, other_region, change, error):
    to_user, starts_on, role = successor, TODAY, Role.LEAD
    if change == "outsider":
        to_user = UserFactory()
        MembershipFactory(user=to_user, region=other_region)
    elif change == "same":
        to_user = dph_lead
    elif change == "before-plan":
        starts_on = datetime.date(2024, 3, 31)
    elif change == "closed":
        ActionPlan.objects.filter(pk=priority_1.plan_id).update(status=ActionPlan.Status.CLOSED)
        priority_1.plan.refresh_from_db()
    elif change == "deputy-is-lead":
        to_user, role = dph_lead, Role.DEPUTY
    with pytest.raises(ValidationError, match=error):
        _hand(priority_1, to_user, starts_on, role=role)
    priority_1.refresh_from_db()
    assert priority_1.lead == dph_lead
    assert not Handover.objects.exists()


def test_the_holder_on_the_due_date_gets_the_reminders(objective_1, dph_lead, successor):
    # Handed over on 10 July, before Q1's updates are due on 14 July: the successor owes them.
    with time_machine.travel(at(datetime.date(2024, 7, 10)), tick=False):
        leadership.hand_over(
            priority_area=objective_1.priority_area,
            role=Role.LEAD,
            to_user=successor,
            starts_on=datetime.date(2024, 7, 10),
        )
        tasks.send_update_reminders.delay().get()
    assert [message.to for message in mail.outbox] == [[successor.email]]


def test_a_handover_planned_after_the_due_date_leaves_the_reminders_with_the_holder(objective_1, dph_lead, successor):
    with time_machine.travel(at(datetime.date(2024, 7, 10)), tick=False):
        leadership.hand_over(
            priority_area=objective_1.priority_area,
            role=Role.LEAD,
            to_user=successor,
            starts_on=datetime.date(2024, 7, 20),
        )
        tasks.send_update_reminders.delay().get()
    assert [message.to for message in mail.outbox] == [[dph_lead.email]]


def test_both_may_write_the_quarter_being_collected(client, region, objective_1, dph_lead, successor):
    update = QuarterlyUpdateFactory(
        key_objective=objective_1, quarter=Quarter(2023, 4), author=dph_lead, submitted_at=SIGNED
    )
    with time_machine.travel(at(TODAY), tick=False):
        _hand(objective_1.priority_area, successor, TODAY)
        area = PriorityArea.objects.get(pk=objective_1.priority_area_id)
        for user in (dph_lead, successor):
            access = services.region_access(user, region)
            assert services.can_write_updates(user=user, access=access, priority_area=area), user
        client.force_login(dph_lead)
        assert client.get(reverse("update_edit", args=[region.slug, objective_1.pk, Q1.code])).status_code == 200
        assert "Healthy places" in client.get(reverse("my_priorities", args=[region.slug])).content.decode()
    # After the due date of the quarter they were collecting, only the new holder writes.
    with time_machine.travel(at(datetime.date(2024, 7, 15)), tick=False):
        access = services.region_access(dph_lead, region)
        assert not services.can_write_updates(user=dph_lead, access=access, priority_area=area)
        client.force_login(dph_lead)  # the session of 20 June has expired
        assert client.get(reverse("update_edit", args=[region.slug, objective_1.pk, Q1.code])).status_code == 403
    update.refresh_from_db()
    assert update.author == dph_lead


def test_the_plan_copy_carries_the_current_holders(priority_1, successor, dph_lead_2):
    _hand(priority_1, successor, TODAY, interim=True)
    _hand(priority_1, dph_lead_2, TODAY, role=Role.DEPUTY)
    copy = services.copy_plan(
        plan=priority_1.plan,
        title="Next plan",
        start_date=datetime.date(2026, 4, 1),
        end_date=datetime.date(2028, 3, 31),
    )
    area = copy.priority_areas.get(number=1)
    assert (area.lead, area.lead_interim, area.deputy_lead, area.deputy_interim) == (successor, True, dph_lead_2, False)


# --- The page ------------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "expected"), COORDINATOR_ONLY_MATRIX)
def test_only_the_coordinator_hands_over(client, region, priority_1, successor, personas, persona, expected):
    if persona:
        client.force_login(personas[persona])
    url = reverse("priority_area_handover", args=[region.slug, priority_1.pk])
    assert client.get(url).status_code == expected
    if expected != 200:
        data = {
            "role": "lead",
            "to_user": successor.pk,
            "starts_on_0": "20",
            "starts_on_1": "6",
            "starts_on_2": "2024",
            "confirmed": "yes",
        }
        assert client.post(url, data).status_code == expected
        assert not Handover.objects.exists()


def test_the_coordinator_confirms_a_handover_and_public_pages_show_the_new_lead(
    client, region, priority_1, dph_lead, successor, coordinator
):
    client.force_login(coordinator)
    url = reverse("priority_area_handover", args=[region.slug, priority_1.pk])
    data = {
        "role": "lead",
        "to_user": successor.pk,
        "starts_on_0": "20",
        "starts_on_1": "6",
        "starts_on_2": "2024",
        "interim": "on",
    }
    with time_machine.travel(at(TODAY), tick=False):
        confirm = client.post(url, data)
        page = confirm.content.decode()
        assert "Hand the DPH lead role to Nadia Rahman?" in page
        assert "Charlie Carter will no longer hold the role from that day" in page
        assert not Handover.objects.exists()
        done = client.post(url, {**data, "confirmed": "yes"})
    assert done["Location"] == reverse("priority_area_detail", args=[region.slug, priority_1.pk])
    client.force_login(coordinator)  # the session of 20 June 2024 has expired
    detail = client.get(done["Location"]).content.decode()
    assert "Nadia Rahman (interim)" in detail and "after Charlie Carter" in detail
    client.logout()
    public = client.get(reverse("public_plan", args=[region.slug])).content.decode()
    assert "DPH lead: Nadia Rahman (interim)" in public
    assert "Charlie Carter" not in public


def test_a_handover_form_error_changes_nothing(client, region, priority_1, coordinator):
    client.force_login(coordinator)
    url = reverse("priority_area_handover", args=[region.slug, priority_1.pk])
    response = client.post(url, {"role": "lead", "to_user": "999999", "confirmed": "yes"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select someone from the list" in page and "Enter the date the handover starts" in page
    assert not Handover.objects.exists()
