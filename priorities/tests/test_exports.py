import csv
import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from priorities import exports
from priorities.models import KeyObjective, PriorityArea
from programmes.models import ActionPlan

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the byte-order mark
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


HEADER = exports.COLUMNS


def row(priority="1", title="Healthy places", objective="1", objective_title="Objective", **more):
    values = {
        exports.PRIORITY_NUMBER: priority,
        exports.PRIORITY_TITLE: title,
        exports.OBJECTIVE_NUMBER: objective,
        exports.OBJECTIVE_TITLE: objective_title,
        **more,
    }
    return [values.get(column, "") for column in HEADER]


# Export


def test_the_csv_has_one_row_per_objective_with_its_latest_submitted_progress(plan, progress, dph_lead):
    rows = csv_rows(exports.export_csv(plan))
    assert rows[0] == HEADER
    by_number = {r[4]: dict(zip(HEADER, r, strict=True)) for r in rows[1:]}
    assert by_number["1"] == {
        exports.PRIORITY_NUMBER: "1",
        exports.PRIORITY_TITLE: "Healthy places",
        exports.LEAD: dph_lead.get_full_name(),
        exports.LEAD_EMAIL: dph_lead.email,
        exports.OBJECTIVE_NUMBER: "1",
        exports.OBJECTIVE_TITLE: "Health protection assurance",
        exports.OBJECTIVE_DESCRIPTION: "",
        exports.TARGET_DATE: "2025-03-31",
        exports.SIGN_OFF: "Signed off",
        exports.LATEST_QUARTER: "2024/25 Q3",
        exports.RAG: "Green",
        exports.PROGRESS: "Progress in 2024/25 Q3",
    }
    # Objective 2's Q3 update is a draft: the export shows its submitted Q1 update instead.
    assert (by_number["2"][exports.LATEST_QUARTER], by_number["2"][exports.RAG]) == ("2024/25 Q1", "Amber")
    assert "SECRET DRAFT NARRATIVE" not in str(rows)
    assert by_number["3"][exports.SIGN_OFF] == "Proposed"


def test_a_priority_area_without_objectives_still_has_a_row(plan, priority_1):
    rows = csv_rows(exports.export_csv(plan))
    assert rows[1][:2] == ["1", "Healthy places"]
    assert rows[1][4:] == [""] * 8


def test_text_that_looks_like_a_formula_is_not_run_by_a_spreadsheet(plan, priority_1):
    priority_1.title = '=HYPERLINK("http://evil.example")'
    priority_1.save()
    assert csv_rows(exports.export_csv(plan))[1][1].startswith("'=")
    sheet = load_workbook(io.BytesIO(exports.export_xlsx(plan))).active
    assert sheet.cell(row=2, column=2).data_type == "s"


def test_the_xlsx_matches_the_csv(plan, progress):
    sheet = load_workbook(io.BytesIO(exports.export_xlsx(plan))).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == HEADER
    assert values[1][4:8] == [1, "Health protection assurance", None, datetime.datetime(2025, 3, 31)]
    assert values[1][10] == "Green"


def test_the_pdf_report_has_the_plan_priorities_objectives_and_rag_summary(plan, progress):
    reader = PdfReader(io.BytesIO(exports.export_pdf(plan)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4
    for expected in (
        plan.title,
        "South West",
        "1 April 2024 to 31 March 2026",
        "Priority 1: Healthy places",
        "Key Objective 1: Health protection assurance",
        "Progress in 2024/25 Q3",
        "Key objectives by latest RAG status",
        "No update submitted",
    ):
        assert expected in text
    assert "SECRET DRAFT NARRATIVE" not in text
    summary = {row.label: row.count for row in exports.plan_report_context(plan)["rag_summary"]}
    assert summary["Green"] == 1 and summary["Amber"] == 1 and summary["No update submitted"] == 1


# Reading and checking an import file


def test_rows_become_priorities_with_their_objectives(region, dph_lead):
    rows = [
        HEADER,
        row("2", "Second", "5", "Five", **{exports.TARGET_DATE: "31/03/2027"}),
        row("1", "First", "3", "Three", **{exports.LEAD_EMAIL: dph_lead.email.upper()}),
        row("1", "First", "4", "Four", **{exports.OBJECTIVE_DESCRIPTION: "Why"}),
        row("3", "Third", "", ""),
    ]
    priorities = exports.parse_plan_table(rows, region=region)
    assert [(p.number, p.title, [o.number for o in p.objectives]) for p in priorities] == [
        (1, "First", [3, 4]),
        (2, "Second", [5]),
        (3, "Third", []),
    ]
    assert priorities[0].lead == dph_lead
    assert priorities[0].objectives[1].description == "Why"
    assert priorities[1].objectives[0].target_date == datetime.date(2027, 3, 31)


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (row(objective=""), "Row 2: enter the objective number"),
        (row(objective_title=""), "Row 2: enter the objective title"),
        (row(priority=""), "Row 2: enter the priority number"),
        (row(title=""), "Row 2: enter the priority title"),
        (row(priority="two"), "Row 2: the priority number must be a whole number from 1, like 2"),
        (row(objective="0"), "Row 2: the objective number must be a whole number from 1, like 14"),
        (row(**{exports.TARGET_DATE: "31/02/2026"}), "Row 2: the target date must be a real date, like 31/03/2026"),
        (row(objective_title="x" * 201), "Row 2: the objective title must be 200 characters or fewer"),
        (
            row(**{exports.LEAD_EMAIL: "stranger@example.org"}),
            "Row 2: the DPH lead “stranger@example.org” is not a member of the network: "
            "enter a member’s e-mail or leave it empty",
        ),
    ],
)
def test_each_bad_cell_is_named_by_row_and_column(region, bad_row, message):
    with pytest.raises(ValidationError) as error:
        exports.parse_plan_table([HEADER, bad_row], region=region)
    assert message in error.value.messages


def test_objective_numbers_must_be_unique_across_the_plan(region):
    rows = [HEADER, row("1", "First", "4"), row("2", "Second", "4")]
    with pytest.raises(ValidationError) as error:
        exports.parse_plan_table(rows, region=region)
    assert error.value.messages == [
        "Row 3: Key Objective 4 is already in row 2: objective numbers must be unique across the plan"
    ]


def test_a_priority_keeps_one_title(region):
    rows = [HEADER, row("1", "First", "1"), row("1", "Another", "2")]
    with pytest.raises(ValidationError) as error:
        exports.parse_plan_table(rows, region=region)
    assert error.value.messages == ["Row 3: priority 1 is called “First” in row 2: use the same priority title"]


def test_every_problem_is_reported_at_once(region):
    rows = [HEADER, row(objective=""), row(objective="2", objective_title="")]
    with pytest.raises(ValidationError) as error:
        exports.parse_plan_table(rows, region=region)
    assert error.value.messages == ["Row 2: enter the objective number", "Row 3: enter the objective title"]


def test_a_file_without_the_export_columns_is_refused(region):
    with pytest.raises(ValidationError, match="add the columns Objective number, Objective title"):
        exports.parse_plan_table([["Priority number", "Priority title"], ["1", "x"]], region=region)


def test_a_file_with_only_the_header_is_refused(region):
    with pytest.raises(ValidationError, match="no priority areas"):
        exports.parse_plan_table([HEADER], region=region)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.csv", b"", "The selected file is empty"),
        ("plan.xlsx", b"PK\x03\x04 not really a zip", "could not be read as an XLSX spreadsheet"),
        ("plan.xlsx", b"Priority number,Priority title\n", "could not be read as an XLSX spreadsheet"),
        ("plan.csv", "é".encode("latin-1") * 10, "saved as UTF-8"),
        ("plan.docx", b"hello", "must be a CSV or XLSX file"),
    ],
)
def test_unreadable_files_are_refused(name, content, message):
    with pytest.raises(ValidationError, match=message):
        exports.read_table(upload(name, content))


# The import page


@pytest.fixture
def import_url(region):
    return reverse("plan_import", args=[region.slug])


def import_form(file, title="Imported plan"):
    return {
        "title": title,
        "start_date_0": "1",
        "start_date_1": "4",
        "start_date_2": "2026",
        "end_date_0": "31",
        "end_date_1": "3",
        "end_date_2": "2028",
        "file": file,
    }


def snapshot_of_database():
    return (
        list(ActionPlan.objects.values_list("pk", "title", "status")),
        PriorityArea.objects.count(),
        KeyObjective.objects.count(),
    )


def test_export_then_import_round_trip(client, region, plan, progress, coordinator, dph_lead, dph_lead_2):
    client.force_login(coordinator)
    exported = client.get(reverse("plan_export_xlsx", args=[region.slug, plan.pk])).content

    response = client.post(
        reverse("plan_import", args=[region.slug]), import_form(upload("plan.xlsx", exported), "Next plan")
    )

    new = ActionPlan.objects.get(title="Next plan")
    assert response.status_code == 302
    assert response["Location"] == reverse("plan_detail", args=[region.slug, new.pk])
    assert (new.status, new.start_date, new.end_date) == (
        "draft",
        datetime.date(2026, 4, 1),
        datetime.date(2028, 3, 31),
    )

    def shape(p):
        return [
            (a.number, a.title, a.lead_id, [(o.number, o.title, o.description, o.target_date) for o in a.objectives])
            for a in PriorityArea.objects.filter(plan=p).order_by("number")
            for a.objectives in [list(a.key_objectives.order_by("number"))]
        ]

    assert shape(new) == shape(plan)
    assert set(KeyObjective.objects.filter(plan=new).values_list("sign_off_state", flat=True)) == {"proposed"}


def test_the_csv_export_imports_too(client, region, plan, progress, coordinator):
    client.force_login(coordinator)
    exported = client.get(reverse("plan_export_csv", args=[region.slug, plan.pk])).content
    response = client.post(reverse("plan_import", args=[region.slug]), import_form(upload("plan.csv", exported)))
    assert response.status_code == 302
    assert KeyObjective.objects.filter(plan__title="Imported plan").count() == 3


def test_a_bad_file_leaves_the_database_unchanged(client, region, plan, progress, coordinator, import_url):
    client.force_login(coordinator)
    before = snapshot_of_database()
    content = xlsx_bytes([HEADER, row("1", "First", "1"), row("1", "First", "")])

    response = client.post(import_url, import_form(upload("plan.xlsx", content)))

    assert response.status_code == 200
    assert "Row 3: enter the objective number" in response.content.decode()
    assert snapshot_of_database() == before


def test_a_failure_while_saving_rolls_everything_back(client, region, plan, coordinator, import_url, monkeypatch):
    """A problem only the database sees (here: a plan title taken meanwhile) undoes the whole import."""
    client.force_login(coordinator)
    before = snapshot_of_database()
    content = csv_bytes([HEADER, row("1", "First", "1"), row("2", "Second", "2")])
    original = KeyObjective.full_clean
    calls = []

    def fail_on_second(self, *args, **kwargs):
        calls.append(self.number)
        if len(calls) == 2:
            raise ValidationError({"number": "Key Objective 2 already exists in this plan: enter another number"})
        return original(self, *args, **kwargs)

    monkeypatch.setattr(KeyObjective, "full_clean", fail_on_second)
    response = client.post(import_url, import_form(upload("plan.csv", content)))

    assert response.status_code == 200
    assert "Key Objective 2 already exists" in response.content.decode()
    assert snapshot_of_database() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.pdf", b"%PDF-1.4", "The selected file must be a CSV or XLSX file"),
        ("plan.csv", b"", "The selected file is empty"),
        ("plan.xlsx", b"garbage", "The selected file could not be read as an XLSX spreadsheet"),
        ("plan.csv", b"a" * (2 * 1024 * 1024 + 1), "The selected file must be smaller than 2 MB"),
    ],
)
def test_a_wrong_file_is_a_form_error(client, coordinator, import_url, name, content, message):
    client.force_login(coordinator)
    response = client.post(import_url, import_form(upload(name, content)))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ActionPlan.objects.exists()


def test_the_import_needs_a_title_and_a_file(client, coordinator, import_url):
    client.force_login(coordinator)
    response = client.post(import_url, {"title": ""})
    page = response.content.decode()
    assert response.status_code == 200
    for message in ("Enter the title of the plan", "Enter the start date", "Select a CSV or XLSX file"):
        assert message in page
    assert "govuk-error-summary" in page


def test_an_imported_title_already_used_is_a_form_error(client, region, plan, coordinator, import_url):
    client.force_login(coordinator)
    content = csv_bytes([HEADER, row()])
    response = client.post(import_url, import_form(upload("plan.csv", content), plan.title))
    assert "already exists in this region" in response.content.decode()
    assert ActionPlan.objects.count() == 1


# --- Hostile workbooks: refused from the zip directory, before openpyxl parses anything -------


def _rezip(workbook_bytes: bytes, replace: dict[str, bytes]) -> bytes:
    """The workbook with members replaced or added, deflated as a spreadsheet program would."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook_bytes)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for name in dict.fromkeys([*source.namelist(), *replace]):
            bomb.writestr(name, replace[name] if name in replace else source.read(name))
    return out.getvalue()


MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def shared_string_bomb() -> bytes:
    """A workbook whose one cell is a shared string of 25 MB, in a file of a few dozen kilobytes."""
    book = xlsx_bytes([HEADER, row()])
    with zipfile.ZipFile(io.BytesIO(book)) as source:
        types = source.read("[Content_Types].xml")
        rels = source.read("xl/_rels/workbook.xml.rels")
    strings_type = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    strings_rel = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    return _rezip(
        book,
        {
            "[Content_Types].xml": types.replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + strings_type + b'" /></Types>',
            ),
            "xl/_rels/workbook.xml.rels": rels.replace(
                b"</Relationships>",
                b'<Relationship Type="' + strings_rel + b'" Target="sharedStrings.xml" Id="rId9" /></Relationships>',
            ),
            "xl/sharedStrings.xml": b"<sst " + MAIN + b"><si><t>" + b"A" * (25 * 1024 * 1024) + b"</t></si></sst>",
            "xl/worksheets/sheet1.xml": _sheet(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
        },
    )


def _sheet(rows_xml: bytes) -> bytes:
    return b"<worksheet " + MAIN + b"><sheetData>" + rows_xml + b"</sheetData></worksheet>"


def empty_rows_bomb(rows: int = 4_000_000) -> bytes:
    """Four million empty rows (rows may leave out their number): a few kilobytes deflated, and
    each one a loop turn for a parser."""
    book = xlsx_bytes([HEADER, row()])
    return _rezip(book, {"xl/worksheets/sheet1.xml": _sheet(b"<row/>" * rows)})


@pytest.fixture
def openpyxl_calls(monkeypatch):
    """Every call of openpyxl's load_workbook by the portal's reader, recorded."""
    from sli_portal.core import spreadsheets

    calls = []
    original = spreadsheets.load_workbook

    def recording(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(spreadsheets, "load_workbook", recording)
    return calls


@pytest.mark.parametrize(
    ("bomb", "message"),
    [
        (shared_string_bomb, "The selected file is too large once unpacked"),
        (empty_rows_bomb, "The selected file is too large once unpacked"),
    ],
)
def test_a_decompression_bomb_is_refused_before_it_is_parsed(
    client, coordinator, import_url, openpyxl_calls, bomb, message
):
    client.force_login(coordinator)
    content = bomb()
    assert len(content) < 2 * 1024 * 1024  # small enough to pass the upload's own size check

    response = client.post(import_url, import_form(upload("plan.xlsx", content)))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert openpyxl_calls == []
    assert not ActionPlan.objects.exists()


def test_a_member_compressed_beyond_100_to_1_is_refused_even_below_the_size_cap(openpyxl_calls):
    from sli_portal.core import spreadsheets

    book = xlsx_bytes([HEADER, row()])
    # 5 MB of one repeated string: under the 20 MB cap, but about 1,000 to 1 once deflated.
    strings = b"<sst " + MAIN + b"><si><t>" + b"B" * (5 * 1024 * 1024) + b"</t></si></sst>"
    content = _rezip(book, {"xl/sharedStrings.xml": strings})
    with pytest.raises(ValidationError) as error:
        spreadsheets.read_first_sheet(content, max_rows=10, max_columns=10, too_long="too long")
    assert "compressed more than 100 to 1" in error.value.messages[0]
    assert openpyxl_calls == []


def test_rows_past_the_cap_are_refused_even_when_empty(client, coordinator, import_url):
    """Empty rows count: the reader stops at the cap and says so, rather than reading on or
    silently dropping a row of data further down."""
    client.force_login(coordinator)
    book = xlsx_bytes([HEADER, row()])
    header_and_one_row = load_workbook(io.BytesIO(book)).active
    cells = b"".join(
        b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (cell.column_letter.encode(), 1, str(cell.value).encode())
        for cell in header_and_one_row[1]
    )
    empty = b"".join(b'<row r="%d"/>' % number for number in range(2, exports.MAX_IMPORT_ROWS + 5))
    last = b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>1</t></is></c></row>' % ((exports.MAX_IMPORT_ROWS + 5,) * 2)
    content = _rezip(book, {"xl/worksheets/sheet1.xml": _sheet(b'<row r="1">' + cells + b"</row>" + empty + last)})

    response = client.post(import_url, import_form(upload("plan.xlsx", content)))

    assert response.status_code == 200
    assert "The file must have 1,000 rows or fewer below its header, empty rows included" in response.content.decode()
    assert not ActionPlan.objects.exists()


def test_an_ordinary_workbook_passes_the_guard(region, dph_lead):
    from sli_portal.core import spreadsheets

    content = xlsx_bytes([HEADER, row("1", "First", "1"), row("2", "Second", "2")])
    rows = spreadsheets.read_first_sheet(content, max_rows=10, max_columns=50, too_long="too long")
    assert [r[:2] for r in rows] == [HEADER[:2], ["1", "First"], ["2", "Second"]]


def test_a_line_break_typed_in_a_title_cell_becomes_a_space(region):
    [priority] = exports.parse_plan_table(
        [HEADER, row("1", "Healthy\nplaces", "1", "Smoke-free\r\nhomes")], region=region
    )
    assert (priority.title, priority.objectives[0].title) == ("Healthy places", "Smoke-free homes")


def test_each_row_is_checked_by_its_own_form(region):
    form = exports.PlanRowForm(
        ["x", "", "", "", "0", "t" * 201, "", "31/02/2026"],
        positions={name: index for index, name in enumerate(HEADER[:8])},
        leads=exports._Leads(region),
    )
    assert not form.is_valid()
    assert form.problems() == [
        "the priority number must be a whole number from 1, like 2",
        "enter the priority title",
        "the objective number must be a whole number from 1, like 14",
        "the objective title must be 200 characters or fewer",
        "the target date must be a real date, like 31/03/2026",
    ]
