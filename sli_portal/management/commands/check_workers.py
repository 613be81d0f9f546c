"""`manage.py check_workers`: is a Celery worker consuming from the broker? It asks every worker
to answer and exits non-zero when none does within the timeout (use it after a deploy, and in
monitoring). It also says when beat last sent its heartbeat."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sli_portal.health import workers_report


class Command(BaseCommand):
    help = "Wait for the Celery workers' answers; exit non-zero when none answers."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=10.0, help="Seconds to wait for answers (default 10)")

    def handle(self, *args, timeout: float, **options):
        if settings.CELERY_TASK_ALWAYS_EAGER:
            self.stdout.write("No broker is configured: tasks run in the web process, there is no worker to ask.")
            return
        if timeout <= 0:
            raise CommandError("--timeout must be more than 0 seconds")
        from kombu.exceptions import OperationalError

        from sli_portal.celery import app

        try:
            replies = app.control.ping(timeout=timeout)
        except (OperationalError, OSError) as error:
            raise CommandError(f"The broker cannot be reached: {error}") from error
        names = sorted(name for reply in replies for name in reply)
        if not names:
            raise CommandError(f"No worker answered within {timeout:g} s: start one (`celery -A sli_portal worker`)")
        for name in names:
            self.stdout.write(f"Worker answered: {name}")
        beat = workers_report()[1]["beat"]
        if "age_seconds" not in beat:
            self.stdout.write("Beat has never sent its heartbeat: is `celery -A sli_portal beat` running?")
        else:
            self.stdout.write(f"Beat's last heartbeat: {beat['age_seconds']} s ago")
