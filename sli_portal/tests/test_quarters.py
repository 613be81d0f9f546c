import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from priorities.models import QuarterlyUpdate
from priorities.tests.factories import KeyObjectiveFactory, QuarterlyUpdateFactory
from sli_portal.core.quarters import Quarter, QuarterFormField

D = datetime.date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2024, 3, 31), Quarter(2023, 4)),  # the last day of a financial year
        (D(2024, 4, 1), Quarter(2024, 1)),
        (D(2024, 6, 30), Quarter(2024, 1)),
        (D(2024, 7, 1), Quarter(2024, 2)),
        (D(2024, 9, 30), Quarter(2024, 2)),
        (D(2024, 10, 1), Quarter(2024, 3)),
        (D(2024, 12, 31), Quarter(2024, 3)),
        (D(2025, 1, 1), Quarter(2024, 4)),  # January belongs to the year that started the April before
        (D(2024, 2, 29), Quarter(2023, 4)),
    ],
)
def test_from_date_puts_each_boundary_day_in_its_financial_quarter(day, expected):
    assert Quarter.from_date(day) == expected


@pytest.mark.parametrize(
    ("quarter", "label"),
    [
        (Quarter(2023, 2), "2023/24 Q2"),
        (Quarter(1999, 4), "1999/00 Q4"),
        (Quarter(2009, 1), "2009/10 Q1"),
        (Quarter(2024, 3), "2024/25 Q3"),
    ],
)
def test_label_names_the_financial_year_and_the_quarter(quarter, label):
    assert quarter.label == label
    assert str(quarter) == label


def test_financial_year_is_the_label_without_the_quarter():
    assert Quarter(2023, 2).financial_year == "2023/24"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("2023/24 Q2", Quarter(2023, 2)),
        ("1999/00 Q4", Quarter(1999, 4)),
        ("2023/24 q2", Quarter(2023, 2)),
        ("  2023 / 24   Q2  ", Quarter(2023, 2)),
        ("2023/24Q2", Quarter(2023, 2)),
    ],
)
def test_parse_reads_labels_with_any_spacing_and_case(label, expected):
    assert Quarter.parse(label) == expected


@pytest.mark.parametrize(
    "label",
    [
        "2023/25 Q1",  # the second year must follow the first
        "2023/23 Q1",
        "2023/24 Q5",
        "2023/24 Q0",
        "2023/24",
        "Q2 2023/24",
        "",
        "garbage",
        None,
    ],
)
def test_parse_rejects_what_is_not_a_quarter_label(label):
    with pytest.raises(ValueError):
        Quarter.parse(label)


@pytest.mark.parametrize("quarter", [Quarter(2023, n) for n in (1, 2, 3, 4)] + [Quarter(1999, 4)])
def test_parse_reads_back_every_label(quarter):
    assert Quarter.parse(quarter.label) == quarter


@pytest.mark.parametrize(
    ("quarter", "following"),
    [
        (Quarter(2023, 1), Quarter(2023, 2)),
        (Quarter(2023, 2), Quarter(2023, 3)),
        (Quarter(2023, 3), Quarter(2023, 4)),
        (Quarter(2023, 4), Quarter(2024, 1)),  # across the financial year end
        (Quarter(1999, 4), Quarter(2000, 1)),
    ],
)
def test_next_and_previous_step_one_quarter_across_year_ends(quarter, following):
    assert quarter.next() == following
    assert following.previous() == quarter


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (Quarter(2023, 1), D(2023, 4, 1), D(2023, 6, 30)),
        (Quarter(2023, 2), D(2023, 7, 1), D(2023, 9, 30)),
        (Quarter(2023, 3), D(2023, 10, 1), D(2023, 12, 31)),
        (Quarter(2023, 4), D(2024, 1, 1), D(2024, 3, 31)),  # Q4 is in the next calendar year
        (Quarter(2024, 4), D(2025, 1, 1), D(2025, 3, 31)),
        # A leap year changes February, never a quarter's ends.
        (Quarter(2019, 4), D(2020, 1, 1), D(2020, 3, 31)),
    ],
)
def test_start_and_end_dates_of_each_quarter(quarter, start, end):
    assert quarter.start_date == start
    assert quarter.end_date == end


@pytest.mark.parametrize("quarter", [Quarter(2023, n) for n in (1, 2, 3, 4)])
def test_quarters_tile_the_calendar_without_gap(quarter):
    assert quarter.next().start_date - quarter.end_date == datetime.timedelta(days=1)
    assert Quarter.from_date(quarter.start_date) == quarter
    assert Quarter.from_date(quarter.end_date) == quarter


def test_quarters_order_by_year_then_number():
    shuffled = [Quarter(2024, 1), Quarter(2023, 4), Quarter(2023, 1), Quarter(2023, 2)]
    assert sorted(shuffled) == [Quarter(2023, 1), Quarter(2023, 2), Quarter(2023, 4), Quarter(2024, 1)]
    assert Quarter(2023, 4) < Quarter(2024, 1)
    assert max(shuffled) == Quarter(2024, 1)


def test_equal_quarters_are_equal_and_hash_alike():
    assert Quarter(2023, 2) == Quarter(2023, 2)
    assert Quarter(2023, 2) != Quarter(2023, 3)
    assert len({Quarter(2023, 2), Quarter.parse("2023/24 Q2")}) == 1


@pytest.mark.parametrize("quarter", [Quarter(2023, 1), Quarter(2023, 4), Quarter(1999, 4), Quarter(2100, 2)])
def test_code_round_trips_and_sorts_like_the_quarter(quarter):
    assert Quarter.from_code(quarter.code) == quarter
    assert (quarter.code < quarter.next().code) and (quarter < quarter.next())


def test_code_is_year_then_number():
    assert Quarter(2023, 2).code == 20232


@pytest.mark.parametrize("number", [0, 5, -1])
def test_a_quarter_number_outside_1_to_4_raises_value_error(number):
    with pytest.raises(ValueError):
        Quarter(2023, number)


def test_from_code_with_a_zero_quarter_raises_value_error():
    with pytest.raises(ValueError):
        Quarter.from_code(20230)


def test_between_lists_every_overlapping_quarter_in_order():
    assert Quarter.between(D(2023, 6, 15), D(2024, 1, 2)) == [
        Quarter(2023, 1),
        Quarter(2023, 2),
        Quarter(2023, 3),
        Quarter(2023, 4),
    ]


def test_between_a_two_year_plan_gives_eight_quarters():
    quarters = Quarter.between(D(2024, 4, 1), D(2026, 3, 31))
    assert len(quarters) == 8
    assert (quarters[0], quarters[-1]) == (Quarter(2024, 1), Quarter(2025, 4))


def test_between_one_day_gives_its_quarter():
    assert Quarter.between(D(2024, 3, 31), D(2024, 3, 31)) == [Quarter(2023, 4)]


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (D(2023, 7, 1), True),
        (D(2023, 9, 30), True),
        (D(2023, 8, 15), True),
        (D(2023, 6, 30), False),
        (D(2023, 10, 1), False),
    ],
)
def test_in_tells_whether_a_day_falls_in_the_quarter(day, inside):
    assert (day in Quarter(2023, 2)) is inside


def test_current_follows_the_london_date():
    # The clocks went forward early on 31 March 2024: 23:30 UTC that evening is already 1 April
    # in London, the first day of 2024/25, while 22:30 UTC is still the last day of 2023/24.
    with time_machine.travel(datetime.datetime(2024, 3, 31, 23, 30, tzinfo=datetime.UTC), tick=False):
        assert Quarter.current() == Quarter(2024, 1)
    with time_machine.travel(datetime.datetime(2024, 3, 31, 22, 30, tzinfo=datetime.UTC), tick=False):
        assert Quarter.current() == Quarter(2023, 4)


# QuarterField: stored as the sortable code, read back as a Quarter.


@pytest.mark.django_db
def test_field_saves_and_reloads_a_quarter():
    update = QuarterlyUpdateFactory(quarter=Quarter(2023, 2))
    update.refresh_from_db()
    assert update.quarter == Quarter(2023, 2)
    assert QuarterlyUpdate.objects.values_list("quarter", flat=True).get() == Quarter(2023, 2)


@pytest.mark.django_db
def test_field_accepts_a_label_or_a_code_on_save():
    objective = KeyObjectiveFactory()
    by_label = QuarterlyUpdateFactory(key_objective=objective, quarter="2023/24 Q3")
    by_code = QuarterlyUpdateFactory(key_objective=objective, quarter=20234)
    assert QuarterlyUpdate.objects.get(pk=by_label.pk).quarter == Quarter(2023, 3)
    assert QuarterlyUpdate.objects.get(pk=by_code.pk).quarter == Quarter(2023, 4)


@pytest.mark.django_db
def test_field_filters_by_a_quarter_and_by_a_range():
    objective = KeyObjectiveFactory()
    for quarter in (Quarter(2023, 3), Quarter(2023, 4), Quarter(2024, 1)):
        QuarterlyUpdateFactory(key_objective=objective, quarter=quarter)
    assert QuarterlyUpdate.objects.get(quarter=Quarter(2023, 4)).quarter == Quarter(2023, 4)
    assert QuarterlyUpdate.objects.filter(quarter="2024/25 Q1").count() == 1
    # Q4 of 2023/24 (20234) sorts before Q1 of 2024/25 (20241) in SQL too.
    assert QuarterlyUpdate.objects.filter(quarter__gte=Quarter(2023, 4)).count() == 2
    assert QuarterlyUpdate.objects.filter(quarter__lt=Quarter(2023, 4)).count() == 1


@pytest.mark.django_db
def test_field_orders_across_the_financial_year_end():
    objective = KeyObjectiveFactory()
    for quarter in (Quarter(2024, 1), Quarter(2023, 3), Quarter(2023, 4)):
        QuarterlyUpdateFactory(key_objective=objective, quarter=quarter)
    ordered = list(QuarterlyUpdate.objects.order_by("quarter").values_list("quarter", flat=True))
    assert ordered == [Quarter(2023, 3), Quarter(2023, 4), Quarter(2024, 1)]


def test_field_to_python_rejects_garbage_with_a_validation_error():
    field = QuarterlyUpdate._meta.get_field("quarter")
    with pytest.raises(ValidationError):
        field.to_python("garbage")


def test_model_field_gives_the_quarter_form_field():
    assert isinstance(QuarterlyUpdate._meta.get_field("quarter").formfield(), QuarterFormField)


def test_form_field_parses_a_label():
    assert QuarterFormField().clean(" 2023/24 q2 ") == Quarter(2023, 2)


@pytest.mark.parametrize("value", ["garbage", "2023/25 Q1", "2023/24 Q5"])
def test_form_field_rejects_what_is_not_a_quarter(value):
    with pytest.raises(ValidationError) as error:
        QuarterFormField().clean(value)
    assert error.value.messages == ["Enter a quarter like 2023/24 Q2"]


def test_form_field_leaves_an_optional_empty_value_empty():
    assert QuarterFormField(required=False).clean("") is None


def test_form_field_shows_a_stored_quarter_as_its_label():
    field = QuarterFormField()
    assert field.prepare_value(Quarter(2023, 2)) == "2023/24 Q2"
    assert field.prepare_value(20232) == "2023/24 Q2"


def test_a_quarter_in_words_spans_the_new_year():
    assert Quarter(2026, 2).months == "July to September 2026"
    assert Quarter(2026, 4).months == "January to March 2027"
