"""The plan data many apps' tests share: fixed dates, a signed-off objective, and a way to grow
every kind of row the dashboard and plan pages read, for the 1× / 10× query-count tests."""

from __future__ import annotations

import datetime

from django.utils import timezone

from peer_challenges.tests.factories import PeerChallengeFactory
from priorities.models import KeyObjective, MeetingAction
from priorities.tests.factories import (
    KeyObjectiveFactory,
    PriorityAreaFactory,
    QuarterlyMeetingFactory,
    QuarterlyUpdateFactory,
)
from programmes.tests.factories import EventFactory, LocalAuthorityFactory
from sli_portal.core.quarters import Quarter

# A day in 2024/25 Q4: the plan fixture (April 2024 to March 2026) has three closed quarters and
# the updates for 2024/25 Q3 were due on 14 January 2025.
TODAY = datetime.date(2025, 1, 20)
Q1, Q2, Q3 = Quarter(2024, 1), Quarter(2024, 2), Quarter(2024, 3)
# When the network signed off the fixtures' objectives: early in the plan's first quarter.
SIGNED = datetime.datetime(2024, 4, 10, 9, tzinfo=datetime.UTC)


def signed_off_objective(priority_area, number, title=None, **fields) -> KeyObjective:
    return KeyObjectiveFactory(
        priority_area=priority_area,
        number=number,
        title=title or f"Key objective {number}",
        sign_off_state=KeyObjective.SignOff.SIGNED_OFF,
        signed_off_at=SIGNED,
        **fields,
    )


def grow(region, plan, factor: int) -> None:
    """`factor` × every kind of row the dashboard and plan pages read."""
    start = 100 * factor
    submitted = timezone.now()
    for index in range(factor):
        area = PriorityAreaFactory(plan=plan, number=start + index)
        objective = signed_off_objective(area, start + index)
        for quarter in (Q1, Q2, Q3):
            QuarterlyUpdateFactory(key_objective=objective, quarter=quarter, submitted_at=submitted)
        KeyObjectiveFactory(priority_area=area, number=start + 50 + index)
        meeting = QuarterlyMeetingFactory(
            priority_area=area,
            quarter=Quarter(2024, 4),
            starts_at=datetime.datetime(2025, 2, 10 + index % 15, 10, tzinfo=datetime.UTC),
        )
        MeetingAction.objects.create(meeting=meeting, description="Overdue action", due_date=datetime.date(2025, 1, 2))
        EventFactory(region=region, starts_at=timezone.now() + datetime.timedelta(days=5 + index))
        council = LocalAuthorityFactory(region=region)
        PeerChallengeFactory(local_authority=council)
        PeerChallengeFactory(
            local_authority=council,
            onsite_start=datetime.date(2025, 3, 3 + index % 20),
            onsite_end=datetime.date(2025, 3, 6 + index % 20),
        )
