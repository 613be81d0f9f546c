"""What the portal's render tasks share: retry a passing failure with backoff, record the last."""

from __future__ import annotations

import random
from collections.abc import Callable

from celery.exceptions import SoftTimeLimitExceeded


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
