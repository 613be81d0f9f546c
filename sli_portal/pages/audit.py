"""The audit trail: who changed what and when, read from django-simple-history.

Every audited model keeps a historical table (`Model.history`). This module turns its rows into
entries people can read — "Sign-off state: Proposed → Signed off, by Richard Okafor" — for one
object or for a whole region, with a bounded number of queries whatever the length of the
history:

- one query for the page of history rows (newest first, the acting user joined);
- one query for the row just before each of them (a subquery finds its id), to say what changed;
- one query per kind of related object named in a change (users, priority areas…), in bulk.

Who may read it: the region's SLI coordinator and SLI lead, and superusers. The trail shows
drafts, withdrawn snapshots and the names of everyone who edited them; members read the current
state of the programme, and the DPH lead of a priority area has the history of its updates on
the update's own history page. Memberships (who holds which role) are for the coordinator and
superusers only, who manage them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import capfirst

from indicators.models import IndicatorLink
from peer_challenges.models import PeerChallenge
from priorities.models import KeyObjective, QuarterlyUpdate
from programmes.access import RegionAccess, SignInRequired
from programmes.models import ActionPlan, Invitation, Membership, Region, SecondFactorReset
from snapshots.models import Snapshot

Role = Membership.Role

# Bookkeeping that changes on every save and says nothing to a reader of the trail.
NOISE_FIELDS = {"id", "version", "updated_at", "created_at", "token", "token_hash", "content_hash"}

COORDINATORS_AND_SLI_LEADS = "coordinators_and_sli_leads"
COORDINATORS = "coordinators"


@dataclass(frozen=True)
class AuditKind:
    """One kind of audited object: its model, how its history reaches the region, who reads it."""

    slug: str
    label: str
    model: type[models.Model]
    # Lookup from the historical row to its Region; several when it reaches it by different paths.
    region_path: str | tuple[str, ...]
    select_related: tuple[str, ...] = ()
    readers: str = COORDINATORS_AND_SLI_LEADS

    @property
    def history(self):
        return self.model.history.model._default_manager

    def describe(self, record) -> str:
        """The object a history row is about, in the domain's words, without extra queries."""
        return DESCRIBE[self.slug](record)


def _describe_update(record) -> str:
    objective = record.key_objective
    number = objective.number if objective else "?"
    return f"Key Objective {number}, {record.quarter} update"


def _describe_membership(record) -> str:
    user = record.user
    return f"{person(user)}: {dict(Role.choices).get(record.role, record.role)}"


def _describe_challenge(record) -> str:
    council = record.local_authority.name if record.local_authority else "unknown council"
    return f"{dict(PeerChallenge.Kind.choices).get(record.kind, record.kind)}, {council}"


def _describe_indicator_link(record) -> str:
    on = f"Key Objective {record.key_objective.number}" if record.key_objective else str(record.priority_area or "")
    return f"{record.indicator.name if record.indicator else 'Indicator'} on {on or 'a removed item'}"


DESCRIBE = {
    "plan": lambda record: record.title,
    "objective": lambda record: f"Key Objective {record.number}: {record.title}",
    "update": _describe_update,
    "challenge": _describe_challenge,
    "snapshot": lambda record: record.title,
    "membership": _describe_membership,
    "invitation": lambda record: f"Invitation of {person(record.user)}",
    "region": lambda record: f"Settings of {record.name}",
    "second-factor": lambda record: f"Two-factor sign-in of {person(record.user)} reset",
    "indicator-link": _describe_indicator_link,
}

# The allow-list of the URL's <kind>: nothing else can be audited through the portal.
KINDS: dict[str, AuditKind] = {
    kind.slug: kind
    for kind in (
        AuditKind("plan", "Action plan", ActionPlan, "region"),
        AuditKind("objective", "Key objective", KeyObjective, "plan__region"),
        AuditKind("update", "Quarterly update", QuarterlyUpdate, "key_objective__plan__region", ("key_objective",)),
        AuditKind("challenge", "Peer challenge", PeerChallenge, "local_authority__region", ("local_authority",)),
        AuditKind("snapshot", "Snapshot", Snapshot, "region"),
        AuditKind("membership", "Membership", Membership, "region", ("user",), readers=COORDINATORS),
        AuditKind("invitation", "Invitation", Invitation, "region", ("user",), readers=COORDINATORS),
        AuditKind("region", "Region settings", Region, "id"),
        AuditKind(
            "indicator-link",
            "Indicator link",
            IndicatorLink,
            ("priority_area__plan__region", "key_objective__plan__region"),
            ("indicator", "key_objective", "priority_area"),
        ),
        AuditKind("second-factor", "Two-factor reset", SecondFactorReset, "region", ("user",), readers=COORDINATORS),
    )
}


def get_kind(slug: str) -> AuditKind:
    try:
        return KINDS[slug]
    except KeyError:
        raise Http404("No such kind of record") from None


# --- Who may read the trail -----------------------------------------------------------------


def can_read_audit(access: RegionAccess, kind: AuditKind | None = None) -> bool:
    """The coordinator and SLI lead of the region and superusers; memberships: coordinator and superusers."""
    if access.is_superuser:
        return True
    if kind is not None and kind.readers == COORDINATORS:
        return access.has_role(Role.COORDINATOR)
    return bool({Role.COORDINATOR, Role.SLI_LEAD} & access.roles)


def readable_kinds(access: RegionAccess) -> list[AuditKind]:
    return [kind for kind in KINDS.values() if can_read_audit(access, kind)]


def check_audit_access(request, access: RegionAccess, kind: AuditKind | None = None) -> None:
    if not can_read_audit(access, kind):
        if not request.user.is_authenticated:
            raise SignInRequired
        raise PermissionDenied


# --- Entries --------------------------------------------------------------------------------


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime.datetime
    who: str
    action: str  # "Created", "Changed", "Deleted"
    kind: AuditKind
    object_id: int
    about: str
    reason: str = ""
    changes: list[Change] = field(default_factory=list)

    @property
    def is_change(self) -> bool:
        return self.action == "Changed"


def person(user) -> str:
    if user is None:
        return "System"
    return user.get_full_name() or user.get_username()


def object_history(kind: AuditKind, region: Region, pk: int):
    """The history rows of one object of the region, newest first (empty for another region's)."""
    return _rows(kind, region).filter(id=pk)


def region_history(kind: AuditKind, region: Region):
    return _rows(kind, region)


def _rows(kind: AuditKind, region: Region):
    paths = (kind.region_path,) if isinstance(kind.region_path, str) else kind.region_path
    in_region = Q()
    for path in paths:
        in_region |= Q(**{path: region.pk})
    return (
        kind.history.filter(in_region)
        .select_related("history_user", *kind.select_related)
        .order_by("-history_date", "-history_id")
    )


def entries_for(kind: AuditKind, records) -> list[Entry]:
    """Readable entries for history rows of one kind (a page of them): two queries and the lookups."""
    return build_entries([(kind, list(records))])


def build_entries(groups: list[tuple[AuditKind, list]]) -> list[Entry]:
    """Entries for several kinds' rows, in the order given within each kind."""
    pending = []  # (kind, record, previous, changed fields)
    lookups: dict[type[models.Model], set] = {}
    for kind, records in groups:
        previous = _previous_records(kind, records)
        for record in records:
            before = previous.get(record.history_id)
            changed = _changed_fields(kind, record, before) if record.history_type == "~" and before else []
            for model_field in changed:
                if model_field.is_relation:
                    for value in (getattr(before, model_field.attname), getattr(record, model_field.attname)):
                        if value is not None:
                            lookups.setdefault(model_field.related_model, set()).add(value)
            pending.append((kind, record, before, changed))
    related = {model: model._default_manager.in_bulk(pks) for model, pks in lookups.items()}
    entries = []
    for kind, record, before, changed in pending:
        action = {"+": "Created", "-": "Deleted"}.get(record.history_type, "Changed")
        entry = Entry(
            when=record.history_date,
            who=person(record.history_user),
            action=action,
            kind=kind,
            object_id=record.id,
            about=kind.describe(record),
            reason=record.history_change_reason or "",
        )
        for model_field in changed:
            entry.changes.append(
                Change(
                    label=capfirst(str(model_field.verbose_name)),
                    old=shown(model_field, getattr(before, model_field.attname), related),
                    new=shown(model_field, getattr(record, model_field.attname), related),
                )
            )
        entries.append(entry)
    return entries


def _previous_records(kind: AuditKind, records: list) -> dict[int, object]:
    """For each history row, the row of the same object just before it, in one query."""
    if not records:
        return {}
    earlier = (
        kind.history.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    pairs = dict(
        kind.history.filter(history_id__in=[record.history_id for record in records])
        .annotate(previous_id=Subquery(earlier))
        .values_list("history_id", "previous_id")
    )
    previous = kind.history.in_bulk([pk for pk in pairs.values() if pk is not None])
    return {history_id: previous.get(previous_id) for history_id, previous_id in pairs.items()}


def _tracked_fields(kind: AuditKind) -> list[models.Field]:
    return [f for f in kind.model._meta.concrete_fields if f.name not in NOISE_FIELDS]


def _changed_fields(kind: AuditKind, record, before) -> list[models.Field]:
    return [f for f in _tracked_fields(kind) if getattr(record, f.attname) != getattr(before, f.attname)]


def shown(model_field: models.Field, value, related: dict | None = None) -> str:
    """A stored value as people read it: "Signed off", not "signed_off"; a name, not an id."""
    if value is None or value == "":
        return ""
    if model_field.is_relation:
        obj = (related or {}).get(model_field.related_model, {}).get(value)
        if obj is None:
            return "(deleted)"
        if hasattr(obj, "get_full_name"):
            return person(obj)
        return str(obj)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return format_date(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, datetime.date):
        return format_date(value, "j F Y")
    if isinstance(model_field, models.FileField):
        return str(value).rsplit("/", 1)[-1]
    return str(value)
