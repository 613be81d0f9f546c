"""UK financial-year quarters: Q1 April–June, Q2 July–September, Q3 October–December,
Q4 January–March, labelled "2023/24 Q2"."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

_LABEL = re.compile(r"^\s*(\d{4})\s*/\s*(\d{2})\s*Q([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quarter:
    """A financial-year quarter. `year` is the year the financial year starts (2023 for 2023/24)."""

    year: int
    number: int

    def __post_init__(self):
        if self.number not in (1, 2, 3, 4):
            raise ValueError(f"A quarter number is 1 to 4, not {self.number!r}.")
        if not 1900 <= self.year <= 9998:
            raise ValueError(f"Year {self.year!r} is out of range.")

    @classmethod
    def from_date(cls, day: datetime.date) -> Quarter:
        if day.month >= 4:
            return cls(day.year, (day.month - 4) // 3 + 1)
        return cls(day.year - 1, 4)

    @classmethod
    def current(cls) -> Quarter:
        from django.utils import timezone

        return cls.from_date(timezone.localdate())

    @classmethod
    def parse(cls, label: str) -> Quarter:
        """Read a label such as "2023/24 Q2"; the second year must follow the first."""
        match = _LABEL.match(label or "")
        if not match:
            raise ValueError(f"{label!r} is not a quarter like 2023/24 Q2.")
        year, next_year, number = int(match[1]), int(match[2]), int(match[3])
        if (year + 1) % 100 != next_year:
            raise ValueError(f"{label!r}: the financial year {year}/{next_year:02d} does not exist.")
        return cls(year, number)

    @property
    def code(self) -> int:
        """Sortable integer stored in the database: 20232 for 2023/24 Q2."""
        return self.year * 10 + self.number

    @classmethod
    def from_code(cls, code: int) -> Quarter:
        return cls(code // 10, code % 10)

    @property
    def financial_year(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def label(self) -> str:
        return f"{self.financial_year} Q{self.number}"

    def __str__(self) -> str:
        return self.label

    @property
    def months(self) -> str:
        """The quarter in words, for readers who do not count financial years: "July to September 2026"."""
        return f"{self.start_date:%B} to {self.end_date:%B %Y}"

    @property
    def start_date(self) -> datetime.date:
        month = 3 * self.number + 1  # Q1 → April, Q2 → July, Q3 → October, Q4 → January (13)
        year = self.year
        if month > 12:
            month -= 12
            year += 1
        return datetime.date(year, month, 1)

    @property
    def end_date(self) -> datetime.date:
        return self.next().start_date - datetime.timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def __contains__(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.end_date

    @classmethod
    def between(cls, start: datetime.date, end: datetime.date) -> list[Quarter]:
        """Every quarter that overlaps start..end, in order."""
        quarters, quarter = [], cls.from_date(start)
        while quarter.start_date <= end:
            quarters.append(quarter)
            quarter = quarter.next()
        return quarters


class QuarterField(models.PositiveIntegerField):
    """Stores a Quarter as its sortable code (20232), so ordering and range lookups work in SQL."""

    description = "A UK financial-year quarter"

    @cached_property
    def validators(self):
        # The integer range validators of PositiveIntegerField cannot compare a Quarter; the
        # Quarter type validates itself when it is built.
        return [*self.default_validators, *self._validators]

    def from_db_value(self, value, expression, connection):
        return None if value is None else Quarter.from_code(value)

    def to_python(self, value):
        if value is None or isinstance(value, Quarter):
            return value
        try:
            if isinstance(value, int):
                return Quarter.from_code(value)
            text = str(value).strip()
            return Quarter.from_code(int(text)) if text.isdigit() else Quarter.parse(text)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from error

    def get_prep_value(self, value):
        value = self.to_python(value)
        return None if value is None else value.code

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return "" if value is None else str(value.code)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": QuarterFormField, **kwargs})


class QuarterFormField(forms.CharField):
    """A text box that takes "2023/24 Q2"; forms that offer a fixed set use a ChoiceField."""

    default_error_messages = {"invalid": "Enter a quarter like 2023/24 Q2"}

    def __init__(self, *, min_value=None, max_value=None, step_size=None, **kwargs):
        # PositiveIntegerField passes integer bounds that mean nothing for a label.
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            value = Quarter.from_code(value)
        return str(value) if value is not None else value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return Quarter.parse(value)
        except ValueError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error
