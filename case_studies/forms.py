"""Forms of the case-study pages. They validate input; the rules live in services.py."""

from __future__ import annotations

from django import forms

from priorities.evidence import ALLOWED, validate_evidence_file
from priorities.forms import GovUKFormMixin, SafeModelMultipleChoiceField
from sli_portal.core.forms import SingleLineTextMixin

from .models import CaseStudy, Topic


class ObjectiveChoiceField(SafeModelMultipleChoiceField):
    def label_from_instance(self, objective) -> str:
        return f"{objective.plan.title}: Key Objective {objective.number}, {objective.title}"


class CaseStudyForm(GovUKFormMixin, forms.ModelForm):
    """The case study's text and links; the choices are the region's own, so another region's
    council, project or objective is refused as not on the list."""

    class Meta:
        model = CaseStudy
        fields = [
            "title",
            "summary",
            "problem",
            "what_was_done",
            "impact",
            "contact",
            "topics",
            "councils",
            "project",
            "objectives",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "problem": forms.Textarea(attrs={"rows": 6}),
            "what_was_done": forms.Textarea(attrs={"rows": 8}),
            "impact": forms.Textarea(attrs={"rows": 6}),
            "topics": forms.CheckboxSelectMultiple,
            "councils": forms.CheckboxSelectMultiple,
            "objectives": forms.CheckboxSelectMultiple,
        }
        field_classes = {
            "topics": SafeModelMultipleChoiceField,
            "councils": SafeModelMultipleChoiceField,
            "objectives": ObjectiveChoiceField,
        }
        labels = {
            "problem": "The problem",
            "what_was_done": "What was done",
            "impact": "Impact and evidence",
            "councils": "Councils involved (optional)",
            "project": "The SLI project it came from (optional)",
            "objectives": "Key objectives it supports (optional)",
        }
        help_texts = {
            "problem": "What needed to change, for whom, and why it mattered",
            "what_was_done": "Who did what, with which partners, and over what time",
            "impact": "What changed and how you know: figures, evaluations, feedback",
            "contact": "A name and an e-mail address, for example Sam Lee, sam.lee@council.example.org",
        }
        error_messages = {
            "title": {"required": "Enter the title of the case study"},
            "summary": {"required": "Enter a summary of the case study"},
            "problem": {"required": "Enter the problem the work addressed"},
            "what_was_done": {"required": "Enter what was done"},
            "impact": {"required": "Enter the impact and the evidence for it"},
            "contact": {"required": "Enter who to contact about the case study"},
            "topics": {"required": "Select at least one topic", "invalid_choice": "Select topics from the list"},
            "councils": {"invalid_choice": "Select councils of the region"},
            "project": {"invalid_choice": "Select a project of the region"},
            "objectives": {"invalid_choice": "Select key objectives of the region's plans"},
        }

    def __init__(self, *args, councils, projects, objectives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Topic.objects.order_by("name")
        self.fields["councils"].queryset = councils
        self.fields["project"].queryset = projects
        self.fields["project"].empty_label = "None"
        self.fields["objectives"].queryset = objectives


class AttachmentForm(GovUKFormMixin, forms.Form):
    """Optional: one file added with the case study, checked like evidence."""

    title = forms.CharField(
        label="Attachment title",
        max_length=200,
        required=False,
        help_text="Needed when you add a file, for example “Evaluation report”",
    )
    file = forms.FileField(
        label="Attach a file (optional)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload"}),
        help_text=f"{ALLOWED}, up to 10 MB. Anyone can download it once the case study is published",
        validators=[validate_evidence_file],
        error_messages={"empty": "The selected file is empty", "invalid": "Choose the file again"},
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("file") and not data.get("title"):
            self.add_error("title", "Enter a title for the attachment")
        if data.get("title") and not data.get("file"):
            self.add_error("file", "Choose a file to attach")
        return data

    @property
    def has_attachment(self) -> bool:
        return bool(self.cleaned_data.get("file"))


class CaseStudyFilterForm(SingleLineTextMixin, forms.Form):
    """The public list's filters, by slug and ONS code so the addresses read well."""

    topic = forms.ModelChoiceField(
        queryset=Topic.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="All topics",
        error_messages={"invalid_choice": "Select a topic from the list"},
    )
    region = forms.ModelChoiceField(
        queryset=None,
        to_field_name="slug",
        required=False,
        empty_label="All regions",
        error_messages={"invalid_choice": "Select a region from the list"},
    )
    council = forms.ModelChoiceField(
        queryset=None,
        to_field_name="gss_code",
        required=False,
        empty_label="All councils",
        error_messages={"invalid_choice": "Select a council from the list"},
    )

    def __init__(self, *args, regions, councils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["council"].queryset = councils
        for field in self.fields.values():
            # Read once: the template's loop would count, then read, each list again. Validation
            # still looks the chosen value up in the queryset.
            field.choices = [choice for choice in field.choices]  # noqa: C416 - list() would count first


class SearchForm(SingleLineTextMixin, forms.Form):
    q = forms.CharField(
        label="Search case studies",
        max_length=200,
        required=False,
        error_messages={"max_length": "Enter 200 characters or fewer"},
    )
