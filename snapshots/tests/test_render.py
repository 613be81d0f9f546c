"""The render task: a tagged PDF and the HTML page, idempotent, failures recorded and retried,
renders that never reached the broker (or whose worker died) swept up again."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from kombu.exceptions import OperationalError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from snapshots import services, tasks
from snapshots.models import Snapshot

pytestmark = pytest.mark.django_db

S = Snapshot.State


def _render(snapshot, capture) -> Snapshot:
    with capture(execute=True):
        services.request_render(snapshot=snapshot)
    snapshot.refresh_from_db()
    return snapshot


def _files(media_root) -> list[str]:
    return sorted(str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file())


@pytest.fixture
def rendered(programme, snapshot, django_capture_on_commit_callbacks):
    return _render(snapshot, django_capture_on_commit_callbacks)


def test_the_render_task_makes_a_tagged_multi_page_pdf(rendered):
    assert rendered.state == S.READY and rendered.rendered_at is not None
    data = rendered.pdf.read()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == rendered.page_count > 1
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert reader.metadata.title == "SW ADPH SLI snapshot: October 2024"


def _structure_elements(root):
    """Every structure element of a tagged PDF's tree, depth first."""
    stack, seen = [root["/StructTreeRoot"]], set()
    while stack:
        node = stack.pop()
        reference = getattr(node, "idnum", None)
        node = node.get_object()
        if reference is not None:
            if reference in seen:
                continue
            seen.add(reference)
        if isinstance(node, ArrayObject):
            stack.extend(node)
        elif isinstance(node, DictionaryObject):
            if "/S" in node:
                yield node
            if "/K" in node:
                stack.append(node["/K"])


def test_every_figure_of_the_pdf_has_alternative_text_and_every_data_cell_its_headers(
    programme, snapshot, django_capture_on_commit_callbacks
):
    # Rendered the day after 2024/25 Q2 was due: the charts have bars.
    with time_machine.travel(datetime.datetime(2024, 10, 15, 9, tzinfo=datetime.UTC), tick=False):
        rendered = _render(snapshot, django_capture_on_commit_callbacks)
    root = PdfReader(io.BytesIO(rendered.pdf.read())).trailer["/Root"]
    elements = list(_structure_elements(root))

    figures = [element for element in elements if element["/S"] == "/Figure"]
    assert figures, "the snapshot's charts are tagged as figures"
    for figure in figures:
        assert str(figure.get("/Alt", "")).startswith("Bar chart of the RAG statuses"), figure
    cells = [element for element in elements if element["/S"] == "/TD"]
    assert cells and all(element["/A"].get("/Headers") for element in cells)
    assert "2024/25 Q2: 1 amber, 1 green" in str(figures[0]["/Alt"])


def test_the_pdf_text_has_priorities_and_key_objectives_in_reading_order(rendered):
    reader = PdfReader(io.BytesIO(rendered.pdf.read()))
    # After the cover, at a glance and the contents (which lists the priorities too), from the progress section on.
    text = " ".join(" ".join(page.extract_text() for page in reader.pages[3:]).split())
    text = text[text.index("Progress against the plan") :]
    order = [
        "Priority 1: Healthy places",
        "Key Objective 1: Shared assurance framework",
        "Key Objective 2: Winter exercise",
        "Priority 2: Health inequalities",
        "Key Objective 3: Inclusion health needs assessment",
    ]
    positions = [text.index(item) for item in order]
    assert positions == sorted(positions)


def test_the_html_file_is_the_compiled_document(rendered):
    assert rendered.html.read().decode() == services.build_html(rendered)
    assert rendered.content_hash == services.content_hash(services.build_html(rendered))


def test_rendering_the_same_content_again_keeps_the_files(rendered, django_capture_on_commit_callbacks, monkeypatch):
    rendered_at, pdf_name = rendered.rendered_at, rendered.pdf.name

    def no_layout(html):
        raise AssertionError("unchanged content must not be laid out again")

    monkeypatch.setattr(services, "render_pdf_document", no_layout)
    again = _render(rendered, django_capture_on_commit_callbacks)
    assert (again.state, again.pdf.name) == (S.READY, pdf_name)
    assert again.rendered_at > rendered_at


def test_new_content_replaces_the_files_without_duplicates(
    rendered, programme, media_root, django_capture_on_commit_callbacks
):
    before = _files(media_root)
    old_hash = rendered.content_hash
    services.update_snapshot(
        snapshot=rendered, title=rendered.title, introduction="A new introduction.", highlights="", adph_updates=""
    )
    again = _render(rendered, django_capture_on_commit_callbacks)
    assert again.state == S.READY and again.content_hash != old_hash
    assert "A new introduction." in again.html.read().decode()
    assert (
        _files(media_root)
        == before
        == ["snapshots/html/south-west-2024-10.html", "snapshots/pdf/south-west-2024-10.pdf"]
    )


def test_a_failed_render_records_the_error_and_a_retry_recovers(
    programme, snapshot, monkeypatch, django_capture_on_commit_callbacks
):
    real = services.render_pdf_document

    def broken(html):
        raise RuntimeError("Pango could not load a font")

    monkeypatch.setattr(services, "render_pdf_document", broken)
    failed = _render(snapshot, django_capture_on_commit_callbacks)
    assert failed.state == S.FAILED
    assert failed.error == "RuntimeError: Pango could not load a font"
    assert not failed.pdf

    monkeypatch.setattr(services, "render_pdf_document", real)
    recovered = _render(failed, django_capture_on_commit_callbacks)
    assert (recovered.state, recovered.error) == (S.READY, "")
    assert recovered.pdf.read().startswith(b"%PDF-")


def test_a_worker_retries_with_backoff_before_it_gives_up(snapshot, monkeypatch):
    """Off the eager path, the task asks Celery to retry and leaves the snapshot rendering."""
    snapshot.mark_rendering()
    monkeypatch.setattr(services, "render_snapshot", lambda snapshot_id: (_ for _ in ()).throw(OSError("disk full")))
    retried = []

    def fake_retry(exc, countdown):
        retried.append(countdown)
        return RuntimeError("retry")

    task = tasks.render_snapshot
    monkeypatch.setattr(task, "retry", fake_retry)
    task.push_request(is_eager=False, retries=0)
    try:
        with pytest.raises(RuntimeError, match="retry"):
            task.run(snapshot.pk)
    finally:
        task.pop_request()
    snapshot.refresh_from_db()
    assert snapshot.state == S.RENDERING
    assert 30 <= retried[0] <= 45

    task.push_request(is_eager=False, retries=tasks.MAX_RENDER_RETRIES)
    try:
        assert task.run(snapshot.pk) == "failed"
    finally:
        task.pop_request()
    snapshot.refresh_from_db()
    assert (snapshot.state, snapshot.error) == (S.FAILED, "OSError: disk full")


def test_a_render_held_by_a_live_worker_is_not_started_twice(snapshot):
    snapshot.mark_rendering()
    Snapshot.objects.filter(pk=snapshot.pk).update(render_started_at=timezone.now())
    assert services.render_snapshot(snapshot_id=snapshot.pk) == "skipped"


def test_a_render_of_a_snapshot_that_is_not_rendering_does_nothing(ready_snapshot):
    assert services.render_snapshot(snapshot_id=ready_snapshot.pk) == "skipped"


def test_the_task_options_say_a_killed_worker_leaves_the_render_for_the_next():
    task = tasks.render_snapshot
    assert task.acks_late and task.reject_on_worker_lost
    assert task.soft_time_limit < task.time_limit


# --- The broker and the sweep -------------------------------------------------------------


def _broker_down(monkeypatch, calls):
    def refuse(snapshot_id):
        calls.append(snapshot_id)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.render_snapshot, "delay", refuse)


def test_when_the_broker_is_down_the_request_is_kept(snapshot, monkeypatch, django_capture_on_commit_callbacks):
    _broker_down(monkeypatch, calls := [])
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_render(snapshot=snapshot)
    assert request.queued is False and calls == [snapshot.pk]
    snapshot.refresh_from_db()
    assert snapshot.state == S.RENDERING and snapshot.render_requested_at is not None


def test_the_sweep_requeues_a_request_that_never_reached_the_broker(
    snapshot, monkeypatch, django_capture_on_commit_callbacks
):
    _broker_down(monkeypatch, [])
    with django_capture_on_commit_callbacks(execute=True):
        services.request_render(snapshot=snapshot)
    queued = []
    monkeypatch.setattr(tasks.render_snapshot, "delay", queued.append)
    assert services.sweep_stale_renders() == [], "a fresh request may still be on its way"
    with django_capture_on_commit_callbacks(execute=True):
        requeued = services.sweep_stale_renders(now=timezone.now() + datetime.timedelta(minutes=3))
    assert requeued == queued == [snapshot.pk]


def test_the_sweep_requeues_a_render_whose_worker_died(snapshot, monkeypatch, django_capture_on_commit_callbacks):
    snapshot.mark_rendering()
    started = timezone.now() - datetime.timedelta(minutes=16)
    Snapshot.objects.filter(pk=snapshot.pk).update(render_started_at=started)
    queued = []
    monkeypatch.setattr(tasks.render_snapshot, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_stale_renders() == [snapshot.pk]
    snapshot.refresh_from_db()
    assert snapshot.render_started_at is None and queued == [snapshot.pk]
    # A second sweep right after finds nothing to do.
    assert services.sweep_stale_renders() == []


def test_the_sweep_leaves_a_render_in_progress_alone(snapshot):
    snapshot.mark_rendering()
    Snapshot.objects.filter(pk=snapshot.pk).update(render_started_at=timezone.now() - datetime.timedelta(minutes=5))
    assert services.sweep_stale_renders() == []


# --- The monthly schedule -------------------------------------------------------------------


@pytest.fixture
def no_render(monkeypatch):
    queued = []
    monkeypatch.setattr(services, "enqueue_render", queued.append)
    return queued


def test_the_monthly_task_drafts_one_snapshot_per_region_with_an_active_plan(
    plan, other_region, no_render, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(datetime.datetime(2024, 11, 1, 7, tzinfo=datetime.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        created = tasks.create_monthly_snapshots()
        again = tasks.create_monthly_snapshots()
    snapshot = Snapshot.objects.get()
    assert created == [snapshot.pk] and again == []
    assert (snapshot.region, snapshot.month, snapshot.state) == (plan.region, datetime.date(2024, 11, 1), S.RENDERING)
    assert snapshot.title == "SW ADPH SLI snapshot: November 2024"
    assert no_render == [snapshot.pk], "each new draft is queued to render"


def test_the_command_takes_a_month_and_a_region(plan, no_render, capsys):
    call_command("create_monthly_snapshots", "--month", "2024-03", "--region", "south-west")
    call_command("create_monthly_snapshots", "--month", "2024-03")
    assert list(Snapshot.objects.values_list("month", flat=True)) == [datetime.date(2024, 3, 1)]
    assert "No new snapshot" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--month", "March"], "Enter the month as YYYY-MM"), (["--region", "atlantis"], "No region has the slug")],
)
def test_the_command_refuses_bad_arguments(db, args, message):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("create_monthly_snapshots", *args)


def test_the_beat_schedule_names_these_tasks():
    from sli_portal.beat import BEAT_SCHEDULE

    names = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert {"snapshots.tasks.create_monthly_snapshots", "snapshots.tasks.sweep_stale_renders"} <= names
    assert {tasks.create_monthly_snapshots.name, tasks.sweep_stale_renders.name} <= names


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_a_snapshot(celery_worker_process, programme, snapshot):
    """The CI proof: Redis broker, a separate worker process, the shared test database.

    The worker writes the files under its own MEDIA_ROOT, so this test reads the row only.
    """
    snapshot.mark_rendering()
    result = tasks.render_snapshot.delay(snapshot.pk)
    assert result.get(timeout=120) == "rendered"
    snapshot.refresh_from_db()
    assert snapshot.state == S.READY, snapshot.error
    assert snapshot.page_count > 1 and len(snapshot.content_hash) == 64
    assert snapshot.pdf.name == "snapshots/pdf/south-west-2024-10.pdf"
