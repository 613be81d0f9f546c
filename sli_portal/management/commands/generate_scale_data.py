"""python manage.py generate_scale_data --scale N: a national-scale data set after load_demo."""

from __future__ import annotations

import argparse
import time

from django.core.management.base import BaseCommand, CommandError

from sli_portal.data import scale as generator
from sli_portal.data.statistics import refresh_statistics


class Command(BaseCommand):
    help = (
        "Add generated regions to the demo for benchmarks: --scale 1 is one region of the demo's size, "
        "--scale 10 all nine English regions; --history N gives each N times the past plans, updates, "
        "meetings, snapshots and peer challenges. Refuses to run twice unless --force (which replaces them)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="1 (one region) to 10 (all nine regions)")
        parser.add_argument(
            "--history", type=int, default=1, help="1 (three plans over nine years, 36 snapshots) to 10 times that past"
        )
        parser.add_argument(
            "--force", action="store_true", help="Delete the regions generated before and generate them again"
        )
        # For tests: a number of regions other than the scale's.
        parser.add_argument("--regions", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args, scale: int, history: int, force: bool, regions: int | None, **options):
        if not 1 <= scale <= 10:
            raise CommandError("Enter a scale from 1 to 10")
        if not 1 <= history <= 10:
            raise CommandError("Enter a history from 1 to 10")
        if regions is not None and not 1 <= regions <= len(generator.REGIONS):
            raise CommandError(f"Enter a number of regions from 1 to {len(generator.REGIONS)}")
        if generator.already_generated():
            if not force:
                raise CommandError("Scale data was already generated in this database: run with --force to replace it")
            generator.delete_scale_data()
        started = time.perf_counter()
        created = generator.generate_scale_data(scale=scale, regions=regions, history=history)
        seconds = time.perf_counter() - started
        for name, count in created.items():
            self.stdout.write(f"  {name:<18} {count:>7}")
        self.stdout.write(
            f"Generated {created.get('Region', 0)} regions at scale {scale}, history {history}, in {seconds:.1f} s"
        )
        if refresh_statistics():
            self.stdout.write("Table statistics refreshed (ANALYZE)")
