"""Form parts every app shares: the GOV.UK date input and the sign-in form's wording.

crispy-forms-gds renders a DateField as one text box. GovUKDateField asks for the day, month and
year in three boxes, as the GOV.UK Design System does, and answers in its words: "Enter the
start date", "Start date must include a month", "Start date must be a real date", "Year must
include 4 numbers".
"""

from __future__ import annotations

import datetime

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.functional import lazy

DAY, MONTH, YEAR = 0, 1, 2
WHOLE_DATE = frozenset({DAY, MONTH, YEAR})
PART_NAMES = ("day", "month", "year")

_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# GOV.UK asks services to accept months written as words, in full or abbreviated.
MONTH_NUMBERS = {
    **{name: number for number, name in enumerate(_MONTHS, start=1)},
    **{name[:3]: number for number, name in enumerate(_MONTHS, start=1)},
    "sept": 9,
}


def _is_number(text: str) -> bool:
    # str.isdigit() alone accepts "²" and other digits int() refuses.
    return text.isascii() and text.isdigit()


def _mid_sentence(label: str) -> str:
    """ "Start date" → "start date", but "DPH sign-off date" keeps its acronym."""
    first_word = label.split(" ", 1)[0]
    if len(first_word) > 1 and first_word.isupper():
        return label
    return label[:1].lower() + label[1:]


class _DateProblem(Exception):
    """Why three boxes do not make a date, and which boxes to highlight."""

    def __init__(self, code: str, parts, **params):
        super().__init__(code)
        self.code, self.parts, self.params = code, frozenset(parts), params


def _parse_date_parts(day: str, month: str, year: str) -> datetime.date:
    """Read the three boxes, in the order of priority GOV.UK gives its date errors.

    Highlight one box when the fault is clearly there, the whole date otherwise.
    """
    missing = [index for index, text in enumerate((day, month, year)) if not text]
    if missing:
        names = " and ".join(PART_NAMES[index] for index in missing)
        raise _DateProblem("incomplete", missing if len(missing) == 1 else WHOLE_DATE, missing=names)
    if _is_number(year) and len(year) != 4:
        raise _DateProblem("year_digits", {YEAR})
    wrong = set()
    day_number = int(day) if _is_number(day) else 0
    if not 1 <= day_number <= 31:
        wrong.add(DAY)
    month_number = int(month) if _is_number(month) else MONTH_NUMBERS.get(month.lower(), 0)
    if not 1 <= month_number <= 12:
        wrong.add(MONTH)
    year_number = int(year) if _is_number(year) else 0
    if year_number < 1:
        wrong.add(YEAR)
    if wrong:
        raise _DateProblem("invalid", wrong)
    try:
        return datetime.date(year_number, month_number, day_number)
    except ValueError:
        # 31 February: the day or the month is wrong, and only the user knows which.
        raise _DateProblem("invalid", WHOLE_DATE) from None


class GovUKDateInput(forms.MultiWidget):
    """Day, month and year boxes with the GOV.UK date-input markup.

    The markup is crispy-forms-gds's own date template: its app is installed, so every form
    renderer finds it. That template reads each box's label from a "label" attribute.
    """

    template_name = "gds/widgets/date.html"

    def __init__(self, attrs=None):
        boxes = [
            forms.TextInput(
                attrs={
                    "class": f"govuk-input govuk-date-input__input govuk-input--width-{width}",
                    "inputmode": "numeric",
                    "label": label,
                }
            )
            for label, width in (("Day", 2), ("Month", 2), ("Year", 4))
        ]
        super().__init__(boxes, attrs)
        # Set by GovUKDateField.clean: the boxes the error message is about.
        self.invalid_parts: frozenset[int] = frozenset()

    def decompress(self, value):
        if isinstance(value, str) and value:
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def use_required_attribute(self, initial) -> bool:
        # The browser's own "Please fill in this field" would pre-empt the GOV.UK messages.
        return False

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for index, box in enumerate(context["widget"]["subwidgets"]):
            box_attrs = box["attrs"]
            # crispy-forms-gds appends to the boxes' aria-describedby on every render.
            described_by = " ".join(dict.fromkeys(box_attrs.pop("aria-describedby", "").split()))
            if described_by:
                box_attrs["aria-describedby"] = described_by
            if self.invalid_parts:
                # Only the boxes the message is about are marked, not all three.
                classes = [css for css in box_attrs.get("class", "").split() if css != "govuk-input--error"]
                box_attrs.pop("aria-invalid", None)
                if index in self.invalid_parts:
                    classes.append("govuk-input--error")
                    box_attrs["aria-invalid"] = "true"
                box_attrs["class"] = " ".join(classes)
        return context


class GovUKDateBoundField(BoundField):
    def as_field_group(self):
        # Plain `{{ form }}` renders each field through as_field_group; give the date the same
        # GOV.UK fieldset, legend, hint and error message as `{% crispy form %}` does.
        return as_crispy_field(self, template_pack="gds")


def _example_date(text: str, days: int, day_of_month: int | None, month: int | None) -> str:
    day = timezone.localdate() + datetime.timedelta(days=days)
    if month is not None:
        later = day.replace(month=month, day=day_of_month or 1)
        day = later if later >= day else later.replace(year=later.year + 1)
    elif day_of_month is not None:
        day = day.replace(day=day_of_month)
    return text.format(f"{day.day} {day.month} {day.year}")


def example_date(
    text: str = "For example, {}", *, days: int = 0, day_of_month: int | None = None, month: int | None = None
):
    """A date hint worked out when the page is shown (GOV.UK's date pattern: "For example,
    27 3 2027"), `days` from today, or the first `day_of_month` of `month` after that; so it
    never offers a stale year."""
    return lazy(_example_date, str)(text, days, day_of_month, month)


class GovUKDateField(forms.MultiValueField):
    """A date entered as day, month and year, cleaned to a datetime.date.

    Messages take the field's label: pass `label="Start date"` (a ModelForm uses the model
    field's verbose name). Override any of them with `error_messages`, e.g.
    `{"required": "Enter the date of the visit"}`; placeholders: %(label)s, %(label_mid)s
    (the label as written mid-sentence) and, for "incomplete", %(missing)s.
    """

    widget = GovUKDateInput
    bound_field_class = GovUKDateBoundField
    default_error_messages = {
        "required": "Enter %(label_mid)s",
        "incomplete": "%(label)s must include a %(missing)s",
        "invalid": "%(label)s must be a real date",
        "year_digits": "Year must include 4 numbers",
    }

    def __init__(self, **kwargs):
        # The boxes are plain text: this field, not each box, decides what is missing or wrong.
        boxes = [forms.CharField(required=False) for _ in PART_NAMES]
        super().__init__(fields=boxes, require_all_fields=False, **kwargs)
        self.message_label = str(self.label) if self.label else "Date"

    def get_bound_field(self, form, field_name):
        if not self.label:
            self.message_label = pretty_name(field_name)
        return super().get_bound_field(form, field_name)

    def _parts(self, value) -> tuple[str, str, str]:
        if not isinstance(value, (list, tuple)):
            value = self.widget.decompress(value)
        value = [("" if part is None else str(part).strip()) for part in value]
        return tuple((value + ["", "", ""])[:3])

    def clean(self, value):
        self.widget.invalid_parts = frozenset()
        for box in self.fields:
            # crispy-forms-gds reads a box's errors from here: they decide which box the error
            # summary links to.
            box.widget.errors = []
        parts = self._parts(value)
        if not any(parts):
            if self.required:
                raise self._error(_DateProblem("required", WHOLE_DATE))
            return None
        try:
            date = self.compress(parts)
        except _DateProblem as problem:
            raise self._error(problem) from None
        self.run_validators(date)
        return date

    def compress(self, data_list):
        if not any(data_list):
            return None
        return _parse_date_parts(*data_list)

    def _error(self, problem: _DateProblem) -> ValidationError:
        params = {"label": self.message_label, "label_mid": _mid_sentence(self.message_label), **problem.params}
        error = ValidationError(self.error_messages[problem.code], code=problem.code, params=params)
        self.widget.invalid_parts = problem.parts
        self.fields[min(problem.parts)].widget.errors = list(error.messages)
        return error

    def has_changed(self, initial, data) -> bool:
        if self.disabled:
            return False
        initial_parts, data_parts = self._parts(initial), self._parts(data)
        try:
            before = self.compress(initial_parts)
            after = self.compress(data_parts)
        except _DateProblem:
            return True
        return before != after


class LoginForm(AuthenticationForm):
    """Django's sign-in form with messages in the GOV.UK style."""

    error_messages = {
        "invalid_login": "Enter a correct e-mail address or username, and password. The password is case-sensitive",
        "inactive": "This account has been closed. Contact your SLI coordinator",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "E-mail address or username"
        self.fields["username"].error_messages["required"] = "Enter your e-mail address or username"
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["username"].widget.attrs["spellcheck"] = "false"
        self.fields["password"].error_messages["required"] = "Enter your password"
        # No autofocus: the first Tab must reach the skip link, as on every other page.
        self.fields["username"].widget.attrs.pop("autofocus", None)


class ChangePasswordForm(PasswordChangeForm):
    """Django's password change (its validators kept) in the GOV.UK words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Your current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].label = "Confirm the new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": "Your current password is not right: enter it again",
            "password_mismatch": "The two new passwords are not the same",
        }


def govuk_form_helper(button: str, *, warning: bool = False) -> FormHelper:
    """The portal's crispy-forms-gds helper: small labels and legends, one submit button (a red
    warning button for what ends something)."""
    helper = FormHelper()
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.add_input(
        Submit("submit", button, css_class="govuk-button--warning") if warning else Submit("submit", button)
    )
    return helper


# Every character that starts a new line somewhere: in an e-mail header, a CSV cell, a PDF title.
LINE_BREAKS = frozenset("\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def _line_break_validator(label: str):
    def reject_line_breaks(value) -> None:
        if isinstance(value, str) and LINE_BREAKS.intersection(value):
            raise ValidationError(f"{label} must be on one line", code="line_break")

    return reject_line_breaks


class SingleLineTextMixin:
    """A text box holds one line: every text field that is not a textarea refuses line breaks.

    A title or a name with a line break in it would end up in an e-mail subject (where Django
    refuses it), a CSV cell or a PDF's metadata. Every form of the portal with a text box uses
    this mixin; a test walks the forms to keep it so.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.Textarea):
                label = str(field.label or pretty_name(name))
                # Each form instance has its own deep copy of the field and of its validators.
                field.validators.append(_line_break_validator(label))


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one, else
    above the form (the error summary lists both)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
