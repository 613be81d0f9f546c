import os

import pytest
from django.conf import settings
from django.db import connection

import conftest
from sli_portal.tasks import worker_health


@pytest.mark.skipif(bool(os.environ.get("REDIS_URL")), reason="the embedded default is the one without REDIS_URL")
def test_tasks_run_eagerly_in_the_embedded_default(db):
    assert settings.CELERY_TASK_ALWAYS_EAGER, "the embedded default runs tasks in-process"
    assert worker_health.delay().get(timeout=5) == {
        "database": "ok",
        "database_name": str(connection.settings_dict["NAME"]),
    }


def test_a_missing_service_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="Redis is not available"):
        conftest.require_service("Redis", "set REDIS_URL")


def test_a_missing_service_skips_on_a_developer_machine(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        conftest.require_service("Redis", "set REDIS_URL")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_on_the_test_database(celery_worker_process):
    result = worker_health.delay()
    assert result.get(timeout=60) == {"database": "ok", "database_name": str(connection.settings_dict["NAME"])}
