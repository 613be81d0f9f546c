import json

from django.core.management.base import BaseCommand, CommandError

from sli_portal.data.backup import ArchiveError, import_region
from sli_portal.data.statistics import refresh_statistics


class Command(BaseCommand):
    help = (
        "Restore a region from an archive written by export_region, in one transaction. Refuses when the "
        "region or any of its councils already exists. Users are matched by username or created without "
        "a usable password (they set one with 'Forgotten your password' or an admin)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive (JSON) to import")

    def handle(self, *args, file: str, **options):
        try:
            with open(file, encoding="utf-8") as handle:
                archive = json.load(handle)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        except ValueError as error:
            raise CommandError(f"{file} is not valid JSON: {error}") from error
        try:
            result = import_region(archive)
        except ArchiveError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Imported {result.region.name} ({result.region.slug}).")
        if refresh_statistics():
            self.stdout.write("Table statistics refreshed (ANALYZE).")
        self.stdout.write(
            f"Users: {len(result.users_created)} created without a password, {len(result.users_matched)} already here."
        )
        for warning in result.warnings:
            self.stdout.write(f"Warning: {warning}")
