"""Forms of the annual report pages: they validate input; the services decide what is allowed."""

from __future__ import annotations

from django import forms

from sli_portal.core.forms import SingleLineTextMixin
from sli_portal.core.quarters import Quarter

MAX_TEXT = 20_000


class AnnualReportForm(SingleLineTextMixin, forms.Form):
    """The sections people write, and one achievements box per priority area of the plan."""

    summary = forms.CharField(
        label="Summary of the year",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What the network achieved and learned, in the SLI lead’s words. Needed to submit the report.",
    )
    risks = forms.CharField(
        label="Risks and issues",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    asks_of_board = forms.CharField(
        label="Asks of the national board",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the network needs from the ADPH SLI board or nationally.",
    )

    def __init__(self, *args, priority_areas=(), achievements: dict[int, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        achievements = achievements or {}
        self.priority_areas = list(priority_areas)
        for area in self.priority_areas:
            self.fields[f"achievements_{area.pk}"] = forms.CharField(
                label=f"Priority {area.number}: {area.title}",
                required=False,
                max_length=MAX_TEXT,
                initial=achievements.get(area.pk, ""),
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def achievement_fields(self):
        return [self[f"achievements_{area.pk}"] for area in self.priority_areas]

    def achievements(self) -> dict[int, str]:
        return {area.pk: self.cleaned_data[f"achievements_{area.pk}"] for area in self.priority_areas}


def year_choices(today) -> list[tuple[str, str]]:
    """The financial year now running and the three before it, newest first."""
    current = Quarter.from_date(today).year
    return [(str(year), Quarter(year, 1).financial_year) for year in range(current, current - 4, -1)]


class NewReportForm(forms.Form):
    year = forms.TypedChoiceField(
        label="Financial year",
        coerce=int,
        error_messages={"required": "Select the financial year", "invalid_choice": "Select the financial year"},
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = choices


class AcknowledgeForm(SingleLineTextMixin, forms.Form):
    note = forms.CharField(
        label="Note to the region (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example what the board will take forward. The region’s SLI lead and coordinator read it.",
    )
