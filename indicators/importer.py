"""The one importer of Fingertips values, behind the command, the upload page and the API refresh.

It reads Fingertips' "all data" CSV export (the same format the API's `all_data/csv` endpoints
answer with), finds the columns by name (in any order, extra ones ignored, a byte-order mark
tolerated) and upserts one IndicatorValue per indicator, area, period and breakdown (sex, age,
category type, category). Values are public data shared by every region; the import records who
ran it.

- Areas kept: England (E92000001), an English region (E12) and the councils in the portal's
  register (`LocalAuthority.gss_code`). Any other area, and a row that cannot be read, is
  rejected with its line number and the reason; the good rows are still loaded. From the API,
  which answers for every council in England, areas outside the register are skipped quietly.
- A second import of the same data changes nothing: every row then counts as unchanged.
- An indicator the portal does not know is created from the file's ID and name; an existing
  indicator's name, unit, polarity and profile are the coordinator's and are left alone.
- The whole import is one transaction: a file that turns out to be unreadable half-way (not
  UTF-8, not CSV) saves nothing.
- Bounded memory and queries: rows are read as a stream and loaded in chunks; each chunk reads
  the existing values it may touch with one query and writes with bulk inserts and updates.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TextIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from programmes.models import REGION_CODES, LocalAuthority, Region

from .models import ENGLAND_CODE, Indicator, IndicatorImport, IndicatorValue

# Fingertips' column names, as its export and API write them.
INDICATOR_ID = "Indicator ID"
INDICATOR_NAME = "Indicator Name"
AREA_CODE = "Area Code"
AREA_NAME = "Area Name"
AREA_TYPE = "Area Type"
SEX = "Sex"
AGE = "Age"
CATEGORY_TYPE = "Category Type"
CATEGORY = "Category"
PERIOD = "Time period"
VALUE = "Value"
LOWER_CI = "Lower CI 95.0 limit"
UPPER_CI = "Upper CI 95.0 limit"
COUNT = "Count"
DENOMINATOR = "Denominator"
VALUE_NOTE = "Value note"
RECENT_TREND = "Recent Trend"
COMPARED_TO_ENGLAND = "Compared to England value or percentiles"
PERIOD_SORTABLE = "Time period Sortable"

REQUIRED_COLUMNS = (INDICATOR_ID, INDICATOR_NAME, AREA_CODE, AREA_NAME, PERIOD, VALUE)

# The rows loaded together: one read of the existing values and a few bulk writes per chunk.
CHUNK_ROWS = 2000
# The rejected rows kept on the import's record (the command prints them all).
MAX_KEPT_REJECTIONS = 200

# Values written from the file; a row whose values all equal the stored ones is unchanged.
VALUE_FIELDS = (
    "area_name",
    "area_type",
    "period_sortable",
    "value",
    "lower_ci",
    "upper_ci",
    "count",
    "denominator",
    "value_note",
    "recent_trend",
    "compared_to_england",
)
TEXT_LIMITS = {field.name: field.max_length for field in IndicatorValue._meta.fields if field.max_length}
REGION_ONS_CODES = frozenset(REGION_CODES.values())

Key = tuple[int, str, str, str, str, str, str]  # fingertips id, area, period, sex, age, category type, category


class RowError(Exception):
    pass


@dataclass
class ParsedRow:
    line: int
    fingertips_id: int
    indicator_name: str
    area_code: str
    period: str
    sex: str
    age: str
    category_type: str
    category: str
    values: dict

    @property
    def key(self) -> Key:
        return (
            self.fingertips_id,
            self.area_code,
            self.period,
            self.sex,
            self.age,
            self.category_type,
            self.category,
        )


@dataclass
class _Run:
    """What one import has seen so far."""

    areas: frozenset[str]
    skip_unknown_areas: bool
    on_reject: Callable[[int, str], None] | None
    counts: dict = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0})
    rejections: list = field(default_factory=list)
    indicator_ids: dict[int, int] = field(default_factory=dict)  # fingertips id → Indicator pk
    seen: dict[Key, int] = field(default_factory=dict)  # key → its first line

    def reject(self, line: int, reason: str) -> None:
        self.counts["rejected"] += 1
        if len(self.rejections) < MAX_KEPT_REJECTIONS:
            self.rejections.append({"line": line, "reason": reason})
        if self.on_reject is not None:
            self.on_reject(line, reason)


def known_areas() -> frozenset[str]:
    """England, the English regions and every council in the portal's register."""
    councils = LocalAuthority.objects.values_list("gss_code", flat=True)
    regions = Region.objects.values_list("gss_code", flat=True)
    return frozenset({ENGLAND_CODE, *REGION_ONS_CODES, *regions, *councils})


def import_values(
    *,
    file: TextIO,
    source: str,
    file_name: str = "",
    run_by=None,
    region: Region | None = None,
    skip_unknown_areas: bool = False,
    on_reject: Callable[[int, str], None] | None = None,
) -> IndicatorImport:
    """Load a Fingertips "all data" CSV from the text stream `file` and record the import.

    Raises ValidationError, saving nothing, when the file itself is unusable: a required column
    missing, not UTF-8, not CSV. Rows that cannot be loaded are counted as rejected, passed to
    `on_reject(line, reason)` and kept (the first few hundred) on the IndicatorImport returned.
    """
    reader = csv.reader(file)
    try:
        with transaction.atomic():
            header = _read_header(reader)
            run = _Run(areas=known_areas(), skip_unknown_areas=skip_unknown_areas, on_reject=on_reject)
            for chunk in _chunks(_parse_rows(reader, header, run), CHUNK_ROWS):
                _load_chunk(chunk, run)
            return IndicatorImport.objects.create(
                source=source,
                file_name=file_name[:255],
                run_by=run_by if run_by is not None and run_by.is_authenticated else None,
                region=region,
                rejections=sorted(run.rejections, key=lambda rejection: rejection["line"]),
                **run.counts,
            )
    except UnicodeDecodeError:
        raise ValidationError(
            "The file is not UTF-8 text: export it from Fingertips again, or save it as CSV UTF-8"
        ) from None
    except csv.Error as error:
        raise ValidationError(f"The file is not a readable CSV file (line {reader.line_num}): {error}") from None


def _read_header(reader) -> dict[str, int]:
    try:
        names = next(reader)
    except StopIteration:
        raise ValidationError("The file is empty: it needs Fingertips' header row and data rows") from None
    header: dict[str, int] = {}
    for index, name in enumerate(names):
        # The export may start with a byte-order mark that the decoder left in place.
        header.setdefault(name.lstrip("\ufeff").strip().lower(), index)
    missing = [name for name in REQUIRED_COLUMNS if name.lower() not in header]
    if missing:
        raise ValidationError(
            f"The file has no column {', '.join(f'“{name}”' for name in missing)}: upload Fingertips’ "
            "“all data” CSV export, whose first row names the columns"
        )
    return header


def _parse_rows(reader, header: dict[str, int], run: _Run) -> Iterator[ParsedRow]:
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, often the last one
        line = reader.line_num
        try:
            row = _parse_row(cells, header, line, run)
        except RowError as error:
            run.reject(line, str(error))
            continue
        if row is None:
            continue
        first = run.seen.get(row.key)
        if first is not None:
            run.reject(line, f"the same indicator, area, period and breakdown as line {first}")
            continue
        run.seen[row.key] = line
        yield row


def _parse_row(cells: list[str], header: dict[str, int], line: int, run: _Run) -> ParsedRow | None:
    def text(column: str, default: str = "") -> str:
        index = header.get(column.lower())
        value = cells[index].strip() if index is not None and index < len(cells) else ""
        if "\x00" in value:
            raise RowError("the row holds a NUL character: export the file again")
        return value or default

    raw_id = text(INDICATOR_ID)
    if not (raw_id.isascii() and raw_id.isdigit()) or int(raw_id) == 0:
        raise RowError(f"Indicator ID “{raw_id}” is not a Fingertips indicator number")
    area_code = text(AREA_CODE).upper()
    if not area_code:
        raise RowError("the Area Code is missing")
    if area_code not in run.areas:
        if run.skip_unknown_areas:
            return None
        raise RowError(
            f"area {area_code} ({text(AREA_NAME)}) is neither England, an English region nor a council "
            "in the portal's register"
        )
    period = text(PERIOD)
    if not period:
        raise RowError("the Time period is missing")
    values = {
        "area_name": text(AREA_NAME, area_code),
        "area_type": text(AREA_TYPE),
        "period_sortable": _period_sortable(text(PERIOD_SORTABLE), period),
        "value": _number(text(VALUE), VALUE),
        "lower_ci": _number(text(LOWER_CI), LOWER_CI),
        "upper_ci": _number(text(UPPER_CI), UPPER_CI),
        "count": _number(text(COUNT), COUNT),
        "denominator": _number(text(DENOMINATOR), DENOMINATOR),
        "value_note": text(VALUE_NOTE),
        "recent_trend": text(RECENT_TREND),
        "compared_to_england": text(COMPARED_TO_ENGLAND),
    }
    row = ParsedRow(
        line=line,
        fingertips_id=int(raw_id),
        indicator_name=text(INDICATOR_NAME),
        area_code=area_code,
        period=period,
        sex=text(SEX, "Persons"),
        age=text(AGE, "All ages"),
        category_type=text(CATEGORY_TYPE),
        category=text(CATEGORY),
        values=values,
    )
    for name in ("area_code", "period", "sex", "age", "category_type", "category"):
        _check_length(name, getattr(row, name))
    for name, value in values.items():
        if isinstance(value, str):
            _check_length(name, value)
    if len(row.indicator_name) > Indicator._meta.get_field("name").max_length:
        raise RowError("the Indicator Name is longer than 300 characters")
    return row


def _check_length(name: str, value: str) -> None:
    limit = TEXT_LIMITS.get(name)
    if limit and len(value) > limit:
        label = IndicatorValue._meta.get_field(name).verbose_name
        raise RowError(f"the {label} “{value[:40]}…” is longer than {limit} characters")


def _number(text: str, column: str) -> float | None:
    if not text:
        return None
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        raise RowError(f"{column} “{text[:40]}” is not a number") from None
    if not math.isfinite(number):
        raise RowError(f"{column} “{text[:40]}” is not a number")
    return number


def _period_sortable(text: str, period: str) -> int:
    """Fingertips' sortable period (20220000 for 2022/23); without the column, from the first year."""
    if text:
        if text.isascii() and text.isdigit() and len(text) <= 12:
            return int(text)
        raise RowError(f"Time period Sortable “{text[:40]}” is not a number")
    digits = "".join(character if character.isdigit() else " " for character in period).split()
    years = [int(part) for part in digits if len(part) == 4]
    return years[0] * 10000 if years else 0


def _chunks(rows: Iterable[ParsedRow], size: int) -> Iterator[list[ParsedRow]]:
    chunk: list[ParsedRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _load_chunk(chunk: list[ParsedRow], run: _Run) -> None:
    rows = _with_indicators(chunk, run)
    if not rows:
        return
    indicator_pks = {run.indicator_ids[row.fingertips_id] for row in rows}
    # A superset of the values these rows may touch, read once; matched by key below.
    existing = {
        _stored_key(value): value
        for value in IndicatorValue.objects.filter(
            indicator_id__in=indicator_pks,
            area_code__in={row.area_code for row in rows},
            period__in={row.period for row in rows},
        )
    }
    now = timezone.now()
    to_create, to_update = [], []
    for row in rows:
        indicator_pk = run.indicator_ids[row.fingertips_id]
        current = existing.get((indicator_pk, *row.key[1:]))
        if current is None:
            to_create.append(
                IndicatorValue(
                    indicator_id=indicator_pk,
                    area_code=row.area_code,
                    period=row.period,
                    sex=row.sex,
                    age=row.age,
                    category_type=row.category_type,
                    category=row.category,
                    **row.values,
                )
            )
        elif any(getattr(current, name) != value for name, value in row.values.items()):
            for name, value in row.values.items():
                setattr(current, name, value)
            current.updated_at = now
            to_update.append(current)
        else:
            run.counts["unchanged"] += 1
    IndicatorValue.objects.bulk_create(to_create, batch_size=500)
    IndicatorValue.objects.bulk_update(to_update, [*VALUE_FIELDS, "updated_at"], batch_size=500)
    run.counts["created"] += len(to_create)
    run.counts["updated"] += len(to_update)


def _stored_key(value: IndicatorValue) -> tuple:
    breakdown = (value.sex, value.age, value.category_type, value.category)
    return (value.indicator_id, value.area_code, value.period, *breakdown)


def _with_indicators(chunk: list[ParsedRow], run: _Run) -> list[ParsedRow]:
    """The chunk's rows whose indicator exists, creating the new ones from the file's names."""
    new_ids = {row.fingertips_id for row in chunk} - run.indicator_ids.keys()
    if new_ids:
        run.indicator_ids.update(Indicator.objects.filter(fingertips_id__in=new_ids).values_list("fingertips_id", "pk"))
        names: dict[int, str] = {}
        for row in chunk:
            if row.fingertips_id not in run.indicator_ids and row.indicator_name:
                names.setdefault(row.fingertips_id, row.indicator_name)
        if names:
            Indicator.objects.bulk_create(
                [Indicator(fingertips_id=fingertips_id, name=name) for fingertips_id, name in names.items()]
            )
            run.indicator_ids.update(
                Indicator.objects.filter(fingertips_id__in=names).values_list("fingertips_id", "pk")
            )
    rows = []
    for row in chunk:
        if row.fingertips_id in run.indicator_ids:
            rows.append(row)
        else:
            run.reject(row.line, f"the Indicator Name of new indicator {row.fingertips_id} is missing")
    return rows
