"""Outcome indicators from OHID's Fingertips profiles, held beside the plan.

An indicator is public data shared by every region: its values (England, the English regions
and the councils in the portal's register) are loaded once, from a Fingertips CSV export or the
Fingertips API, and each region links the indicators it tracks to its own priority areas and
key objectives, with an optional target.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from priorities.models import KeyObjective, PriorityArea
from programmes.models import Region

ENGLAND_CODE = "E92000001"


class Indicator(models.Model):
    class Polarity(models.TextChoices):
        HIGHER_IS_BETTER = "higher", "Higher is better"
        LOWER_IS_BETTER = "lower", "Lower is better"
        NEITHER = "neither", "Neither higher nor lower is better"

    fingertips_id = models.PositiveIntegerField("Fingertips indicator ID", unique=True)
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=80, blank=True, help_text="For example: %, per 100,000")
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default=Polarity.NEITHER)
    profile = models.CharField(
        max_length=200, blank=True, help_text="The Fingertips profile, e.g. Public Health Outcomes Framework"
    )
    # Fingertips' area type for councils (502: upper-tier local authorities, 4/23 onwards).
    area_type_id = models.PositiveIntegerField("Fingertips area type ID", default=502)
    # Demo data: the values are made up and every page and PDF says so.
    illustrative = models.BooleanField(default=False)
    # The last API refresh: when it last succeeded, and the failure of the last attempt, if any.
    # A failure keeps the last good values.
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    last_refresh_failed_at = models.DateTimeField(null=True, blank=True)
    last_refresh_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.fingertips_id})"


class IndicatorValue(models.Model):
    """One value: an indicator, an area, a period and a breakdown (sex, age, category)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    area_code = models.CharField("ONS code", max_length=9)
    area_name = models.CharField(max_length=200)
    area_type = models.CharField(max_length=100, blank=True)
    period = models.CharField("time period", max_length=40)
    # Fingertips' "Time period Sortable" (e.g. 20220000): orders periods for trends.
    period_sortable = models.BigIntegerField(default=0)
    sex = models.CharField(max_length=40, default="Persons")
    age = models.CharField(max_length=60, default="All ages")
    category_type = models.CharField(max_length=150, blank=True)
    category = models.CharField(max_length=150, blank=True)
    value = models.FloatField(null=True, blank=True)
    lower_ci = models.FloatField("lower 95% confidence limit", null=True, blank=True)
    upper_ci = models.FloatField("upper 95% confidence limit", null=True, blank=True)
    count = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    value_note = models.CharField(max_length=200, blank=True)
    recent_trend = models.CharField(max_length=200, blank=True)
    # Fingertips' wording: "Better 95%", "Similar", "Worse 95%", "Lower", "Higher", quintiles...
    compared_to_england = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "area_code", "period_sortable"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area_code", "period", "sex", "age", "category_type", "category"],
                name="indicator_value_unique_breakdown",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "area_code", "period_sortable"])]

    def __str__(self) -> str:
        return f"{self.indicator.fingertips_id} {self.area_code} {self.period}: {self.value}"


class IndicatorImport(models.Model):
    """Who loaded values, how, and what came of it (values are shared by all regions)."""

    class Source(models.TextChoices):
        FILE = "file", "CSV upload"
        COMMAND = "command", "import_fingertips command"
        API = "api", "Fingertips API"

    source = models.CharField(max_length=10, choices=Source.choices)
    file_name = models.CharField(max_length=255, blank=True)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    region = models.ForeignKey(Region, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # The rejected rows, [{"line": 7, "reason": "..."}], the first few hundred.
    rejections = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.started_at:%Y-%m-%d %H:%M}: {self.summary}"

    @property
    def summary(self) -> str:
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, rejected {self.rejected}"


class IndicatorLink(models.Model):
    """A region tracks an indicator against one of its priority areas or key objectives."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="links")
    priority_area = models.ForeignKey(
        PriorityArea, on_delete=models.CASCADE, null=True, blank=True, related_name="indicator_links"
    )
    key_objective = models.ForeignKey(
        KeyObjective, on_delete=models.CASCADE, null=True, blank=True, related_name="indicator_links"
    )
    target = models.CharField(max_length=200, blank=True, help_text="For example: below England by 2027")
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # Who linked, retargeted or unlinked it: the region's audit log shows it.
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(priority_area__isnull=False, key_objective__isnull=True)
                | Q(priority_area__isnull=True, key_objective__isnull=False),
                name="indicator_link_one_target",
            ),
            models.UniqueConstraint(
                fields=["indicator", "priority_area"],
                condition=Q(priority_area__isnull=False),
                name="indicator_link_unique_priority_area",
            ),
            models.UniqueConstraint(
                fields=["indicator", "key_objective"],
                condition=Q(key_objective__isnull=False),
                name="indicator_link_unique_key_objective",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} → {self.key_objective or self.priority_area}"

    @property
    def plan(self):
        """The plan of the priority area or key objective (select_related them to read it)."""
        return (self.key_objective or self.priority_area).plan
