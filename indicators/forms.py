"""Forms of the indicator links. They validate input; the rules live in services.py."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms

from sli_portal.core.forms import SingleLineTextMixin

from .models import Indicator, IndicatorLink

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
