"""List filters: plans by status, events upcoming or past."""

from __future__ import annotations

import django_filters
from django.utils import timezone

from .models import ActionPlan, Event


class PlanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ActionPlan.Status.choices, empty_label="All statuses")

    class Meta:
        model = ActionPlan
        fields = ["status"]


class EventFilter(django_filters.FilterSet):
    UPCOMING, PAST = "upcoming", "past"

    when = django_filters.ChoiceFilter(
        label="Show",
        choices=[(UPCOMING, "Upcoming events"), (PAST, "Past events")],
        empty_label="All events",
        method="filter_when",
    )

    class Meta:
        model = Event
        fields = ["when"]

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        if value == self.UPCOMING:
            return queryset.filter(starts_at__gte=now)
        if value == self.PAST:
            return queryset.filter(starts_at__lt=now).order_by("-starts_at")
        return queryset
