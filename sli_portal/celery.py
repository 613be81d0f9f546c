import contextlib
import logging
import os

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sli_portal.settings")

app = Celery("sli_portal")
# Every Celery option lives in Django settings under the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)
HEARTBEAT = "sli_portal.tasks.heartbeat"


@before_task_publish.connect
def carry_the_request_id(sender=None, headers=None, **kwargs):
    """A task queued while a request is handled logs with that request's id; and beat's
    heartbeat, when beat sends it, records beat's tick."""
    from sli_portal.core.logging import current_request_id

    if headers is not None and current_request_id() != "-":
        headers["request_id"] = current_request_id()
    if sender == HEARTBEAT:
        from sli_portal.tasks import Heartbeat, record_heartbeat

        try:
            record_heartbeat(Heartbeat.Source.BEAT)
        except Exception:  # noqa: BLE001 - a database hiccup must not stop beat sending
            logger.exception("Could not record beat's heartbeat")


_tokens: dict[str, object] = {}


@task_prerun.connect
def adopt_the_request_id(task_id=None, task=None, **kwargs):
    from sli_portal.core.logging import current_request_id, new_request_id, set_request_id

    request_id = getattr(task.request, "request_id", None) if task is not None else None
    if request_id:
        request_id = new_request_id(request_id)
    else:
        # Run eagerly inside a request, the task keeps that request's id; beat's tasks get their own.
        request_id = current_request_id() if current_request_id() != "-" else f"task-{task_id}"
    _tokens[task_id] = set_request_id(request_id)


@task_postrun.connect
def drop_the_request_id(task_id=None, **kwargs):
    from sli_portal.core.logging import reset_request_id

    token = _tokens.pop(task_id, None)
    if token is not None:
        # Set in another context (a thread pool): nothing to undo here.
        with contextlib.suppress(ValueError):
            reset_request_id(token)
