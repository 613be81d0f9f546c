"""Reminders to DPH leads and the coordinators' digest: sent when due, and only once.

With the default 14 days, 2024/25 Q1 (April–June 2024) updates are due on 14 July 2024: the
"due soon" reminder goes from 7 July, the overdue one from 15 July.
"""

import datetime

import pytest
import time_machine
from django.core import mail

from priorities import tasks
from priorities.models import MeetingAction
from priorities.tests.factories import QuarterlyUpdateFactory
from sli_portal.core.quarters import Quarter

pytestmark = pytest.mark.django_db

Q1 = Quarter(2024, 1)


def at(day: int, month: int = 7) -> datetime.datetime:
    return datetime.datetime(2024, month, day, 8, tzinfo=datetime.UTC)


def run_daily() -> int:
    return tasks.send_update_reminders.delay().get()


@pytest.fixture
def deputy(priority_1, dph_lead_2):
    priority_1.deputy_lead = dph_lead_2
    priority_1.save()
    return dph_lead_2


def test_nothing_is_sent_before_the_reminder_window(objective_1):
    with time_machine.travel(at(6), tick=False):
        assert run_daily() == 0
    assert mail.outbox == []


def test_the_lead_and_deputy_are_reminded_once_before_the_due_date(objective_1, dph_lead, deputy, settings):
    settings.PORTAL_BASE_URL = "https://sli.example.org"
    with time_machine.travel(at(7), tick=False):
        assert run_daily() == 2
    with time_machine.travel(at(8), tick=False):
        assert run_daily() == 0  # the next day's run sends nothing new
    assert sorted(message.to[0] for message in mail.outbox) == sorted([dph_lead.email, deputy.email])
    message = mail.outbox[0]
    assert message.subject == "2024/25 Q1 SLI updates are due by 14 July 2024"
    assert "Key Objective 1: Health protection assurance" in message.body
    assert f"https://sli.example.org/regions/south-west/objectives/{objective_1.pk}/updates/20241/" in message.body


def test_an_overdue_reminder_is_sent_once_after_the_due_date_and_once_a_week_later(objective_1, dph_lead):
    with time_machine.travel(at(10), tick=False):
        run_daily()
    with time_machine.travel(at(15), tick=False):
        assert run_daily() == 1
    with time_machine.travel(at(20), tick=False):
        assert run_daily() == 0
    with time_machine.travel(at(21), tick=False):
        assert run_daily() == 1
    with time_machine.travel(at(30), tick=False):
        assert run_daily() == 0
    assert [m.subject for m in mail.outbox] == [
        "2024/25 Q1 SLI updates are due by 14 July 2024",
        "Overdue: 2024/25 Q1 SLI updates were due on 14 July 2024",
        "Still missing: 2024/25 Q1 SLI updates were due on 14 July 2024",
    ]


def test_running_the_job_twice_the_same_day_sends_nothing_twice(objective_1):
    with time_machine.travel(at(15), tick=False):
        assert run_daily() == 1
        assert run_daily() == 0
    assert len(mail.outbox) == 1


def test_a_submitted_update_means_no_reminder_but_a_draft_does_not(objective_1, objective_2, dph_lead, dph_lead_2):
    QuarterlyUpdateFactory(key_objective=objective_1, quarter=Q1, submitted_at=at(1))
    QuarterlyUpdateFactory(key_objective=objective_2, quarter=Q1, submitted_at=None)
    with time_machine.travel(at(15), tick=False):
        run_daily()
    assert [m.to for m in mail.outbox] == [[dph_lead_2.email]]


def test_proposed_objectives_and_inactive_plans_are_not_chased(proposed_objective, plan):
    with time_machine.travel(at(15), tick=False):
        assert run_daily() == 0
    plan.status = "closed"
    plan.save()
    with time_machine.travel(at(15), tick=False):
        assert run_daily() == 0


def test_the_due_days_follow_the_region(objective_1, region):
    region.update_due_days = 30  # due 30 July: reminder from 23 July
    region.save()
    with time_machine.travel(at(15), tick=False):
        assert run_daily() == 0
    with time_machine.travel(at(23), tick=False):
        assert run_daily() == 1


# The coordinators' weekly digest


def test_the_coordinator_gets_one_digest_a_week(coordinator, objective_1, objective_2, meeting_1):
    MeetingAction.objects.create(meeting=meeting_1, description="Chase the ICB", due_date=datetime.date(2024, 7, 20))
    QuarterlyUpdateFactory(key_objective=objective_2, quarter=Q1, submitted_at=at(21), rag_status="amber")
    monday = at(22)
    with time_machine.travel(monday, tick=False):
        assert tasks.send_coordinator_digests.delay().get() == 1
    with time_machine.travel(monday + datetime.timedelta(days=2), tick=False):
        assert tasks.send_coordinator_digests.delay().get() == 0  # same ISO week
    with time_machine.travel(monday + datetime.timedelta(days=7), tick=False):
        assert tasks.send_coordinator_digests.delay().get() == 1

    body = mail.outbox[0].body
    assert mail.outbox[0].to == [coordinator.email]
    assert "2024/25 Q1 UPDATES (April to June 2024): OVERDUE since 14 July 2024" in body
    assert mail.outbox[0].subject == "1 update missing, overdue since Sun 14 Jul – SW ADPH weekly SLI digest"
    assert "Key Objective 1: Health protection assurance" in body  # missing
    assert "Key Objective 2, 2024/25 Q1: Amber" in body  # submitted this week
    assert "Chase the ICB" in body  # action past due


def test_the_digest_lists_the_objectives_awaiting_sign_off(coordinator, objective_1, proposed_objective):
    with time_machine.travel(datetime.datetime(2024, 7, 22, 8, tzinfo=datetime.UTC), tick=False):
        assert tasks.send_coordinator_digests.delay().get() == 1
    body = mail.outbox[0].body
    section = body.split("AWAITING THE NETWORK'S SIGN-OFF")[1].split("MEETING ACTIONS")[0]
    assert "Key Objective 3: Draft idea not yet agreed (priority 1)" in section
    assert f"/regions/south-west/objectives/{proposed_objective.pk}/sign-off/" in section
    assert "Health protection assurance" not in section


def test_the_task_replays_a_given_day(objective_1):
    assert tasks.send_update_reminders.delay(today="2024-07-15").get() == 1


def test_a_reminder_is_answered_by_the_regions_coordinator(objective_1, dph_lead, coordinator, region):
    # Without a coordinator address for the region: the coordinators' own addresses.
    region.coordinator_email = ""
    region.save()
    with time_machine.travel(at(7), tick=False):
        run_daily()
    assert mail.outbox[0].reply_to == [coordinator.email]

    mail.outbox.clear()
    region.coordinator_email = "sli.coordinator@swadph.example.org"
    region.save()
    with time_machine.travel(at(15), tick=False):
        run_daily()
    assert mail.outbox[0].reply_to == ["sli.coordinator@swadph.example.org"]


def test_the_lead_and_the_deputy_are_each_told_what_they_are_and_of_the_other(objective_1, dph_lead, deputy):
    with time_machine.travel(at(7), tick=False):
        run_daily()
    to_lead = next(m for m in mail.outbox if m.to == [dph_lead.email]).body
    to_deputy = next(m for m in mail.outbox if m.to == [deputy.email]).body

    assert "Key objectives you lead" in to_lead and "you are deputy for" not in to_lead
    assert f"your deputy, {deputy.get_full_name()}, was asked too" in to_lead
    assert "Key objectives you are deputy for" in to_deputy and "Key objectives you lead" not in to_deputy
    assert f"the lead, {dph_lead.get_full_name()}, was asked too" in to_deputy
    assert "One submission by the lead or the deputy covers both of you" in to_deputy
    # The quarter in words beside its financial-year name.
    assert "2024/25 Q1 quarterly updates (April to June 2024)" in to_lead


def test_the_digest_keeps_listing_a_gap_of_an_earlier_quarter_until_it_is_filled(coordinator, objective_1):
    # Q1 was never submitted; in October the digest reports Q2 and still lists Q1's gap.
    QuarterlyUpdateFactory(key_objective=objective_1, quarter=Q1.next(), submitted_at=at(20))
    with time_machine.travel(datetime.datetime(2024, 10, 21, 8, tzinfo=datetime.UTC), tick=False):
        assert tasks.send_coordinator_digests.delay().get() == 1
    body = mail.outbox[0].body
    section = body.split("STILL MISSING FROM EARLIER QUARTERS")[1].split("AWAITING")[0]
    assert "2024/25 Q1 (April to June 2024):" in section
    assert "Key Objective 1: Health protection assurance" in section
    assert mail.outbox[0].subject.startswith("1 update missing")


def test_every_link_of_a_reminder_opens_for_its_recipient(client, objective_1, dph_lead, deputy, settings):
    settings.PORTAL_BASE_URL = "https://sli.example.org"
    with time_machine.travel(at(7), tick=False):
        run_daily()
        for message in mail.outbox:
            recipient = dph_lead if message.to == [dph_lead.email] else deputy
            client.force_login(recipient)
            links = [word for word in message.body.split() if word.startswith("https://sli.example.org/")]
            assert links
            for link in links:
                response = client.get(link.removeprefix("https://sli.example.org"))
                assert response.status_code == 200, (recipient, link)


def test_a_year_of_daily_runs_after_the_plan_asks_nothing_of_a_later_quarter(objective_1, objective_2):
    # The plan of the fixtures runs to 31 March 2026: its last quarters are still asked for
    # after that day (2025/26 Q4 is due on 14 April 2026); no quarter after them, whatever the day.
    plan = objective_1.plan
    day = datetime.datetime.combine(plan.end_date, datetime.time(8), tzinfo=datetime.UTC)
    for _ in range(366):
        day += datetime.timedelta(days=1)
        with time_machine.travel(day, tick=False):
            run_daily()
    asked = {message.subject.split(" SLI")[0].split(": ")[-1] for message in mail.outbox}
    assert "2025/26 Q4" in asked
    assert asked <= {str(quarter) for quarter in plan.quarters}


def test_every_link_of_the_digest_opens_for_the_coordinator(
    client, coordinator, objective_1, proposed_objective, meeting_1, settings
):
    settings.PORTAL_BASE_URL = "https://sli.example.org"
    MeetingAction.objects.create(meeting=meeting_1, description="Chase the ICB", due_date=datetime.date(2024, 7, 20))
    with time_machine.travel(at(22), tick=False):
        tasks.send_coordinator_digests.delay().get()
        client.force_login(coordinator)
        links = [word for word in mail.outbox[0].body.split() if word.startswith("https://sli.example.org/")]
        assert len(links) >= 4
        for link in links:
            assert client.get(link.removeprefix("https://sli.example.org")).status_code == 200, link
