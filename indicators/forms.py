"""Forms of the indicator catalogue, the upload of Fingertips exports and the links to the plan.
They validate input; the rules live in importer.py and services.py."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError

from sli_portal.core.forms import SingleLineTextMixin, govuk_form_helper

from .fingertips import FingertipsClient, FingertipsError
from .models import Indicator, IndicatorLink

# Under the proxy's request limit (deploy/nginx: 13 MB); an indicator's export for every council
# in England over ten years is about 3 MB.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class FingertipsUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a Fingertips export",
        help_text="The “all data” CSV file exported from Fingertips, up to 10 MB",
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_form_helper("Upload and import")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError("The selected file must be a CSV file")
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("The selected file must be smaller than 10 MB")
        return upload


class IndicatorForm(SingleLineTextMixin, forms.ModelForm):
    """An indicator's metadata; the Fingertips ID only when it is added."""

    class Meta:
        model = Indicator
        fields = ["fingertips_id", "name", "unit", "polarity", "profile", "area_type_id"]
        labels = {
            "fingertips_id": "Fingertips indicator ID",
            "area_type_id": "Fingertips area type ID of the councils",
        }
        help_texts = {
            "fingertips_id": "The number in the indicator’s Fingertips address or definitions, for example 92443",
            "area_type_id": "502 for counties and unitary authorities from April 2023; 402 before",
        }
        error_messages = {
            "fingertips_id": {
                "required": "Enter the Fingertips indicator ID",
                "invalid": "Enter the Fingertips indicator ID as a number, like 92443",
                "unique": "This indicator is already in the catalogue",
            },
            "name": {"required": "Enter the name of the indicator"},
            "area_type_id": {
                "required": "Enter the Fingertips area type ID",
                "invalid": "Enter the area type ID as a number, like 502",
            },
        }

    def __init__(self, *args, adding: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.adding = adding
        if adding:
            self.fields["name"].required = False
            self.fields[
                "name"
            ].help_text = "Leave the name empty to fill it, with the unit and polarity, from Fingertips"
        else:
            del self.fields["fingertips_id"]
        self.helper = govuk_form_helper("Add indicator" if adding else "Save indicator")

    def clean_fingertips_id(self):
        fingertips_id = self.cleaned_data["fingertips_id"]
        if fingertips_id == 0:
            raise ValidationError("Enter the Fingertips indicator ID as a number, like 92443")
        return fingertips_id

    def clean(self):
        cleaned = super().clean()
        if self.adding and not cleaned.get("name") and cleaned.get("fingertips_id") and not self.errors:
            try:
                metadata = FingertipsClient().indicator_metadata(cleaned["fingertips_id"])
            except FingertipsError as error:
                self.add_error(
                    "name",
                    f"The name could not be read from Fingertips ({error}): enter the name, unit and polarity",
                )
            else:
                cleaned["name"] = metadata.name
                cleaned["unit"] = cleaned.get("unit") or metadata.unit
                if cleaned.get("polarity") in (None, "", Indicator.Polarity.NEITHER):
                    cleaned["polarity"] = metadata.polarity
        return cleaned


TARGET_HELP = "Optional. For example: below England by 2027"


class _GovUKForm(SingleLineTextMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, indicator: Indicator) -> str:
        return f"{indicator.name} (Fingertips ID {indicator.fingertips_id})"


class LinkIndicatorForm(_GovUKForm):
    """Choose an indicator of the catalogue, by name or Fingertips ID, and give a target."""

    indicator = IndicatorChoiceField(
        queryset=Indicator.objects.order_by("name", "fingertips_id"),
        label="Indicator",
        help_text="The indicators of the portal's catalogue, by name, with their Fingertips ID",
        empty_label="Select an indicator",
        error_messages={
            "required": "Select an indicator",
            "invalid_choice": "Select an indicator from the list",
        },
    )
    target = forms.CharField(
        label="Target",
        required=False,
        max_length=IndicatorLink._meta.get_field("target").max_length,
        help_text=TARGET_HELP,
        error_messages={"max_length": "The target must be 200 characters or fewer"},
    )

    def __init__(self, *args, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        search = search.strip()
        if search and not self.is_bound:
            # Narrow the list to what the coordinator typed: a Fingertips ID or words of the name.
            field = self.fields["indicator"]
            if search.isascii() and search.isdigit():
                # A number too large for the column matches nothing rather than overflowing.
                by_id = int(search) < 2**31
                field.queryset = field.queryset.filter(fingertips_id=int(search)) if by_id else field.queryset.none()
            else:
                field.queryset = field.queryset.filter(name__icontains=search)


class LinkTargetForm(_GovUKForm):
    target = forms.CharField(
        label="Target",
        required=False,
        max_length=IndicatorLink._meta.get_field("target").max_length,
        help_text=TARGET_HELP,
        error_messages={"max_length": "The target must be 200 characters or fewer"},
    )
