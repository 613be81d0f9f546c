"""python manage.py create_monthly_snapshots [--month YYYY-MM] [--region SLUG]"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from programmes.models import Region
from snapshots.services import create_monthly_snapshots


def parse_month(value: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError as error:
        raise CommandError(f"Enter the month as YYYY-MM, like 2024-03, not {value!r}") from error


class Command(BaseCommand):
    help = "Create the month's snapshot draft for every region with an active plan (never twice) and render it."

    def add_arguments(self, parser):
        parser.add_argument("--month", type=parse_month, help="YYYY-MM; the current month when left out")
        parser.add_argument("--region", help="the region's slug; every region with an active plan when left out")

    def handle(self, *args, month=None, region=None, **options):
        if region and not Region.objects.filter(slug=region).exists():
            raise CommandError(f"No region has the slug {region!r}")
        created = create_monthly_snapshots(month=month, region_slug=region)
        for snapshot in created:
            self.stdout.write(f"Created {snapshot.title} ({snapshot.get_state_display().lower()})")
        if not created:
            self.stdout.write("No new snapshot: each region with an active plan already has this month's.")
