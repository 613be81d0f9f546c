import pytest
from django.db import OperationalError

from sli_portal import health


def test_healthz_reports_the_database_and_an_unconfigured_broker(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # what no REDIS_URL means
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "not configured"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_fails(client, db, monkeypatch):
    def broken():
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["database"].startswith("error:")


def test_healthz_is_503_when_a_configured_broker_is_down(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_BROKER_CONNECTION_TIMEOUT = 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["broker"].startswith("error:")


@pytest.mark.integration
def test_healthz_reports_a_reachable_broker(client, db, settings, celery_worker_process):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/healthz")
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_refuses_post(client, db):
    assert client.post("/healthz").status_code == 405
