"""Faults, nothing lost: a worker killed mid-render, a broker that is down, WeasyPrint failing.

The `integration` tests need a real Redis (REDIS_URL) and a database a worker process can read
(PostgreSQL in CI); `.ci/run` runs them. Locally:

    CI=true REDIS_URL=redis://127.0.0.1:6379/13 \\
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/faultci \\
      .venv/bin/python -m pytest -m integration snapshots/tests/test_faults.py --create-db
"""

from __future__ import annotations

import contextlib
import datetime
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from snapshots import services, tasks
from snapshots.models import Snapshot

S = Snapshot.State

# A worker whose WeasyPrint hangs: the render is claimed (render_started_at is set) and then
# never finishes, so the test can kill the worker in the middle of it. The hook lives here, in
# the test, not in production code.
HANGING_WORKER = """
import os, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sli_portal.settings")
django.setup()
from snapshots import services
def hang(html):
    time.sleep(3600)
services.render_pdf_document = hang
from sli_portal.celery import app
app.worker_main(sys.argv[1:])
"""


def _need_real_services():
    from sli_portal.celery import app

    if not os.environ.get("REDIS_URL") or app.conf.task_always_eager:
        message = "needs REDIS_URL set before pytest starts (a real Redis broker)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def _database_url() -> str:
    from conftest import _database_url_for_worker

    return _database_url_for_worker()


def _start_worker(tmp_path, *, queue: str, hanging: bool) -> subprocess.Popen:
    """A Celery worker process on the real broker, reading the test database; files under tmp."""
    from conftest import start_test_worker

    return start_test_worker(
        queue=queue,
        env={"DATABASE_URL": _database_url(), "MEDIA_ROOT": str(tmp_path / "worker-media")},
        command=[sys.executable, "-c", HANGING_WORKER] if hanging else None,
    )


def _stop(worker: subprocess.Popen) -> None:
    from conftest import stop_test_worker

    stop_test_worker(worker)


def _wait_for(snapshot: Snapshot, condition, *, timeout: float, what: str) -> Snapshot:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        snapshot.refresh_from_db()
        if condition(snapshot):
            return snapshot
        time.sleep(0.05)  # polling another process's progress, not waiting for time to pass
    pytest.fail(f"{what}: still {snapshot.state} after {timeout} s ({snapshot.error})", pytrace=False)


@contextlib.contextmanager
def dead_broker():
    """This process's Celery app points at a port where nothing listens, then back."""
    from sli_portal.celery import app

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    saved = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    reset_pools()
    try:
        yield
    finally:
        app.conf.broker_url = saved
        reset_pools()


# --- (a) a worker killed in the middle of a render -------------------------------------------


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_render_whose_worker_is_killed_is_rendered_by_the_next_worker(programme, snapshot, tmp_path):
    _need_real_services()
    queue = f"fault-{uuid.uuid4().hex[:8]}"
    hanging = _start_worker(tmp_path, queue=queue, hanging=True)
    try:
        snapshot.mark_rendering()
        tasks.render_snapshot.apply_async((snapshot.pk,), queue=queue)
        # The worker has claimed the render: it is in the middle of it.
        _wait_for(snapshot, lambda s: s.render_started_at is not None, timeout=60, what="claim")
        os.kill(hanging.pid, signal.SIGKILL)
        hanging.wait(timeout=20)
    finally:
        _stop(hanging)
    snapshot.refresh_from_db()
    assert snapshot.state == S.RENDERING, "killed mid-render: not ready, not failed"

    # No worker is alive to finish it; a fresh one does not pick up someone else's claim...
    assert services.render_snapshot(snapshot_id=snapshot.pk) == "skipped"
    # ...until the periodic sweep finds the claim stale and queues the render again.
    later = timezone.now() + services.STALE_RENDER + datetime.timedelta(minutes=1)
    assert services.sweep_stale_renders(now=later) == [snapshot.pk]
    worker = _start_worker(tmp_path, queue="celery", hanging=False)
    try:
        _wait_for(snapshot, lambda s: s.state != S.RENDERING, timeout=120, what="the next worker's render")
    finally:
        _stop(worker)
    assert snapshot.state == S.READY, snapshot.error
    assert snapshot.page_count and len(snapshot.content_hash) == 64


# --- (b) the broker is down when the coordinator asks for a render ---------------------------------


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_render_requested_while_the_broker_is_down_is_kept_and_swept_up(
    client, coordinator, programme, snapshot, tmp_path
):
    _need_real_services()
    client.force_login(coordinator)
    with dead_broker():
        response = client.post(reverse("snapshot_render", args=["south-west", "2024-10"]), follow=True)
    assert response.status_code == 200
    assert "the task queue is not answering. Your request is kept" in response.content.decode()
    snapshot.refresh_from_db()
    assert snapshot.state == S.RENDERING and snapshot.render_requested_at is not None
    assert snapshot.render_started_at is None

    # The broker is back: the beat's sweep (every 10 minutes) queues the request again.
    assert services.sweep_stale_renders() == [], "a fresh request may still be on its way"
    later = timezone.now() + services.UNQUEUED_RENDER + datetime.timedelta(minutes=1)
    worker = _start_worker(tmp_path, queue="celery", hanging=False)
    try:
        assert services.sweep_stale_renders(now=later) == [snapshot.pk]
        _wait_for(snapshot, lambda s: s.state != S.RENDERING, timeout=120, what="the swept render")
    finally:
        _stop(worker)
    assert snapshot.state == S.READY, snapshot.error


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_publishing_while_the_broker_is_down_still_publishes(client, publisher, snapshot):
    """Publishing needs no worker; the e-bulletin's queueing failure must not lose the publication."""
    from snapshots.tests.conftest import make_ready

    _need_real_services()
    make_ready(snapshot)
    client.force_login(publisher)
    with dead_broker():
        response = client.post(reverse("snapshot_publish", args=["south-west", "2024-10"]), follow=True)
    assert response.status_code == 200
    snapshot.refresh_from_db()
    assert snapshot.state == S.PUBLISHED and "Snapshot published" in response.content.decode()


# --- (c) WeasyPrint raises ------------------------------------------------------------------------


def test_a_failing_weasyprint_marks_the_snapshot_failed_and_a_retry_recovers(
    client, coordinator, programme, snapshot, monkeypatch, django_capture_on_commit_callbacks
):
    """Eager Celery (the embedded default): the failure is recorded at once, with its error."""

    def broken(html):
        raise OSError("cairo: out of memory while laying out page 3")

    client.force_login(coordinator)
    url = reverse("snapshot_render", args=["south-west", "2024-10"])
    monkeypatch.setattr(services, "render_pdf_document", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    snapshot.refresh_from_db()
    assert snapshot.state == S.FAILED
    assert snapshot.error == "OSError: cairo: out of memory while laying out page 3"
    page = client.get(reverse("snapshot_detail", args=["south-west", "2024-10"])).content.decode()
    assert "out of memory while laying out page 3" in page, "the coordinator sees the error"

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    snapshot.refresh_from_db()
    assert snapshot.state == S.READY and snapshot.error == ""
    assert snapshot.pdf and snapshot.page_count


def test_a_failing_weasyprint_on_a_worker_is_retried_then_recorded(programme, snapshot, monkeypatch):
    """On a worker: a passing failure is retried with backoff; after the last retry, `failed`."""
    calls = []

    def broken(html):
        calls.append(1)
        raise OSError("font cache locked")

    monkeypatch.setattr(services, "render_pdf_document", broken)
    snapshot.mark_rendering()
    retried = []
    monkeypatch.setattr(tasks.render_snapshot, "retry", lambda **kw: retried.append(kw) or RuntimeError("retry"))
    task = tasks.render_snapshot
    for attempt in range(task.max_retries + 1):
        task.push_request(retries=attempt, is_eager=False)
        try:
            if attempt < task.max_retries:
                with pytest.raises(RuntimeError):
                    task.run(snapshot.pk)
                snapshot.refresh_from_db()
                assert snapshot.state == S.RENDERING and snapshot.render_started_at is None, "claimable again"
            else:
                assert task.run(snapshot.pk) == "failed"
        finally:
            task.pop_request()
    snapshot.refresh_from_db()
    assert len(calls) == task.max_retries + 1 and len(retried) == task.max_retries
    assert [kw["countdown"] // 30 for kw in retried] == [1, 2, 4]
    assert snapshot.state == S.FAILED and "font cache locked" in snapshot.error
