"""Load or update England's councils from a CSV of ONS codes: `import_local_authorities FILE.csv`.

Columns (header row required, any order): gss_code, name, region, type, and optionally active.
- gss_code: the council's ONS code (E06…, E08…, E09…, E10…).
- region: the ONS name of the English region ("South West"); created when missing.
- type: as ONS names it: County, Unitary authority, Metropolitan district, London borough,
  City corporation.
- active: optional; "no"/"false"/"0" marks a council that no longer exists as inactive.

A council is found by its ONS code and updated when a value differs; a second run over the same
file changes nothing. Councils missing from the file are left alone: the command never deletes
and never guesses that a council is gone. A bad row is reported with its line number and
skipped; the good rows are still loaded. The last line printed is
`created N, updated N, unchanged N, rejected N`.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from programmes.models import REGION_CODES, LocalAuthority, Region

REQUIRED_COLUMNS = ("gss_code", "name", "region", "type")

KINDS = {
    "county": LocalAuthority.Kind.COUNTY,
    "unitary authority": LocalAuthority.Kind.UNITARY,
    "metropolitan district": LocalAuthority.Kind.METROPOLITAN_DISTRICT,
    "london borough": LocalAuthority.Kind.LONDON_BOROUGH,
    "city corporation": LocalAuthority.Kind.CITY_CORPORATION,
}

ACTIVE_VALUES = {"": True, "yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


class RowError(Exception):
    pass


class Command(BaseCommand):
    help = "Load or update councils from a CSV with the columns gss_code,name,region,type (and optionally active)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        reader = csv.DictReader(text.splitlines())
        columns = {(name or "").strip().lower() for name in reader.fieldnames or []}
        missing = [column for column in REQUIRED_COLUMNS if column not in columns]
        if missing:
            raise CommandError(
                f"{file} has no column {', '.join(missing)}: the header must be gss_code,name,region,type"
            )
        counts = {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
        regions = {region.name.lower(): region for region in Region.objects.all()}
        seen: dict[str, int] = {}
        for row in reader:
            line = reader.line_num
            row = {(key or "").strip().lower(): (value or "").strip() for key, value in row.items() if key}
            try:
                with transaction.atomic():
                    outcome = self._load_row(row, regions, seen, line)
            except RowError as error:
                counts["rejected"] += 1
                self.stderr.write(f"Line {line}: {error}")
                # A region created for this row was rolled back with it.
                regions = {region.name.lower(): region for region in Region.objects.all()}
                continue
            counts[outcome] += 1
        self.stdout.write(", ".join(f"{name} {count}" for name, count in counts.items()))

    def _load_row(self, row: dict, regions: dict, seen: dict, line: int) -> str:
        # A NUL byte is a corrupt file, not a name: PostgreSQL refuses it in text columns.
        if any("\x00" in value for value in row.values()):
            raise RowError("the row holds a NUL character: save the file again as CSV UTF-8")
        gss_code, name = row.get("gss_code", "").upper(), row.get("name", "")
        if not gss_code:
            raise RowError("enter the council's ONS code (gss_code)")
        if gss_code in seen:
            raise RowError(f"{gss_code} is already on line {seen[gss_code]}")
        if not name:
            raise RowError(f"enter the name of {gss_code}")
        kind = KINDS.get(row.get("type", "").lower())
        if kind is None:
            raise RowError(f"type “{row.get('type', '')}” is not one of {', '.join(k.capitalize() for k in KINDS)}")
        active_text = row.get("active", "").lower()
        if active_text not in ACTIVE_VALUES:
            raise RowError(f"active “{row.get('active')}” must be yes or no")
        region = self._region(row.get("region", ""), regions)
        seen[gss_code] = line
        values = {"name": name, "region": region, "kind": kind}
        if "active" in row and active_text:
            values["active"] = ACTIVE_VALUES[active_text]
        council = LocalAuthority.objects.filter(gss_code=gss_code).first()
        created = council is None
        if created:
            council = LocalAuthority(gss_code=gss_code, **values)
        else:
            changed = [field for field, value in values.items() if getattr(council, field) != value]
            if not changed:
                return "unchanged"
            for field in changed:
                setattr(council, field, values[field])
        try:
            council.full_clean()
        except ValidationError as error:
            raise RowError(
                "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
            ) from None
        council.save()
        return "created" if created else "updated"

    def _region(self, name: str, regions: dict) -> Region:
        if not name:
            raise RowError("enter the region")
        region = regions.get(name.lower())
        if region is not None:
            return region
        code = REGION_CODES.get(name.lower())
        if code is None:
            raise RowError(f"region “{name}” is not one of England's nine regions")
        region = Region(name=name, slug=slugify(name), gss_code=code)
        try:
            region.full_clean()
        except ValidationError as error:
            raise RowError(f"cannot create region “{name}”: {' '.join(error.messages)}") from None
        region.save()
        regions[name.lower()] = region
        return region
