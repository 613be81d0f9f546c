"""Two hosts (issue 18): a Celery worker on one renders a snapshot, the web portal on another
serves it. The worker is a real process on the real broker, reading the same PostgreSQL test
database, with a MEDIA_ROOT of its own standing for the other host's disk; the test process is
the web host, with its own MEDIA_ROOT.

With the files in a bucket (the AWS_* variables, passed to the worker as an operator sets them
on every host) the web host serves the worker's PDF. With each host's own disk it cannot: that
is why the setting exists. Needs REDIS_URL, PostgreSQL and S3_TEST_ENDPOINT_URL (.ci/run):

    .venv/bin/moto_server -H 127.0.0.1 -p 5123 &
    S3_TEST_ENDPOINT_URL=http://127.0.0.1:5123 REDIS_URL=redis://127.0.0.1:6379/13 \\
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/sli_s3_it \\
      .venv/bin/python -m pytest -m integration sli_portal/tests/test_two_hosts.py --create-db
"""

from __future__ import annotations

import datetime
import os
import uuid

import pytest
from django.urls import reverse

from conftest import _database_url_for_worker, require_service, start_test_worker, stop_test_worker
from snapshots import tasks
from snapshots.models import Snapshot
from snapshots.tests.factories import SnapshotFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PDF_NAME = "snapshots/pdf/south-west-2024-10.pdf"


@pytest.fixture
def snapshot(region, plan, progress):
    return SnapshotFactory(region=region, month=datetime.date(2024, 10, 1), title="SW ADPH SLI snapshot: October 2024")


def _render_on_the_worker_host(snapshot: Snapshot, worker_env: dict[str, str]) -> Snapshot:
    """Queue the real render task through the broker to a worker started with `worker_env`."""
    from sli_portal.celery import app

    if not os.environ.get("REDIS_URL") or app.conf.task_always_eager:
        require_service("Redis", "set REDIS_URL before pytest starts (a real broker for the worker)")
    queue = f"two-hosts-{uuid.uuid4().hex[:8]}"
    worker = start_test_worker(queue=queue, env={"DATABASE_URL": _database_url_for_worker(), **worker_env})
    try:
        snapshot.mark_rendering()
        result = tasks.render_snapshot.apply_async((snapshot.pk,), queue=queue)
        assert result.get(timeout=180) == "rendered"
    finally:
        stop_test_worker(worker)
    snapshot.refresh_from_db()
    assert snapshot.state == Snapshot.State.READY, snapshot.error
    return snapshot


def test_with_a_bucket_the_web_host_serves_the_pdf_a_worker_host_rendered(
    client, coordinator, snapshot, s3_bucket, media_root, tmp_path
):
    worker_disk = tmp_path / "worker-host"
    snapshot = _render_on_the_worker_host(snapshot, {"MEDIA_ROOT": str(worker_disk), **s3_bucket.environment()})

    assert PDF_NAME in s3_bucket.object_keys()
    assert not worker_disk.exists() and not media_root.exists(), "the files are in the bucket, on no host's disk"
    client.force_login(coordinator)
    response = client.get(reverse("snapshot_rendered_pdf", args=["south-west", "2024-10"]))
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF") and len(pdf) == snapshot.pdf_bytes > 0


def test_with_each_host_s_own_disk_the_web_host_cannot_serve_what_the_worker_rendered(
    client, coordinator, snapshot, media_root, tmp_path, caplog
):
    worker_disk = tmp_path / "worker-host"
    snapshot = _render_on_the_worker_host(snapshot, {"MEDIA_ROOT": str(worker_disk), "AWS_STORAGE_BUCKET_NAME": ""})

    assert (worker_disk / PDF_NAME).stat().st_size == snapshot.pdf_bytes, "rendered, on the worker's disk"
    assert not (media_root / PDF_NAME).exists()
    client.force_login(coordinator)
    with caplog.at_level("ERROR", logger="sli_portal.core.http"):
        response = client.get(reverse("snapshot_rendered_pdf", args=["south-west", "2024-10"]))
    assert response.status_code == 404
    assert "The PDF of this snapshot is not available at the moment" in response.content.decode()
    assert any(PDF_NAME in record.getMessage() for record in caplog.records), "logged for the operator"
