"""What the portal's render tasks share: retry a passing failure with backoff, record the last."""

from __future__ import annotations

import random
from collections.abc import Callable

from celery.exceptions import SoftTimeLimitExceeded

# A PDF render (snapshots, annual reports): acknowledged only after it ran, so a worker killed
# mid-render leaves it to the next; two minutes means a layout gone wrong; three retries.
RENDER_TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": 120,
    "time_limit": 150,
    "max_retries": 3,
}


def backoff(retries: int) -> int:
    # 30 s, 60 s, 120 s, with jitter so renders that failed together do not retry together.
    return 30 * 2**retries + random.randint(0, 15)


def retry_or_record(task, error: Exception, record: Callable[[str], None]) -> str:
    """Retry `task` after `error`, or, after its last retry, call `record` with the message and
    answer "failed". Eagerly (no broker, `make run`) there is no waiting: the first failure is
    recorded at once rather than blocking the web request."""
    message = "The render took too long" if isinstance(error, SoftTimeLimitExceeded) else str(error)
    if task.request.is_eager or task.request.retries >= task.max_retries:
        record(f"{type(error).__name__}: {message}")
        return "failed"
    raise task.retry(exc=error, countdown=backoff(task.request.retries)) from error
