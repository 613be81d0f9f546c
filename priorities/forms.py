"""Forms of the priorities pages. They validate input; the rules live in services.py."""

from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from sli_portal.core.forms import GovUKDateField, SingleLineTextMixin, example_date
from sli_portal.core.quarters import Quarter

from .evidence import ALLOWED, validate_evidence_file
from .models import Handover, KeyObjective, MeetingAction, PriorityArea, Project, QuarterlyMeeting, QuarterlyUpdate


class GovUKFormMixin(SingleLineTextMixin):
    """crispy-forms-gds renders the fields; the template writes the <form> and buttons; text boxes
    hold one line."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses an id no database column can hold before it reaches the `pk__in` query.

    Django checks each id with an exact lookup (safe for huge numbers) but then queries them all
    with `__in`, where SQLite raises OverflowError on a number above 2**63: a 500, not a message.
    """

    def _check_values(self, value):
        for pk in value if isinstance(value, (list, tuple)) else []:
            text = str(pk).strip()
            if text.isascii() and text.lstrip("-").isdigit() and abs(int(text)) >= 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text}
                )
        return super()._check_values(value)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


class MembersChoiceField(SafeModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


class PriorityAreaForm(GovUKFormMixin, forms.ModelForm):
    lead = MemberChoiceField(queryset=None, required=False, label="DPH lead")
    deputy_lead = MemberChoiceField(queryset=None, required=False, label="Deputy lead (optional)")

    class Meta:
        model = PriorityArea
        fields = ["number", "title", "description", "lead", "deputy_lead"]
        error_messages = {
            "number": {"required": "Enter the priority number"},
            "title": {"required": "Enter the title of the priority area"},
        }

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = members
        self.fields["deputy_lead"].queryset = members
        self.fields["number"].widget.attrs["class"] = "govuk-input govuk-input--width-3"

    def clean_number(self):
        # `plan` is not on the form, so Django's own check of the unique number would be skipped.
        number = self.cleaned_data["number"]
        clash = PriorityArea.objects.filter(plan_id=self.instance.plan_id, number=number).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"Priority {number} already exists in this plan: enter another number")
        return number


class KeyObjectiveForm(GovUKFormMixin, forms.ModelForm):
    target_date = GovUKDateField(label="Target date", required=False, help_text=example_date(days=365))

    class Meta:
        model = KeyObjective
        fields = ["priority_area", "number", "title", "description", "target_date"]
        error_messages = {
            "priority_area": {"required": "Select the priority area"},
            "number": {"required": "Enter the key objective's number"},
            "title": {"required": "Enter the title of the key objective"},
        }

    def __init__(self, *args, plan, may_number: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority_area"].queryset = PriorityArea.objects.filter(plan=plan).order_by("number")
        self.fields["priority_area"].empty_label = None
        if may_number:
            self.fields["number"].required = False
            self.fields["number"].help_text = "Numbers run across the whole plan. Leave empty for the next free number"
            self.fields["number"].widget.attrs["class"] = "govuk-input govuk-input--width-3"
        else:
            # Only the coordinator numbers objectives; a proposal takes the next free number.
            del self.fields["number"]
            if self.instance.pk:
                self.fields["priority_area"].disabled = True


class SignOffForm(GovUKFormMixin, forms.Form):
    decided_on = GovUKDateField(
        label="Date of the network's decision",
        help_text=example_date("The day the network agreed it, for example {}", days=-7),
        error_messages={"required": "Enter the date of the network's decision"},
    )
    forum = forms.CharField(
        label="Where the network decided",
        max_length=200,
        help_text="For example, SW ADPH network meeting",
        error_messages={"required": "Enter where the network decided"},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the conditions the network set",
    )

    def clean_decided_on(self):
        decided_on = self.cleaned_data["decided_on"]
        if decided_on > timezone.localdate():
            raise forms.ValidationError("The date of the network's decision must be today or in the past")
        return decided_on


class MoveObjectiveForm(GovUKFormMixin, forms.Form):
    objective = forms.ModelChoiceField(
        queryset=None, label="Key objective", error_messages={"required": "Select the key objective to move"}
    )
    number = forms.IntegerField(
        label="New number",
        min_value=1,
        max_value=999,
        error_messages={
            "required": "Enter the new number",
            "invalid": "Enter the new number as a whole number, like 4",
            "min_value": "Enter a number of 1 or more",
            "max_value": "Enter a number of 999 or less",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = KeyObjective.objects.filter(plan=plan).order_by("number")
        self.fields["objective"].empty_label = "Select a key objective"


class QuarterlyUpdateForm(GovUKFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = QuarterlyUpdate
        fields = ["rag_status", "progress", "achievements", "risks_and_issues", "next_steps"]
        widgets = {
            "rag_status": forms.RadioSelect,
            "progress": forms.Textarea(attrs={"rows": 6}),
            "achievements": forms.Textarea(attrs={"rows": 4}),
            "risks_and_issues": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"rag_status": "RAG status", "progress": "Progress this quarter"}
        help_texts = {
            "progress": "What happened this quarter against the key objective. Needed to submit",
            "achievements": "What the snapshot can celebrate. Leave empty if nothing yet",
        }
        error_messages = {"rag_status": {"required": "Select the RAG status"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rag_status"].choices = QuarterlyUpdate.Rag.choices
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0

    def _post_clean(self):
        # The service validates and writes with its own version check; the form's instance is
        # only the display copy, so skip the model validation of the unsaved instance.
        pass


class EvidenceForm(GovUKFormMixin, forms.Form):
    """Optional: one link or file added with the update."""

    title = forms.CharField(
        label="Evidence title",
        max_length=200,
        required=False,
        help_text="Needed when you add a link or a file, for example “Regional summary of the self-assessments”",
    )
    link = forms.URLField(
        label="Link",
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "govuk-input"}),
        error_messages={"invalid": "Enter a web address, like https://www.example.org/report"},
    )
    file = forms.FileField(
        label="Or upload a file",
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload"}),
        help_text=f"{ALLOWED}, up to 10 MB",
        validators=[validate_evidence_file],
        error_messages={"empty": "The selected file is empty", "invalid": "Choose the file again"},
    )

    def clean(self):
        data = super().clean()
        title, link, file = data.get("title"), data.get("link"), data.get("file")
        if self.errors:
            return data
        if (link or file) and not title:
            self.add_error("title", "Enter a title for the evidence")
        if title and not (link or file):
            self.add_error("link", "Enter a link or choose a file")
        if link and file:
            self.add_error("file", "Add a link or a file, not both")
        return data

    @property
    def has_evidence(self) -> bool:
        return bool(self.cleaned_data.get("title"))


def _time_field(label: str, required: bool) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input govuk-input--width-5"}),
        help_text="24-hour clock, for example 14:30",
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as a time like 14:30",
        },
    )


class QuarterlyMeetingForm(GovUKFormMixin, forms.ModelForm):
    quarter = forms.TypedChoiceField(label="Quarter", coerce=int, error_messages={"required": "Select the quarter"})
    date = GovUKDateField(
        label="Date of the meeting",
        help_text=example_date(days=28),
        error_messages={"required": "Enter the date of the meeting"},
    )
    start_time = _time_field("Start time", required=True)
    end_time = _time_field("End time", required=False)
    attendees = MembersChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="Attendees from the network"
    )

    class Meta:
        model = QuarterlyMeeting
        fields = ["priority_area", "quarter", "location", "attendees", "other_attendees", "notes", "decisions"]
        widgets = {
            "other_attendees": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 6}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {"priority_area": {"required": "Select the priority area"}}

    field_order = ["priority_area", "quarter", "date", "start_time", "end_time", "location"]

    def __init__(self, *args, priority_areas, members, quarters: list[Quarter], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority_area"].queryset = priority_areas
        self.fields["priority_area"].empty_label = None
        self.fields["quarter"].choices = [(q.code, q.label) for q in quarters]
        self.fields["attendees"].queryset = members
        if self.instance.pk:
            local_start = timezone.localtime(self.instance.starts_at)
            self.initial.update(
                quarter=self.instance.quarter.code,
                date=local_start.date(),
                start_time=local_start.time(),
                end_time=timezone.localtime(self.instance.ends_at).time() if self.instance.ends_at else None,
            )

    def clean(self):
        data = super().clean()
        date, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The end time must be after the start time")
            end = None
        if date and start:
            zone = timezone.get_current_timezone()
            self.instance.starts_at = datetime.datetime.combine(date, start, tzinfo=zone)
            self.instance.ends_at = datetime.datetime.combine(date, end, tzinfo=zone) if end else None
        if data.get("quarter"):
            data["quarter"] = Quarter.from_code(data["quarter"])
            area = data.get("priority_area")
            clash = QuarterlyMeeting.objects.filter(priority_area=area, quarter=data["quarter"])
            if area and clash.exclude(pk=self.instance.pk).exists():
                self.add_error("quarter", f"Priority {area.number} already has a meeting in {data['quarter']}")
        return data


class MeetingActionForm(GovUKFormMixin, forms.ModelForm):
    owner = MemberChoiceField(queryset=None, required=False, label="Owner")
    due_date = GovUKDateField(label="Due date", required=False, help_text=example_date(days=42))

    class Meta:
        model = MeetingAction
        fields = ["description", "owner", "owner_name", "due_date"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        labels = {"description": "Action", "owner_name": "Or the owner's name, if they have no account"}
        help_texts = {"owner_name": ""}
        error_messages = {"description": {"required": "Enter the action"}}

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members
        self.fields["owner"].empty_label = "Nobody with an account"


class ProjectForm(GovUKFormMixin, forms.ModelForm):
    badged_on = GovUKDateField(
        label="Badged as SLI on",
        help_text=example_date(days=-30, day_of_month=1),
        error_messages={"required": "Enter the date the project was badged as SLI"},
    )

    class Meta:
        model = Project
        fields = ["title", "description", "status", "badged_on", "link", "councils", "key_objectives"]
        widgets = {
            "status": forms.RadioSelect,
            "councils": forms.CheckboxSelectMultiple,
            "key_objectives": forms.CheckboxSelectMultiple,
            "link": forms.URLInput(attrs={"class": "govuk-input"}),
        }
        field_classes = {"councils": SafeModelMultipleChoiceField, "key_objectives": SafeModelMultipleChoiceField}
        labels = {"councils": "Councils involved", "key_objectives": "Key objectives it supports"}
        error_messages = {
            "title": {"required": "Enter the project's title"},
            "status": {"required": "Select the status"},
            "link": {"invalid": "Enter a web address, like https://www.example.org/project"},
        }

    def __init__(self, *args, councils, key_objectives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["councils"].queryset = councils
        self.fields["key_objectives"].queryset = key_objectives
        self.fields["status"].choices = Project.Status.choices
        self.fields["link"].assume_scheme = "https"


class HandoverForm(GovUKFormMixin, forms.Form):
    """Hand a priority area's DPH lead or deputy role to someone else from a date."""

    role = forms.ChoiceField(
        label="Which role",
        choices=Handover.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the role to hand over"},
    )
    to_user = MemberChoiceField(
        queryset=None,
        label="Hand it to",
        error_messages={"required": "Select who takes the role", "invalid_choice": "Select someone from the list"},
    )
    starts_on = GovUKDateField(label="From", help_text=example_date(days=0))
    interim = forms.BooleanField(
        label="As interim", required=False, help_text="Shown as “(interim)” beside their name on every page"
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = members
        self.fields["starts_on"].error_messages["required"] = "Enter the date the handover starts"
