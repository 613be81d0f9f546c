"""Forms of the peer-challenge pages: they validate input, the services apply the rules."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.forms.models import fields_for_model

from programmes.models import LocalAuthority, Region
from sli_portal.core.forms import GovUKDateField, SingleLineTextMixin, govuk_form_helper

from . import services
from .models import (
    Peer,
    PeerChallenge,
    PeerChallengeSettings,
    PeerTeamMember,
    Prompt,
    Recommendation,
    RecommendationTheme,
)

DATE_FIELDS = {
    field.name: GovUKDateField for field in PeerChallenge._meta.concrete_fields if isinstance(field, models.DateField)
}

RECORD_FIELDS = [
    "local_authority",
    "kind",
    "requested_on",
    "public_health_in_scope",
    "peers_offered",
    "scoping_date",
    "position_statement_received_on",
    "onsite_start",
    "onsite_end",
    "feedback_date",
    "report_published_on",
    "report_url",
    "action_plan_published_on",
    "action_plan_url",
    "progress_review_date",
    "progress_review_report_published_on",
    "progress_review_report_url",
    "notes",
]


class PeerChallengeForm(SingleLineTextMixin, forms.ModelForm):
    """The challenge's record: council, kind, dates and links. The stage moves elsewhere."""

    class Meta:
        model = PeerChallenge
        fields = RECORD_FIELDS
        field_classes = {name: cls for name, cls in DATE_FIELDS.items() if name in RECORD_FIELDS}
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "local_authority": {"required": "Select the council", "invalid_choice": "Select a council of the region"},
            "kind": {"required": "Select the kind of peer challenge"},
            "report_url": {"invalid": "Enter the report link as a web address, like https://www.example.org"},
            "action_plan_url": {"invalid": "Enter the action plan link as a web address, like https://www.example.org"},
            "progress_review_report_url": {
                "invalid": "Enter the progress review report link as a web address, like https://www.example.org"
            },
        }

    def __init__(self, *args, region: Region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].queryset = LocalAuthority.objects.filter(region=region, active=True)
        self.fields["local_authority"].label = "Council"
        self.fields["local_authority"].empty_label = "Select the council"
        in_scope = forms.NullBooleanSelect()
        in_scope.choices = [("unknown", "Not known yet"), ("true", "Yes"), ("false", "No")]
        self.fields["public_health_in_scope"].widget = in_scope
        peers = self.fields["peers_offered"]
        peers.queryset = Peer.objects.filter(region=region, active=True)
        peers.widget = forms.CheckboxSelectMultiple()
        peers.widget.choices = peers.choices
        peers.label = "Peers the network offered (optional)"
        peers.help_text = "From the region's pool of peers"
        self.helper = govuk_form_helper("Save peer challenge")


class StageForm(SingleLineTextMixin, forms.Form):
    """The dates and links a challenge records as it enters `stage`."""

    def __init__(self, *args, stage: str, challenge: PeerChallenge, **kwargs):
        names = services.STAGE_FIELDS.get(stage, [])
        initial = {name: getattr(challenge, name) for name in names}
        super().__init__(*args, initial=initial, **kwargs)
        required = dict(services.STAGE_REQUIREMENTS.get(stage, []))
        fields = fields_for_model(PeerChallenge, fields=names, field_classes=DATE_FIELDS)
        for name in names:
            field = fields[name]
            field.required = name in required
            if name in required:
                field.error_messages["required"] = required[name]
            if isinstance(field, forms.URLField):
                field.error_messages["invalid"] = "Enter the link as a web address, like https://www.example.org"
            self.fields[name] = field
        self.helper = govuk_form_helper(f"Move to “{PeerChallenge.Stage(stage).label}”")


class ReasonForm(SingleLineTextMixin, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason"},
        max_length=2000,
    )


class CancelForm(ReasonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "Why is the challenge cancelled?"
        self.fields["reason"].error_messages["required"] = "Enter why the challenge is cancelled"
        self.helper = govuk_form_helper("Cancel the challenge", warning=True)


class PostponeForm(ReasonForm):
    new_onsite_start = GovUKDateField(
        label="New start of the on-site visit", error_messages={"required": "Enter the new start of the on-site visit"}
    )
    new_onsite_end = GovUKDateField(label="New end of the on-site visit", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "Why is the challenge postponed?"
        self.fields["reason"].error_messages["required"] = "Enter why the challenge is postponed"
        self.helper = govuk_form_helper("Postpone the challenge")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("new_onsite_start"), cleaned.get("new_onsite_end")
        if start and end and end < start:
            self.add_error("new_onsite_end", "The on-site visit must end on or after the day it starts")
        return cleaned


class PeerTeamMemberForm(SingleLineTextMixin, forms.ModelForm):
    class Meta:
        model = PeerTeamMember
        fields = ["name", "role", "job_title", "home_council", "home_organisation", "political_party"]
        error_messages = {
            "name": {"required": "Enter the peer's name"},
            "role": {"required": "Select the peer's role"},
        }

    def __init__(self, *args, challenge: PeerChallenge, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.challenge = challenge
        # Any council of England may send a peer; the model refuses the challenged one.
        self.fields["home_council"].queryset = LocalAuthority.objects.filter(active=True).order_by("name")
        self.fields["home_council"].empty_label = "Not from a council of the list"
        self.helper = govuk_form_helper("Save peer")


class FocusAreasForm(SingleLineTextMixin, forms.Form):
    focus_areas = forms.CharField(
        label="Focus areas",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One focus area a line, as the council chose them at scoping",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_form_helper("Save focus areas")

    def clean_focus_areas(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["focus_areas"].splitlines() if line.strip()]
        for line in lines:
            if len(line) > 300:
                raise forms.ValidationError("Each focus area must be 300 characters or fewer")
        return lines


class RecommendationForm(SingleLineTextMixin, forms.ModelForm):
    themes = forms.MultipleChoiceField(
        label="Themes (optional)",
        required=False,
        choices=RecommendationTheme.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="What the recommendation is about, so the region sees what keeps coming up",
        error_messages={"invalid_choice": "Select themes from the list"},
    )

    class Meta:
        model = Recommendation
        fields = ["text", "council_response", "status", "themes"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "council_response": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"text": {"required": "Enter the recommendation"}, "status": {"required": "Select a status"}}

    def __init__(self, *args, challenge: PeerChallenge, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.challenge = challenge
        self.helper = govuk_form_helper("Save recommendation")


class PlanForm(SingleLineTextMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of peer challenge",
        choices=[(k.value, k.label) for k in PeerChallenge.LGA_KINDS],
        initial=PeerChallenge.Kind.CORPORATE,
        error_messages={"required": "Select the kind of peer challenge", "invalid_choice": "Select the kind"},
    )


class ScheduleFilterForm(SingleLineTextMixin, forms.Form):
    """Filters and order of the schedule; a value it does not know is ignored, never an error page."""

    SORTS = {
        "council": "Council",
        "status": "Status",
        "due": "Due date",
    }

    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *services.STATUS_LABELS.items()], label="Status"
    )
    kind = forms.ChoiceField(
        required=False,
        choices=[("", "Any kind"), *PeerChallenge.Kind.choices],
        label="Kind of last or booked challenge",
    )
    sort = forms.ChoiceField(required=False, choices=list(SORTS.items()), label="Sort by")

    def values(self) -> dict[str, str]:
        """The valid filters; invalid ones are dropped rather than failing the page."""
        self.is_valid()
        return {name: self.cleaned_data.get(name, "") for name in self.fields if name not in self.errors}


class TimetableForm(forms.ModelForm):
    """Which kinds count towards the 4–5 year cycle, and the sector challenges' timetable."""

    cycle_kinds = forms.MultipleChoiceField(
        label="Kinds that count towards the 4–5 year cycle",
        choices=PeerChallenge.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The LGA offers every council a corporate, finance or governance peer challenge every five years",
        error_messages={"required": "Select at least one kind", "invalid_choice": "Select kinds from the list"},
    )

    class Meta:
        model = PeerChallengeSettings
        fields = ["cycle_kinds", "sector_report_months", "sector_progress_review_months"]
        labels = {
            "sector_report_months": "Report expected within (months)",
            "sector_progress_review_months": "Progress review expected within (months, optional)",
        }
        help_texts = {
            "sector_report_months": "After the on-site visit's last day; from 1 to 12",
            "sector_progress_review_months": "Leave empty when a progress review is optional; from 1 to 24",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in {"sector_report_months": (1, 12), "sector_progress_review_months": (1, 24)}.items():
            field = self.fields[name]
            field.validators += [MinValueValidator(low), MaxValueValidator(high)]
            field.error_messages.update(
                {
                    "required": "Enter the number of months",
                    "invalid": "Enter a whole number of months",
                    "min_value": f"Enter a number from {low} to {high}",
                    "max_value": f"Enter a number from {low} to {high}",
                }
            )
            field.widget.attrs.update({"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"})
        self.helper = govuk_form_helper("Save the timetable")


class PromptForm(SingleLineTextMixin, forms.Form):
    """What the coordinator did to move a council towards its next peer challenge."""

    action = forms.ChoiceField(
        label="What did you do?",
        choices=Prompt.Action.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you did", "invalid_choice": "Select one of the options"},
    )
    prompted_on = GovUKDateField(label="When", error_messages={"required": "Enter the date"})
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_form_helper("Record the prompt")
        self.helper.form_tag = False


class LgaAdviserForm(SingleLineTextMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=150, error_messages={"required": "Enter the adviser's name"})
    email = forms.EmailField(
        label="E-mail address (optional)",
        required=False,
        error_messages={"invalid": "Enter an e-mail address in the correct format, like name@local.gov.uk"},
    )
    phone = forms.CharField(label="Telephone (optional)", max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_form_helper("Save the adviser")
        self.helper.form_tag = False


class PeerForm(SingleLineTextMixin, forms.ModelForm):
    available_from = GovUKDateField(label="Available from (optional)", required=False)
    available_until = GovUKDateField(label="Available until (optional)", required=False)

    class Meta:
        model = Peer
        fields = ["name", "kind", "home_council", "expertise", "available_from", "available_until", "active"]
        labels = {"kind": "Kind of peer", "home_council": "Council (optional)"}
        widgets = {"expertise": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": {"required": "Enter the peer's name"},
            "kind": {"required": "Select the kind of peer"},
            "home_council": {"invalid_choice": "Select a council of the region"},
        }

    def __init__(self, *args, region: Region, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.region = region
        self.fields["home_council"].queryset = LocalAuthority.objects.filter(region=region, active=True)
        self.fields["home_council"].empty_label = "None"
        self.helper = govuk_form_helper("Save the peer")
