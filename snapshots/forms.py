"""Forms of the snapshot pages: they validate input; the services decide what is allowed."""

from __future__ import annotations

import datetime

from django import forms

from sli_portal.core.forms import SingleLineTextMixin

from .content import add_months

MARKDOWN_HELP = (
    "Plain text with simple formatting: a blank line starts a paragraph, **bold**, *italic*, "
    "lines starting with - make a list, [text](https://link) makes a link. HTML is shown as typed."
)


class SnapshotForm(SingleLineTextMixin, forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter the title of the snapshot"})
    # How to format the three texts is said once, above them (the form's page shows MARKDOWN_HELP).
    introduction = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    highlights = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Shown above the achievements the DPH leads reported last quarter.",
    )
    adph_updates = forms.CharField(label="ADPH updates", required=False, widget=forms.Textarea(attrs={"rows": 8}))
    featured_case_study = forms.ModelChoiceField(
        label="Case study of the month",
        queryset=None,
        required=False,
        empty_label="None this month",
        error_messages={"invalid_choice": "Select a published case study of the region"},
    )

    def __init__(self, *args, case_studies, suggestion=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["featured_case_study"]
        field.queryset = case_studies
        if suggestion is not None:
            field.help_text = (
                f"Suggested: “{suggestion.title}”, the latest the region published last month or this month."
            )
        else:
            field.help_text = "One of the region's published case studies; none was published last month or this month."


def month_choices(today: datetime.date, taken: set[datetime.date]) -> list[tuple[str, str]]:
    """The last six months and the next two, without the months that already have a snapshot."""
    start = today.replace(day=1)
    months = [add_months(start, offset) for offset in range(2, -7, -1)]
    return [(f"{month:%Y-%m}", f"{month:%B %Y}") for month in months if month not in taken]


class NewSnapshotForm(SingleLineTextMixin, forms.Form):
    month = forms.ChoiceField(error_messages={"required": "Select the month", "invalid_choice": "Select the month"})

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = choices

    def clean_month(self) -> datetime.date:
        return datetime.datetime.strptime(self.cleaned_data["month"], "%Y-%m").date()


class WithdrawForm(SingleLineTextMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the snapshot withdrawn?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="Kept with the snapshot and shown to the network, not to the public.",
        error_messages={"required": "Enter why the snapshot is withdrawn"},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Enter why the snapshot is withdrawn")
        return reason


class SubscribeForm(SingleLineTextMixin, forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="We will send you a link to confirm it. We use it only for the snapshots.",
        error_messages={
            "required": "Enter your e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@example.com",
        },
    )
