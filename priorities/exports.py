"""A plan and its latest progress as CSV, XLSX and PDF, and the import of a plan from the
export's own format.

The export has one row per key objective (and one for a priority area without objectives), so
a coordinator can edit it in a spreadsheet and import it as the next plan's draft. The progress
columns (sign-off, quarter, RAG, summary) are there to be read; the import ignores them, since
a new plan's objectives start as proposed.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections import Counter
from dataclasses import dataclass

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from programmes.models import ActionPlan, Region
from sli_portal.core.pdf import render_pdf
from sli_portal.core.spreadsheets import csv_text, read_first_sheet

from .models import QuarterlyUpdate
from .selectors import plan_overview
from .services import ImportedObjective, ImportedPriority

PRIORITY_NUMBER = "Priority number"
PRIORITY_TITLE = "Priority title"
LEAD = "DPH lead"
LEAD_EMAIL = "DPH lead e-mail"
OBJECTIVE_NUMBER = "Objective number"
OBJECTIVE_TITLE = "Objective title"
OBJECTIVE_DESCRIPTION = "Objective description"
TARGET_DATE = "Target date"
SIGN_OFF = "Sign-off"
LATEST_QUARTER = "Latest quarter"
RAG = "RAG status"
PROGRESS = "Progress summary"

COLUMNS = [
    PRIORITY_NUMBER,
    PRIORITY_TITLE,
    LEAD,
    LEAD_EMAIL,
    OBJECTIVE_NUMBER,
    OBJECTIVE_TITLE,
    OBJECTIVE_DESCRIPTION,
    TARGET_DATE,
    SIGN_OFF,
    LATEST_QUARTER,
    RAG,
    PROGRESS,
]
# The columns an import needs; the others may be missing.
REQUIRED_COLUMNS = [PRIORITY_NUMBER, PRIORITY_TITLE, OBJECTIVE_NUMBER, OBJECTIVE_TITLE]
MAX_IMPORT_ROWS = 1000
# The export has 12 columns; room for a few added by hand, never a sheet 16,384 cells wide.
MAX_IMPORT_COLUMNS = 50
MAX_ERRORS_SHOWN = 20
TITLE_LENGTH = 200

RAG_ORDER = ["red", "amber", "green", "complete", "not_started"]


def export_filename(plan: ActionPlan, extension: str) -> str:
    return f"{slugify(plan.title) or 'action-plan'}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def export_rows(plan: ActionPlan) -> list[list]:
    """The export's rows under COLUMNS, as Python values (ints, dates, strings)."""
    rows = []
    for area in plan_overview(plan):
        area_cells = [area.number, area.title, _name(area.lead), area.lead.email if area.lead else ""]
        objectives = list(area.key_objectives.all())
        if not objectives:
            rows.append(area_cells + [""] * (len(COLUMNS) - len(area_cells)))
        for objective in objectives:
            update = objective.latest_update
            rows.append(
                area_cells
                + [
                    objective.number,
                    objective.title,
                    objective.description,
                    objective.target_date or "",
                    objective.get_sign_off_state_display(),
                    update.quarter.label if update else "",
                    update.get_rag_status_display() if update else "",
                    update.progress if update else "",
                ]
            )
    return rows


def export_csv(plan: ActionPlan) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in export_rows(plan):
        writer.writerow([csv_text(value) for value in row])
    # With a byte-order mark Excel reads the file as UTF-8 (names with accents, “quotes”).
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(plan: ActionPlan) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in export_rows(plan):
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.data_type == "f":
                # Text that looks like a formula stays text.
                cell.data_type = "s"
            if isinstance(cell.value, datetime.date):
                cell.number_format = "dd/mm/yyyy"
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    widths = [10, 30, 20, 26, 10, 40, 50, 12, 12, 12, 12, 60]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- PDF -------------------------------------------------------------------------------------


@dataclass
class RagSummaryRow:
    label: str
    count: int


def plan_report_context(plan: ActionPlan) -> dict:
    areas = plan_overview(plan)
    counts: Counter = Counter()
    without_update = 0
    for area in areas:
        for objective in area.key_objectives.all():
            if objective.latest_update:
                counts[objective.latest_update.rag_status] += 1
            else:
                without_update += 1
    labels = dict(QuarterlyUpdate.Rag.choices)
    summary = [RagSummaryRow(labels[rag], counts[rag]) for rag in RAG_ORDER]
    summary.append(RagSummaryRow("No update submitted", without_update))
    return {
        "plan": plan,
        "region": plan.region,
        "priority_areas": areas,
        "rag_summary": summary,
        "objective_count": sum(row.count for row in summary),
        "generated_on": timezone.localdate(),
    }


def export_pdf(plan: ActionPlan) -> bytes:
    html = render_to_string("programmes/plan_report_pdf.html", plan_report_context(plan))
    return render_pdf(html)


# --- Import ----------------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    text = str(value).strip()
    # Undo the export's guard against formulas.
    if text.startswith("'") and text[1:2] and text[1] in "=+-@":
        text = text[1:]
    return text


def read_table(upload) -> list[list]:
    """The rows of an uploaded CSV or XLSX file (header first), or a ValidationError."""
    name = upload.name.lower()
    upload.seek(0)
    data = upload.read()
    if not data:
        raise ValidationError("The selected file is empty")
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    if name.endswith(".csv"):
        return _read_csv(data)
    raise ValidationError("The selected file must be a CSV or XLSX file")


def _read_csv(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("The selected file must be a CSV file saved as UTF-8") from None
    if "\x00" in text:
        raise ValidationError("The selected file must be a CSV file saved as UTF-8")
    try:
        return [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    except csv.Error:
        raise ValidationError("The selected file could not be read as a CSV file") from None


def _read_xlsx(data: bytes) -> list[list]:
    return read_first_sheet(
        data,
        max_rows=MAX_IMPORT_ROWS + 1,  # and the header row
        max_columns=MAX_IMPORT_COLUMNS,
        too_long=f"The file must have {MAX_IMPORT_ROWS:,} rows or fewer below its header, empty rows included: "
        "delete the rows below your data",
    )


def _parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _cell_text(value)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %B %Y", "%d %b %Y", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


class _Leads:
    """Finds a priority's lead among the region's members: by e-mail, else by full name."""

    def __init__(self, region: Region):
        User = get_user_model()
        self.users = list(User.objects.filter(Q(memberships__region=region), is_active=True).distinct().order_by("pk"))

    def find(self, name: str, email: str):
        if email:
            matches = [u for u in self.users if u.email.lower() == email.lower()]
            return matches[0] if matches else None
        matches = [u for u in self.users if _name(u).lower() == name.lower() or u.get_username() == name]
        return matches[0] if len(matches) == 1 else None


class _CellField(forms.Field):
    """A spreadsheet cell: any type openpyxl or csv hands over, read as text first."""

    def to_python(self, value):
        return _cell_text(value)


class _NumberCell(_CellField):
    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        if not re.fullmatch(r"\d{1,4}", text) or int(text) < 1:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


class _TitleCell(_CellField):
    """A title on one line: a line break typed in a spreadsheet cell becomes a space."""

    def to_python(self, value):
        text = " ".join(super().to_python(value).split())
        if len(text) > TITLE_LENGTH:
            raise ValidationError(self.error_messages["too_long"], code="too_long")
        return text


class _DateCell(_CellField):
    def to_python(self, value):
        if not _cell_text(value):
            return None
        try:
            return _parse_date(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class PlanRowForm(forms.Form):
    """One row of an export-format file: each cell validated, with a message naming it."""

    priority_number = _NumberCell(
        error_messages={
            "required": "enter the priority number",
            "invalid": "the priority number must be a whole number from 1, like 2",
        }
    )
    priority_title = _TitleCell(
        error_messages={
            "required": "enter the priority title",
            "too_long": f"the priority title must be {TITLE_LENGTH} characters or fewer",
        }
    )
    lead = _CellField(required=False)
    lead_email = _CellField(required=False)
    objective_number = _NumberCell(
        required=False,
        error_messages={
            "required": "enter the objective number",
            "invalid": "the objective number must be a whole number from 1, like 14",
        },
    )
    objective_title = _TitleCell(
        required=False,
        error_messages={
            "required": "enter the objective title",
            "too_long": f"the objective title must be {TITLE_LENGTH} characters or fewer",
        },
    )
    objective_description = _CellField(required=False)
    target_date = _DateCell(
        required=False, error_messages={"invalid": "the target date must be a real date, like 31/03/2026"}
    )

    COLUMNS = {
        "priority_number": PRIORITY_NUMBER,
        "priority_title": PRIORITY_TITLE,
        "lead": LEAD,
        "lead_email": LEAD_EMAIL,
        "objective_number": OBJECTIVE_NUMBER,
        "objective_title": OBJECTIVE_TITLE,
        "objective_description": OBJECTIVE_DESCRIPTION,
        "target_date": TARGET_DATE,
    }
    OBJECTIVE_FIELDS = ("objective_number", "objective_title", "objective_description", "target_date")

    def __init__(self, row: list, *, positions: dict[str, int], leads: _Leads):
        data = {}
        for name, column in self.COLUMNS.items():
            position = positions.get(column)
            data[name] = row[position] if position is not None and position < len(row) else None
        super().__init__(data)
        self.leads = leads

    @property
    def has_objective(self) -> bool:
        """A row may name a priority area alone, with no objective yet."""
        return any(_cell_text(self.data[name]) for name in self.OBJECTIVE_FIELDS)

    def clean_lead_email(self):
        name, email = self.cleaned_data.get("lead", ""), self.cleaned_data["lead_email"]
        self.cleaned_data["lead_user"] = None
        if name or email:
            lead = self.leads.find(name, email)
            if lead is None:
                raise ValidationError(
                    f"the DPH lead “{email or name}” is not a member of the network: "
                    "enter a member’s e-mail or leave it empty"
                )
            self.cleaned_data["lead_user"] = lead
        return email

    def clean(self):
        if self.has_objective:
            for name in ("objective_number", "objective_title"):
                if name not in self.errors and not self.cleaned_data.get(name):
                    self.add_error(name, self.fields[name].error_messages["required"])
        return self.cleaned_data

    def problems(self) -> list[str]:
        return [message for errors in self.errors.values() for message in errors]


def parse_plan_table(rows: list[list], *, region: Region) -> list[ImportedPriority]:
    """Priority areas and objectives from the rows of an export-format file.

    Each row is checked by a PlanRowForm; what spans rows (one title and lead per priority,
    objective numbers unique across the plan) is checked here. Every problem is collected, each
    naming its row (as the spreadsheet numbers it, the header being row 1), and raised together
    so the user fixes the file in one go.
    """
    if not rows:
        raise ValidationError("The selected file is empty")
    header = [_cell_text(cell) for cell in rows[0]]
    positions = {name: header.index(name) for name in COLUMNS if name in header}
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise ValidationError(
            "The first row of the file must name the columns of the plan export: "
            f"add the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
        )
    body = rows[1:]
    if not body:
        raise ValidationError("The file has no priority areas: add a row for each key objective under the header")
    if len(body) > MAX_IMPORT_ROWS:
        raise ValidationError(f"The file must have {MAX_IMPORT_ROWS:,} rows or fewer")

    errors: list[str] = []
    priorities: dict[int, ImportedPriority] = {}
    objective_rows: dict[int, int] = {}
    leads = _Leads(region)
    for row_number, row in enumerate(body, start=2):
        form = PlanRowForm(row, positions=positions, leads=leads)
        valid = form.is_valid()
        problems = form.problems()
        data = form.cleaned_data
        priority = _priority_of_row(priorities, data, row_number, problems)
        if form.has_objective:
            number = data.get("objective_number")
            if number is not None and number in objective_rows:
                problems.append(
                    f"Key Objective {number} is already in row {objective_rows[number]}: "
                    "objective numbers must be unique across the plan"
                )
            elif number is not None:
                objective_rows[number] = row_number
            if valid and priority is not None and not problems:
                priority.objectives.append(
                    ImportedObjective(
                        number, data["objective_title"], data["objective_description"], data["target_date"]
                    )
                )
        errors.extend(f"Row {row_number}: {problem}" for problem in problems)

    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        if len(errors) > MAX_ERRORS_SHOWN:
            shown.append(f"and {len(errors) - MAX_ERRORS_SHOWN} more problems: fix these and import again")
        raise ValidationError(shown)
    return [priorities[number] for number in sorted(priorities)]


def _priority_of_row(priorities: dict, data: dict, row_number: int, problems: list[str]):
    """The row's priority area: the first row naming a number defines it, later rows must
    agree on its title and lead. Problems are added to `problems`."""
    number, title, lead = data.get("priority_number"), data.get("priority_title"), data.get("lead_user")
    if number is None or not title:
        return None
    priority = priorities.get(number)
    if priority is None:
        priority = priorities[number] = ImportedPriority(number, title, row_number, lead)
    elif priority.title != title:
        problems.append(
            f"priority {number} is called “{priority.title}” in row {priority.row}: use the same priority title"
        )
    elif lead is not None and priority.lead is not None and lead != priority.lead:
        problems.append(f"priority {number} has another DPH lead in row {priority.row}: use the same lead")
    elif lead is not None and priority.lead is None:
        priority.lead = lead
    return priority
