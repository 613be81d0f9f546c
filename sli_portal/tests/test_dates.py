import datetime
from html.parser import HTMLParser

import pytest
from crispy_forms_gds.helper import FormHelper
from django import forms
from django.core.validators import MinValueValidator
from django.template import engines

from programmes.models import ActionPlan
from sli_portal.core.forms import GovUKDateField, GovUKDateInput


class PlanDatesForm(forms.Form):
    start_date = GovUKDateField(label="Start date", help_text="For example, 1 4 2024")
    review_date = GovUKDateField(label="Review date", required=False)


class HelperForm(PlanDatesForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class PlanModelForm(forms.ModelForm):
    start_date = GovUKDateField(label="Start date")

    class Meta:
        model = ActionPlan
        fields = ["start_date"]


def _data(day="", month="", year="", name="start_date"):
    return {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}


def _errors(form, name="start_date"):
    return [
        (error.code, message) for error, message in zip(form.errors.as_data()[name], form.errors[name], strict=True)
    ]


def _invalid_parts(form, name="start_date"):
    return set(form.fields[name].widget.invalid_parts)


class _Inputs(HTMLParser):
    """Every <input> of a page as a dict of its attributes, and the text of every <label>."""

    def __init__(self, html):
        super().__init__()
        self.inputs, self.labels, self._in_label = [], [], False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            self.inputs.append(dict(attrs))
        self._in_label = tag == "label"

    def handle_endtag(self, tag):
        if tag == "label":
            self._in_label = False

    def handle_data(self, data):
        if self._in_label and data.strip():
            self.labels.append(data.strip())

    def named(self, prefix):
        return [attrs for attrs in self.inputs if attrs.get("name", "").startswith(prefix)]


def _render(template, form):
    return engines["django"].from_string(template).render({"form": form})


CRISPY_TAG = "{% load crispy_forms_tags %}{% crispy form %}"
CRISPY_FILTER = "{% load crispy_forms_tags %}{{ form|crispy }}"
PLAIN = "{{ form }}"
ALL_WAYS = pytest.mark.parametrize(
    "template", [CRISPY_TAG, CRISPY_FILTER, PLAIN], ids=["crispy-tag", "filter", "plain"]
)


# Cleaning


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("5", "3", "2024", datetime.date(2024, 3, 5)),
        (" 05 ", "03", " 2024", datetime.date(2024, 3, 5)),
        ("29", "2", "2024", datetime.date(2024, 2, 29)),
        ("1", "Jan", "2025", datetime.date(2025, 1, 1)),
        ("1", "september", "2025", datetime.date(2025, 9, 1)),
        ("1", "SEPT", "2025", datetime.date(2025, 9, 1)),
    ],
)
def test_three_boxes_make_a_date(day, month, year, expected):
    form = PlanDatesForm(_data(day, month, year))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["start_date"] == expected


def test_empty_required_date_asks_to_enter_it_and_marks_all_boxes():
    form = PlanDatesForm(_data())

    assert _errors(form) == [("required", "Enter start date")]
    assert _invalid_parts(form) == {0, 1, 2}


def test_empty_optional_date_is_none():
    form = PlanDatesForm({**_data("1", "4", "2024"), **_data(name="review_date")})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["review_date"] is None


def test_missing_month_is_named_and_only_its_box_marked():
    form = PlanDatesForm(_data("5", "", "2024"))

    assert _errors(form) == [("incomplete", "Start date must include a month")]
    assert _invalid_parts(form) == {1}


def test_missing_day_and_month_are_named_together_and_the_whole_date_marked():
    form = PlanDatesForm(_data("", "", "2024"))

    assert _errors(form) == [("incomplete", "Start date must include a day and month")]
    assert _invalid_parts(form) == {0, 1, 2}


def test_missing_year_is_named():
    form = PlanDatesForm(_data("5", "3", ""))

    assert _errors(form) == [("incomplete", "Start date must include a year")]
    assert _invalid_parts(form) == {2}


def test_impossible_date_must_be_a_real_date_and_marks_the_whole_date():
    form = PlanDatesForm(_data("31", "2", "2024"))

    assert _errors(form) == [("invalid", "Start date must be a real date")]
    assert _invalid_parts(form) == {0, 1, 2}


def test_29_february_of_a_common_year_is_not_a_real_date():
    assert _errors(PlanDatesForm(_data("29", "2", "2023"))) == [("invalid", "Start date must be a real date")]


@pytest.mark.parametrize(
    ("day", "month", "year", "wrong_box"),
    [
        ("32", "3", "2024", 0),
        ("0", "3", "2024", 0),
        ("x", "3", "2024", 0),
        ("5", "13", "2024", 1),
        ("5", "Smarch", "2024", 1),
    ],
)
def test_a_day_or_month_that_cannot_be_right_marks_only_its_box(day, month, year, wrong_box):
    form = PlanDatesForm(_data(day, month, year))

    assert _errors(form) == [("invalid", "Start date must be a real date")]
    assert _invalid_parts(form) == {wrong_box}


@pytest.mark.parametrize("year", ["24", "202", "20245"])
def test_year_without_4_numbers_says_so(year):
    form = PlanDatesForm(_data("5", "3", year))

    assert _errors(form) == [("year_digits", "Year must include 4 numbers")]
    assert _invalid_parts(form) == {2}


def test_missing_part_is_reported_before_a_short_year():
    assert _errors(PlanDatesForm(_data("5", "", "24"))) == [("incomplete", "Start date must include a month")]


def test_superscript_digits_are_not_numbers():
    assert _errors(PlanDatesForm(_data("²", "3", "2024"))) == [("invalid", "Start date must be a real date")]


def test_messages_name_a_field_without_label_from_its_name():
    class VisitForm(forms.Form):
        visit_date = GovUKDateField()

    assert _errors(VisitForm(_data(name="visit_date")), "visit_date") == [("required", "Enter visit date")]
    assert _errors(VisitForm(_data("1", "", "2024", name="visit_date")), "visit_date") == [
        ("incomplete", "Visit date must include a month")
    ]


def test_a_label_starting_with_an_acronym_keeps_its_capitals():
    class SignOffForm(forms.Form):
        signed_off = GovUKDateField(label="DPH sign-off date")

    assert _errors(SignOffForm(_data(name="signed_off")), "signed_off") == [("required", "Enter DPH sign-off date")]


def test_messages_can_be_overridden_per_field():
    class VisitForm(forms.Form):
        visit = GovUKDateField(label="Date of the visit", error_messages={"required": "Enter the date of the visit"})

    assert _errors(VisitForm(_data(name="visit")), "visit") == [("required", "Enter the date of the visit")]


def test_validators_run_on_the_date():
    class AfterForm(forms.Form):
        start_date = GovUKDateField(validators=[MinValueValidator(datetime.date(2024, 1, 1))])

    form = AfterForm(_data("31", "12", "2023"))

    assert not form.is_valid()
    assert form.errors.as_data()["start_date"][0].code == "min_value"


def test_a_later_valid_submission_clears_the_marked_boxes():
    field = PlanDatesForm().fields["start_date"]
    with pytest.raises(forms.ValidationError):
        field.clean(["5", "", "2024"])

    assert field.clean(["5", "3", "2024"]) == datetime.date(2024, 3, 5)
    assert field.widget.invalid_parts == frozenset()


def test_disabled_field_keeps_its_initial_date():
    class LockedForm(forms.Form):
        start_date = GovUKDateField(disabled=True)

    form = LockedForm(_data("1", "1", "2030"), initial={"start_date": datetime.date(2024, 4, 1)})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["start_date"] == datetime.date(2024, 4, 1)


def test_the_same_date_written_differently_has_not_changed():
    form = PlanDatesForm(_data("05", "Mar", "2024"), initial={"start_date": datetime.date(2024, 3, 5)})

    assert "start_date" not in form.changed_data


def test_another_date_has_changed():
    form = PlanDatesForm(_data("6", "3", "2024"), initial={"start_date": datetime.date(2024, 3, 5)})

    assert "start_date" in form.changed_data


def test_model_form_saves_the_date_on_its_instance():
    plan = ActionPlan(start_date=datetime.date(2024, 4, 1))
    form = PlanModelForm(_data("1", "5", "2024"), instance=plan)

    assert form.is_valid(), form.errors
    assert form.save(commit=False).start_date == datetime.date(2024, 5, 1)


def test_widget_reads_dates_and_iso_strings_into_three_boxes():
    widget = GovUKDateInput()

    assert widget.decompress(datetime.date(2024, 3, 5)) == [5, 3, 2024]
    assert widget.decompress(datetime.datetime(2024, 3, 5, 10, 30)) == [5, 3, 2024]
    assert widget.decompress("2024-03-05") == [5, 3, 2024]
    assert widget.decompress("not a date") == [None, None, None]
    assert widget.decompress(None) == [None, None, None]


# Rendering


@ALL_WAYS
def test_renders_three_govuk_boxes_named_after_the_field(template):
    page = _Inputs(_render(template, PlanDatesForm()))
    boxes = page.named("start_date")

    assert [box["name"] for box in boxes] == ["start_date_0", "start_date_1", "start_date_2"]
    assert [box["id"] for box in boxes] == ["id_start_date_0", "id_start_date_1", "id_start_date_2"]
    for box, width in zip(boxes, (2, 2, 4), strict=True):
        assert {"govuk-input", "govuk-date-input__input", f"govuk-input--width-{width}"} <= set(box["class"].split())
        assert box["inputmode"] == "numeric"
        assert box["type"] == "text"
        # The browser's own check would pre-empt the GOV.UK messages.
        assert "required" not in box
        assert "label" not in box
    assert page.labels[:3] == ["Day", "Month", "Year"]


@ALL_WAYS
def test_renders_the_govuk_date_input_in_a_fieldset_with_legend_and_hint(template):
    html = _render(template, PlanDatesForm())

    assert 'class="govuk-date-input" id="id_start_date"' in html
    assert html.count('class="govuk-date-input__item"') == 6  # three for each of the two dates
    assert '<fieldset class="govuk-fieldset"' in html
    assert '<legend class="govuk-fieldset__legend">' in html
    assert 'id="id_start_date_hint" class="govuk-hint">For example, 1 4 2024' in html


@ALL_WAYS
def test_failed_submit_shows_the_boxes_as_typed_with_the_message(template):
    form = PlanDatesForm(_data("5", "", "24"))
    form.is_valid()
    html = _render(template, form)
    day, month, year = _Inputs(html).named("start_date")

    assert (day.get("value"), month.get("value"), year.get("value")) == ("5", None, "24")
    assert "govuk-form-group--error" in html
    assert 'class="govuk-error-message"' in html
    assert "Start date must include a month" in html


@ALL_WAYS
def test_only_the_boxes_at_fault_are_marked(template):
    form = PlanDatesForm(_data("5", "", "2024"))
    form.is_valid()
    day, month, year = _Inputs(_render(template, form)).named("start_date")

    assert "govuk-input--error" in month["class"].split()
    assert month["aria-invalid"] == "true"
    for box in (day, year):
        assert "govuk-input--error" not in box["class"].split()
        assert "aria-invalid" not in box


@ALL_WAYS
def test_an_empty_required_date_marks_all_boxes(template):
    form = PlanDatesForm(_data())
    form.is_valid()
    boxes = _Inputs(_render(template, form)).named("start_date")

    assert all("govuk-input--error" in box["class"].split() for box in boxes)


@ALL_WAYS
def test_initial_date_fills_the_boxes(template):
    form = PlanDatesForm(initial={"start_date": datetime.date(2024, 3, 5)})
    boxes = _Inputs(_render(template, form)).named("start_date")

    assert [box.get("value") for box in boxes] == ["5", "3", "2024"]


def test_instance_date_fills_the_boxes():
    form = PlanModelForm(instance=ActionPlan(start_date=datetime.date(2024, 4, 1)))
    boxes = _Inputs(_render(PLAIN, form)).named("start_date")

    assert [box.get("value") for box in boxes] == ["1", "4", "2024"]


def test_rendering_twice_does_not_repeat_descriptions():
    form = HelperForm(_data("5", "", "2024"))
    form.is_valid()
    _render(CRISPY_TAG, form)
    month = _Inputs(_render(CRISPY_TAG, form)).named("start_date")[1]

    assert month["aria-describedby"] == "id_start_date_1_error"


def test_error_summary_links_to_the_first_box_at_fault():
    form = HelperForm(_data("5", "", "2024"))
    form.is_valid()
    html = _render("{% load crispy_forms_gds %}{% error_summary form %}", form)

    assert '<a href="#id_start_date_1">Start date must include a month</a>' in html
    assert html.count("Start date must include a month") == 1


def test_error_summary_links_an_empty_date_to_its_day_box():
    form = HelperForm(_data())
    form.is_valid()
    html = _render("{% load crispy_forms_gds %}{% error_summary form %}", form)

    assert '<a href="#id_start_date_0">Enter start date</a>' in html
