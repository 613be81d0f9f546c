from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sli_portal.data.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the South West demo: the SW ADPH network, its councils, an illustrative SLI programme and "
        "demo users. Safe to run again: it only adds or changes what differs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo even though DEBUG is off. Demo users must never exist in production.",
        )

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like production, where demo users must never exist. "
                "Run with --force to load the demo anyway."
            )
        load_demo(stdout=self.stdout)
