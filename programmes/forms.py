"""Forms of the programme pages; they validate input, the services apply the rules."""

from __future__ import annotations

import datetime
import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from sli_portal.core.forms import GovUKDateField, SingleLineTextMixin, example_date, govuk_form_helper
from sli_portal.core.images import image_kind

from .models import ActionPlan, Event, Region

MAX_IMPORT_BYTES = 2 * 1024 * 1024
IMPORT_EXTENSIONS = (".csv", ".xlsx")


class PlanDatesMixin(SingleLineTextMixin, forms.Form):
    """Title and period of a plan, shared by the plan, copy and import forms."""

    title = forms.CharField(
        max_length=200,
        error_messages={"required": "Enter the title of the plan"},
        help_text="For example, SW ADPH SLI Action Plan 2026-2028",
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
    )
    start_date = GovUKDateField(
        label="Start date",
        help_text=example_date(days=30, day_of_month=1, month=4),
        error_messages={"required": "Enter the start date"},
    )
    end_date = GovUKDateField(
        label="End date",
        help_text=example_date(days=2 * 365, day_of_month=31, month=3),
        error_messages={"required": "Enter the end date"},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", "The end date must be after the start date")
        return cleaned


class PlanForm(PlanDatesMixin):
    intro = forms.CharField(
        label="Introduction",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Shown on the public plan page once the plan is approved",
    )
    builds_on = forms.ModelChoiceField(
        label="Builds on",
        queryset=ActionPlan.objects.none(),
        required=False,
        empty_label="No earlier plan",
        help_text="The previous plan this one carries forward",
    )

    def __init__(self, *args, region: Region, plan: ActionPlan | None = None, **kwargs):
        if plan is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": plan.title,
                    "start_date": plan.start_date,
                    "end_date": plan.end_date,
                    "intro": plan.intro,
                    "builds_on": plan.builds_on_id,
                },
            )
        super().__init__(*args, **kwargs)
        choices = ActionPlan.objects.filter(region=region).order_by("-start_date")
        if plan is not None:
            choices = choices.exclude(pk=plan.pk)
        self.fields["builds_on"].queryset = choices
        self.helper = govuk_form_helper("Save plan" if plan else "Create draft plan")


def next_period(plan: ActionPlan) -> tuple[datetime.date, datetime.date]:
    """The period after the plan's, as long as it: April 2025–March 2027 → April 2027–March 2029."""
    start = plan.end_date + datetime.timedelta(days=1)
    years = round((plan.end_date - plan.start_date).days / 365.25)
    if years < 1:
        return start, start + (plan.end_date - plan.start_date)
    end = plan.end_date
    try:
        return start, end.replace(year=end.year + years)
    except ValueError:  # 29 February
        return start, end.replace(year=end.year + years, day=28)


class CopyPlanForm(PlanDatesMixin):
    def __init__(self, *args, plan: ActionPlan, **kwargs):
        kwargs.setdefault("initial", dict(zip(("start_date", "end_date"), next_period(plan), strict=True)))
        super().__init__(*args, **kwargs)
        self.helper = govuk_form_helper("Create the new draft")


class PlanStatusForm(SingleLineTextMixin, forms.Form):
    to = forms.ChoiceField(choices=ActionPlan.Status.choices)


class PlanImportForm(PlanDatesMixin):
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV or XLSX file in the format of the plan export, up to 2 MB",
        error_messages={"required": "Select a CSV or XLSX file", "empty": "The selected file is empty"},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_form_helper("Import plan")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(IMPORT_EXTENSIONS):
            raise ValidationError("The selected file must be a CSV or XLSX file")
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError("The selected file must be smaller than 2 MB")
        if upload.size == 0:
            raise ValidationError("The selected file is empty")
        return upload


def _time_field(label: str, *, required: bool) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        input_formats=["%H:%M", "%H.%M", "%H%M", "%I:%M%p", "%I:%M %p", "%I%p", "%I %p"],
        help_text="Use the 24-hour clock, for example 14:30",
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as hours and minutes, like 14:30",
        },
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input govuk-input--width-5"}),
    )


class EventForm(SingleLineTextMixin, forms.Form):
    """An event takes place on one day: the day in GOV.UK date boxes, the times as text."""

    title = forms.CharField(max_length=200, error_messages={"required": "Enter the title of the event"})
    day = GovUKDateField(
        label="Date of the event",
        help_text=example_date(days=30),
        error_messages={"required": "Enter the date of the event"},
    )
    start_time = _time_field("Start time", required=True)
    end_time = _time_field("End time", required=False)
    location = forms.CharField(label="Place", max_length=200, required=False, help_text="Venue or “Online”")
    link = forms.URLField(
        label="Link",
        required=False,
        assume_scheme="https",
        help_text="Joining link or event page",
        # crispy-forms-gds styles text inputs but not URL inputs.
        widget=forms.URLInput(attrs={"class": "govuk-input"}),
        error_messages={"invalid": "Enter a link in the correct format, like https://www.example.org/event"},
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, event: Event | None = None, **kwargs):
        if event is not None:
            starts = timezone.localtime(event.starts_at)
            ends = timezone.localtime(event.ends_at) if event.ends_at else None
            kwargs.setdefault(
                "initial",
                {
                    "title": event.title,
                    "day": starts.date(),
                    "start_time": starts.time(),
                    "end_time": ends.time() if ends else None,
                    "location": event.location,
                    "link": event.link,
                    "description": event.description,
                },
            )
        super().__init__(*args, **kwargs)
        self.helper = govuk_form_helper("Save event")

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("day"), cleaned.get("start_time"), cleaned.get("end_time")
        if day and start and end and end <= start:
            self.add_error("end_time", "The end time must be after the start time")
        return cleaned

    def event_fields(self) -> dict:
        """The cleaned data as the Event's own fields, times in the portal's time zone."""
        data = self.cleaned_data
        london = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        starts_at = datetime.datetime.combine(data["day"], data["start_time"], tzinfo=london)
        ends_at = datetime.datetime.combine(data["day"], data["end_time"], tzinfo=london) if data["end_time"] else None
        return {
            "title": data["title"],
            "starts_at": starts_at,
            "ends_at": ends_at,
            "location": data["location"],
            "link": data["link"],
            "description": data["description"],
        }


class RegionSettingsForm(SingleLineTextMixin, forms.ModelForm):
    """What the coordinator sets for the network: contact, public text, the calendar's days and
    years, the public RAG ratings and the snapshots' cover."""

    class Meta:
        model = Region
        fields = [
            "coordinator_email",
            "intro",
            "update_due_days",
            "peer_challenge_due_years",
            "peer_challenge_overdue_years",
            "show_rag_publicly",
            "share_workspace_with_national_board",
            "email_snapshots_to_members",
            "accent_colour",
            "logo",
        ]
        labels = {
            "coordinator_email": "SLI coordinator's e-mail address",
            "intro": "Public introduction",
            "update_due_days": "Days after a quarter ends by which its updates are due",
            "peer_challenge_due_years": "Years after a peer challenge's visit from which the next is due",
            "peer_challenge_overdue_years": "Years after which it is overdue",
            "show_rag_publicly": "Show RAG ratings on the public plan page",
            "share_workspace_with_national_board": "Share our workspace with the national board",
            "email_snapshots_to_members": "E-mail each published snapshot to all our members",
            "accent_colour": "Snapshot cover colour (optional)",
            "logo": "Logo on the snapshots' cover (optional)",
        }
        help_texts = {
            "coordinator_email": "Answers the portal's e-mails and the public's questions",
            "intro": "Shown on the network's public page",
            "update_due_days": "From 1 to 90",
            "peer_challenge_due_years": "From 1 to 10",
            "peer_challenge_overdue_years": "More years than the due threshold, up to 15",
            "share_workspace_with_national_board": "National board viewers then read the dashboard, plans, "
            "meetings and snapshot drafts. They always see your submitted annual reports and public pages, "
            "and never your evidence files",
            "email_snapshots_to_members": "Besides the subscribers. Each member can stop these e-mails from "
            "a link in each one",
        }
        widgets = {"intro": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bounds = {
            "update_due_days": (1, 90),
            "peer_challenge_due_years": (1, 10),
            "peer_challenge_overdue_years": (2, 15),
        }
        for name, (low, high) in bounds.items():
            field = self.fields[name]
            field.min_value, field.max_value = low, high
            field.validators += [MinValueValidator(low), MaxValueValidator(high)]
            field.error_messages.update(
                {
                    "required": f"Enter the {str(field.label)[0].lower()}{str(field.label)[1:]}",
                    "invalid": "Enter a whole number",
                    "min_value": f"Enter a number from {low} to {high}",
                    "max_value": f"Enter a number from {low} to {high}",
                }
            )
            field.widget.attrs.update({"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"})
        self.fields["coordinator_email"].error_messages["invalid"] = (
            "Enter an e-mail address in the correct format, like sli@example.org"
        )
        self.fields["logo"].error_messages["invalid_image"] = "The logo must be a PNG or JPEG image"
        self.helper = govuk_form_helper("Save settings")

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "read") and "logo" in self.changed_data:
            head = logo.read(16)
            logo.seek(0)
            if image_kind(head) is None:
                raise ValidationError("The logo must be a PNG or JPEG image")
        return logo
