from celery import shared_task


@shared_task
def ping() -> str:
    """Round trip through the broker and a worker.

    Operators run `celery -A sli_portal call sli_portal.tasks.ping`; CI uses it to prove a real
    worker consumes from the real broker.
    """
    return "pong"
