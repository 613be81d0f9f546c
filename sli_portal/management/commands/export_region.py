import json
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from programmes.models import Region
from sli_portal.data.backup import MAX_FILE_BYTES, export_region


class Command(BaseCommand):
    help = (
        "Write a complete JSON archive of a region's data (see sli_portal/data/backup.py), to move the "
        "region to another portal: councils, people (no passwords), plans, priorities, objectives, updates "
        "with evidence, meetings, projects, events, snapshots with their files, subscribers and peer "
        "challenges. Not a backup of the portal: deploy/backup.sh is."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The region's slug, as in its URLs: south-west")
        parser.add_argument("--output", "-o", help="The file to write; standard output when left out")
        parser.add_argument(
            "--max-file-mb",
            type=int,
            default=MAX_FILE_BYTES // (1024 * 1024),
            help="Embed files up to this size (default %(default)s MB); larger ones are listed by name only",
        )

    def handle(self, *args, slug: str, output: str | None, max_file_mb: int, **options):
        region = Region.objects.filter(slug=slug).first()
        if region is None:
            raise CommandError(f"No region has the slug {slug!r}")
        if max_file_mb < 0:
            raise CommandError("--max-file-mb must be 0 or more")
        archive = export_region(region, max_file_bytes=max_file_mb * 1024 * 1024)
        text = json.dumps(archive, ensure_ascii=False, indent=1)
        if output:
            # Personal data: readable by its owner only (0600), whatever the umask.
            descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.fchmod(descriptor, 0o600)  # an existing file keeps its mode through O_CREAT
            with open(descriptor, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            sys.stdout.write(text)
        # Messages go to stderr so that standard output stays a valid archive.
        for name in archive["files_not_embedded"]:
            self.stderr.write(f"Not embedded: {name}")
        if output:
            self.stderr.write(f"{region.name} exported to {output}")
