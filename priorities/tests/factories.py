import datetime

import factory

from priorities.models import KeyObjective, PriorityArea, Project, QuarterlyMeeting, QuarterlyUpdate
from programmes.tests.factories import ActionPlanFactory, RegionFactory
from sli_portal.core.quarters import Quarter


class PriorityAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityArea

    plan = factory.SubFactory(ActionPlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Priority area {n}")


class KeyObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyObjective

    priority_area = factory.SubFactory(PriorityAreaFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Key objective {n}")


class QuarterlyUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterlyUpdate

    key_objective = factory.SubFactory(KeyObjectiveFactory)
    quarter = Quarter(2024, 1)
    rag_status = QuarterlyUpdate.Rag.GREEN
    progress = "On track."


class QuarterlyMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterlyMeeting

    priority_area = factory.SubFactory(PriorityAreaFactory)
    quarter = Quarter(2024, 1)
    # In the quarter after the one it reviews, like a real quarterly meeting.
    starts_at = datetime.datetime(2024, 7, 10, 10, tzinfo=datetime.UTC)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    region = factory.SubFactory(RegionFactory)
    title = factory.Sequence(lambda n: f"QI project {n}")
    badged_on = datetime.date(2024, 6, 1)
