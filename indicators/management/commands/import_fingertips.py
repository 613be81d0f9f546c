"""Load values from a Fingertips "all data" CSV export: `import_fingertips FILE.csv`.

The file is the one Fingertips offers under "Export data" ("all data" for an indicator or a
profile, CSV): its columns are found by name. Rows for England, the English regions and the
councils in the portal's register are loaded; any other area, and a row that cannot be read, is
printed with its line number and skipped. Importing the same file twice changes nothing. The
last line printed is `created N, updated N, unchanged N, rejected N`, as import_local_authorities
prints it. See indicators/importer.py for the rules.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from indicators.importer import import_values
from indicators.models import IndicatorImport


class Command(BaseCommand):
    help = "Load indicator values from a Fingertips “all data” CSV export."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            # newline="" as the csv module asks: a quoted value may hold a line break.
            stream = file.open(encoding="utf-8-sig", newline="")
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        with stream:
            try:
                record = import_values(
                    file=stream,
                    source=IndicatorImport.Source.COMMAND,
                    file_name=file.name,
                    on_reject=lambda line, reason: self.stderr.write(f"Line {line}: {reason}"),
                )
            except ValidationError as error:
                raise CommandError(f"{file}: {' '.join(error.messages)}") from error
        self.stdout.write(record.summary)
