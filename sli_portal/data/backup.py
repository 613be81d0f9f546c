"""A region's data as one JSON document, and back: so a network can leave with its data.

This moves one region between portals; it is not a backup of the portal (one region only, no
passwords, no history, no site-wide data, large files by name only). The backup that restores
a whole portal is deploy/backup.sh: the database with pg_dump and the uploaded files.

`export_region(region)` returns the archive; `import_region(archive)` restores it into a
database that holds nothing of the region yet. The format:

- `format` and `schema_version` name what the document is; an importer refuses a version it
  does not know rather than guess.
- No database ids: rows refer to each other by their natural keys (a council by its ONS code,
  a user by username, a plan by its title in the region, a key objective by its plan and
  number, a snapshot by its month, a case study by its title in the region, a topic by its
  slug); rows without one (evidence, meeting actions, the peer team, case studies' attachments)
  are nested in their parent. Two exports of the same data are equal, wherever it lives.
- Values are written as Django writes them in its own serializers (`Field.value_to_string`), and
  read back with `Field.to_python`, so every field of a model travels without a list to keep up
  to date; a field the archive does not carry takes its default.
- Users: username, names, e-mail and active flag of everyone the region's data names. Never
  password hashes, staff or superuser flags: imported users sign in after a password reset.
- Files (evidence, snapshot PDFs and HTML, case studies' attachments) are embedded in base64 up
  to `max_file_bytes` each (20 MB by default); a larger file is listed by name and size only and
  the export says so.
- Personal data is flagged in `personal_data`: users, memberships, the peer teams' names, the
  case studies' contacts and the e-bulletin subscribers (with their unsubscribe tokens, so the
  links they hold keep working).
- Outcome indicators: the region's links to them (with their targets and order), and the
  identity of each indicator linked (Fingertips id, name, unit, polarity, profile); an import
  finds an indicator by its Fingertips id or adds it. Their values are not included: they are
  public data shared by every region, loaded again from Fingertips (CSV or API) where the archive
  goes.
- Not included: the change history (the archive is the current state; imported rows start a new
  history "Imported from an archive"), calendar tokens (secrets; members make new ones) and
  sent-notification records.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Prefetch
from django.utils import timezone

from annual_reports.models import AnnualReport, PriorityAchievement
from case_studies.models import CaseStudy, CaseStudyAttachment, Topic
from indicators.models import Indicator, IndicatorLink
from peer_challenges.models import (
    FocusArea,
    LgaAdviser,
    Peer,
    PeerChallenge,
    PeerChallengeSettings,
    PeerTeamMember,
    Prompt,
    Recommendation,
)
from priorities.models import (
    Evidence,
    Handover,
    KeyObjective,
    MeetingAction,
    PriorityArea,
    Project,
    QuarterlyMeeting,
    QuarterlyUpdate,
)
from programmes.models import ActionPlan, Event, LocalAuthority, Membership, Region
from snapshots.models import CirculationOptOut, Snapshot, Subscriber

User = get_user_model()

FORMAT = "sli-portal-region-archive"
SCHEMA_VERSION = 1
MAX_FILE_BYTES = 20 * 1024 * 1024
IMPORT_REASON = "Imported from an archive"
REPORT_PEOPLE = ("created_by", "submitted_by", "acknowledged_by")


class ArchiveError(Exception):
    """The archive cannot be imported; the message says why, for the person running the command."""


# --- Values -----------------------------------------------------------------------------------


def _plain(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict:
    """The row's own values (no id, no relations, no files), as Django's serializers write them."""
    data = {}
    for model_field in obj._meta.concrete_fields:
        if (
            model_field.primary_key
            or model_field.is_relation
            or isinstance(model_field, models.FileField)
            or model_field.name in exclude
        ):
            continue
        value = model_field.value_from_object(obj)
        if value is None or isinstance(value, (bool, str)) or type(value) in (int, float):
            data[model_field.name] = value
        else:
            # Dates, times, decimals, quarters: the text Django's own serializers write.
            data[model_field.name] = model_field.value_to_string(obj)
    return data


def _values(model: type[models.Model], data: dict) -> dict:
    """Field values for `model` from an archive's plain values."""
    values = {}
    for name, raw in data.items():
        try:
            model_field = model._meta.get_field(name)
        except Exception as error:
            raise ArchiveError(
                f"{model.__name__} has no field {name!r}: is the archive from a newer portal?"
            ) from error
        values[name] = None if raw is None else model_field.to_python(raw)
    return values


@dataclass
class _Exporter:
    usernames: dict[int, str]
    max_file_bytes: int = MAX_FILE_BYTES
    user_ids: set = field(default_factory=set)
    skipped_files: list = field(default_factory=list)

    def user(self, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        self.user_ids.add(user_id)
        return self.usernames[user_id]

    def file(self, fieldfile) -> dict | None:
        if not fieldfile:
            return None
        entry = {"name": fieldfile.name}
        try:
            size = fieldfile.size
        except OSError:
            self.skipped_files.append(f"{fieldfile.name} (missing from storage)")
            return {**entry, "missing": True}
        entry["size"] = size
        if size > self.max_file_bytes:
            self.skipped_files.append(f"{fieldfile.name} ({size} bytes, over the limit)")
            return entry
        with fieldfile.open("rb") as handle:
            content = handle.read()
        entry["sha256"] = hashlib.sha256(content).hexdigest()
        entry["base64"] = base64.b64encode(content).decode("ascii")
        return entry


# --- Export -----------------------------------------------------------------------------------


def export_region(region: Region, *, max_file_bytes: int = MAX_FILE_BYTES) -> dict:
    """The whole of a region's data as a JSON-ready dict (see the module's docstring)."""
    ex = _Exporter(dict(User.objects.values_list("pk", User.USERNAME_FIELD)), max_file_bytes=max_file_bytes)
    councils = {la.pk: la.gss_code for la in LocalAuthority.objects.all()}

    def council(pk):
        return councils.get(pk) if pk is not None else None

    archive: dict = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "exported_at": timezone.now().isoformat(),
        "personal_data": [
            "users",
            "memberships",
            "peer_challenges.team",
            "peer_pool",
            "lga_advisers",
            "subscribers",
            "case_studies.contact",
            "snapshot_circulation_opt_outs",
        ],
        "region": _plain(region),
        "councils": [_plain(la) for la in region.local_authorities.order_by("gss_code")],
    }
    archive["memberships"] = [
        {
            **_plain(m),
            "user": ex.user(m.user_id),
            "local_authority": council(m.local_authority_id),
        }
        for m in region.memberships.order_by("user__username", "role")
    ]
    plans = list(
        region.action_plans.order_by("start_date", "title").prefetch_related(
            # Ordered prefetches, read with .all() below: a fixed number of queries for any plan size.
            Prefetch("priority_areas", PriorityArea.objects.order_by("number")),
            Prefetch("priority_areas__key_objectives", KeyObjective.objects.order_by("number")),
            Prefetch("priority_areas__key_objectives__updates", QuarterlyUpdate.objects.order_by("quarter")),
            Prefetch(
                "priority_areas__key_objectives__updates__evidence",
                Evidence.objects.order_by("added_at", "title", "pk"),
            ),
            Prefetch("priority_areas__meetings", QuarterlyMeeting.objects.order_by("quarter")),
            Prefetch("priority_areas__handovers", Handover.objects.order_by("starts_on", "created_at", "pk")),
            "priority_areas__meetings__attendees",
            Prefetch(
                "priority_areas__meetings__actions", MeetingAction.objects.order_by("due_date", "description", "pk")
            ),
        )
    )
    plan_titles = {plan.pk: plan.title for plan in plans}
    archive["plans"] = [_export_plan(ex, plan, plan_titles, council) for plan in plans]
    objective_keys = {
        o.pk: [plan_titles[o.plan_id], o.number] for o in KeyObjective.objects.filter(plan__region=region)
    }
    archive["projects"] = [
        {
            **_plain(project),
            "councils": sorted(council(la.pk) for la in project.councils.all()),
            "key_objectives": sorted(objective_keys[o.pk] for o in project.key_objectives.all()),
        }
        for project in region.projects.order_by("badged_on", "title", "pk").prefetch_related(
            "councils", "key_objectives"
        )
    ]
    archive["events"] = [_plain(event) for event in region.events.order_by("starts_at", "title", "pk")]
    case_studies = list(
        region.case_studies.order_by("title").prefetch_related(
            "topics",
            "councils",
            "objectives",
            Prefetch("attachments", CaseStudyAttachment.objects.order_by("added_at", "title", "pk")),
        )
    )
    case_study_titles = {case_study.pk: case_study.title for case_study in case_studies}
    project_titles = dict(region.projects.values_list("pk", "title"))
    # The topics the case studies use, so a database without them (another portal) gets them.
    used_topics = {topic.slug: topic.name for case_study in case_studies for topic in case_study.topics.all()}
    archive["topics"] = [{"slug": slug, "name": used_topics[slug]} for slug in sorted(used_topics)]
    archive["case_studies"] = [
        {
            **_plain(case_study),
            "author": ex.user(case_study.author_id),
            "published_by": ex.user(case_study.published_by_id),
            "project": project_titles.get(case_study.project_id),
            "topics": sorted(topic.slug for topic in case_study.topics.all()),
            "councils": sorted(council(la.pk) for la in case_study.councils.all()),
            "objectives": sorted(objective_keys[o.pk] for o in case_study.objectives.all()),
            "attachments": [
                {**_plain(item), "added_by": ex.user(item.added_by_id), "file": ex.file(item.file)}
                for item in case_study.attachments.all()
            ],
        }
        for case_study in case_studies
    ]
    archive["snapshots"] = [
        {
            **_plain(snapshot),
            "featured_case_study": case_study_titles.get(snapshot.featured_case_study_id),
            "published_by": ex.user(snapshot.published_by_id),
            "pdf": ex.file(snapshot.pdf),
            "html": ex.file(snapshot.html),
        }
        for snapshot in region.snapshots.order_by("month")
    ]
    archive["subscribers"] = [_plain(s) for s in region.snapshot_subscribers.order_by("email")]
    archive["snapshot_circulation_opt_outs"] = sorted(
        ex.user(user_id) for user_id in CirculationOptOut.objects.filter(region=region).values_list("user", flat=True)
    )
    area_keys = {
        area.pk: [plan_titles[area.plan_id], area.number] for area in PriorityArea.objects.filter(plan__region=region)
    }
    archive["annual_reports"] = [
        {
            # The frozen content is JSON already: it travels as it is.
            **_plain(report, exclude=("content",)),
            "content": report.content,
            **{name: ex.user(getattr(report, f"{name}_id")) for name in REPORT_PEOPLE},
            "pdf": ex.file(report.pdf),
            "achievements": [
                {"priority_area": area_keys[item.priority_area_id], "text": item.text}
                for item in report.achievements.all()
            ],
        }
        for report in region.annual_reports.order_by("year", "version").prefetch_related("achievements")
    ]
    challenges = (
        PeerChallenge.objects.filter(local_authority__region=region)
        .order_by("local_authority__gss_code", "onsite_start", "kind", "pk")
        .prefetch_related(
            Prefetch("team", PeerTeamMember.objects.order_by("role", "name", "pk")),
            Prefetch("focus_areas", FocusArea.objects.order_by("position", "pk")),
            Prefetch("recommendations", Recommendation.objects.order_by("pk")),
            "peers_offered",
        )
    )
    settings = PeerChallengeSettings.objects.filter(region=region).first()
    archive["peer_challenge_settings"] = _plain(settings) if settings else None
    archive["peer_pool"] = [
        {**_plain(peer), "home_council": council(peer.home_council_id)} for peer in region.peers.order_by("name", "pk")
    ]
    archive["lga_advisers"] = [
        {**_plain(adviser), "local_authority": council(adviser.local_authority_id)}
        for adviser in LgaAdviser.objects.filter(local_authority__region=region).order_by("local_authority__gss_code")
    ]
    archive["prompts"] = [
        {
            **_plain(prompt),
            "local_authority": council(prompt.local_authority_id),
            "recorded_by": ex.user(prompt.recorded_by_id),
        }
        for prompt in Prompt.objects.filter(local_authority__region=region).order_by("prompted_on", "pk")
    ]
    archive["peer_challenges"] = [
        {
            **_plain(challenge),
            # The pool's peers offered, by name (unique enough within a region's pool).
            "peers_offered": sorted(peer.name for peer in challenge.peers_offered.all()),
            "local_authority": council(challenge.local_authority_id),
            "team": [{**_plain(peer), "home_council": council(peer.home_council_id)} for peer in challenge.team.all()],
            "focus_areas": [_plain(area) for area in challenge.focus_areas.all()],
            "recommendations": [_plain(r) for r in challenge.recommendations.all()],
        }
        for challenge in challenges
    ]
    _export_indicator_links(archive, region, plan_titles)
    archive["users"] = [
        {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "is_active": user.is_active,
        }
        for user in User.objects.filter(pk__in=ex.user_ids).order_by(User.USERNAME_FIELD)
    ]
    archive["files_not_embedded"] = sorted(ex.skipped_files)
    return archive


INDICATOR_SITE_FIELDS = ("created_at", "last_refreshed_at", "last_refresh_failed_at", "last_refresh_error")


def _export_indicator_links(archive: dict, region: Region, plan_titles: dict) -> None:
    """The links of the region's plans to indicators, by natural keys, and who those indicators
    are. Not their values: public data shared by every region (the module's docstring)."""
    links = IndicatorLink.objects.filter(
        models.Q(priority_area__plan__region=region) | models.Q(key_objective__plan__region=region)
    ).select_related("indicator", "priority_area", "key_objective")
    rows = []
    for link in links:
        area, objective = link.priority_area, link.key_objective
        rows.append(
            {
                **_plain(link),
                "indicator": link.indicator.fingertips_id,
                "priority_area": [plan_titles[area.plan_id], area.number] if area else None,
                "key_objective": [plan_titles[objective.plan_id], objective.number] if objective else None,
            }
        )
    archive["indicator_links"] = sorted(
        rows,
        key=lambda row: (
            row["priority_area"] or ["", 0],
            row["key_objective"] or ["", 0],
            row["position"],
            row["indicator"],
        ),
    )
    indicators = {link.indicator.fingertips_id: link.indicator for link in links}
    archive["indicators"] = [
        _plain(indicators[fingertips_id], exclude=INDICATOR_SITE_FIELDS) for fingertips_id in sorted(indicators)
    ]


def _import_indicator_links(im: _Importer, archive: dict) -> None:
    """The links back, each to its indicator found by Fingertips id (added when this portal does
    not have it yet; one it has is left as it is)."""
    indicators = {}
    for data in archive.get("indicators", []):
        indicator = Indicator.objects.filter(fingertips_id=data["fingertips_id"]).first()
        if indicator is None:
            indicator = Indicator(**_values(Indicator, data))
            indicator.save()
        indicators[indicator.fingertips_id] = indicator
    for data in archive.get("indicator_links", []):
        data = dict(data)
        fingertips_id, area, objective = data.pop("indicator"), data.pop("priority_area"), data.pop("key_objective")
        if fingertips_id not in indicators:
            raise ArchiveError(f"The archive links the indicator {fingertips_id} but does not list it")
        im.save(
            IndicatorLink,
            data,
            indicator=indicators[fingertips_id],
            priority_area=im.areas[tuple(area)] if area else None,
            key_objective=im.objectives[tuple(objective)] if objective else None,
        )


def _export_plan(ex: _Exporter, plan: ActionPlan, plan_titles: dict, council) -> dict:
    areas = plan.priority_areas.all()
    return {
        **_plain(plan),
        "builds_on": plan_titles.get(plan.builds_on_id),
        "priority_areas": [
            {
                **_plain(area),
                "lead": ex.user(area.lead_id),
                "deputy_lead": ex.user(area.deputy_lead_id),
                "key_objectives": [_export_objective(ex, o) for o in area.key_objectives.all()],
                "meetings": [_export_meeting(ex, m) for m in area.meetings.all()],
                "handovers": [
                    {
                        **_plain(h),
                        "from_user": ex.user(h.from_user_id),
                        "to_user": ex.user(h.to_user_id),
                        "handed_over_by": ex.user(h.handed_over_by_id),
                    }
                    for h in area.handovers.all()
                ],
            }
            for area in areas
        ],
    }


def _export_objective(ex: _Exporter, objective: KeyObjective) -> dict:
    return {
        **_plain(objective),
        "signed_off_by": ex.user(objective.signed_off_by_id),
        "updates": [
            {
                **_plain(update),
                "author": ex.user(update.author_id),
                "evidence": [
                    {**_plain(item), "added_by": ex.user(item.added_by_id), "file": ex.file(item.file)}
                    for item in update.evidence.all()
                ],
            }
            for update in objective.updates.all()
        ],
    }


def _export_meeting(ex: _Exporter, meeting: QuarterlyMeeting) -> dict:
    return {
        **_plain(meeting),
        "attendees": sorted(ex.user(user.pk) for user in meeting.attendees.all()),
        "actions": [{**_plain(action), "owner": ex.user(action.owner_id)} for action in meeting.actions.all()],
    }


# --- Import -----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    region: Region
    users_created: list[str]
    users_matched: list[str]
    warnings: list[str]


class _Importer:
    def __init__(self, archive: dict):
        self.archive = archive
        self.users: dict[str, User] = {}
        self.councils: dict[str, LocalAuthority] = {}
        self.objectives: dict[tuple[str, int], KeyObjective] = {}
        self.areas: dict[tuple[str, int], PriorityArea] = {}
        self.warnings: list[str] = []
        self.created: list[str] = []
        self.matched: list[str] = []

    def save(self, model: type[models.Model], data: dict, **relations) -> models.Model:
        """Insert one row with the archive's values, keeping its timestamps.

        No full_clean(): the rows were valid where they were exported and a restore must be
        faithful (a rule that reads today's date would refuse last year's data); the database's
        constraints still hold.
        """
        values = _values(model, data)
        obj = model(**values, **relations)
        obj._change_reason = IMPORT_REASON
        obj.save(force_insert=True)
        # auto_now(_add) fields take "now" on insert: put the archive's values back.
        stamped = {
            f.name: values[f.name]
            for f in model._meta.concrete_fields
            if (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)) and f.name in values
        }
        if stamped:
            model._default_manager.filter(pk=obj.pk).update(**stamped)
            for name, value in stamped.items():
                setattr(obj, name, value)
        return obj

    def user(self, username: str | None):
        if username is None:
            return None
        try:
            return self.users[username]
        except KeyError:
            raise ArchiveError(f"The archive names the user {username!r} but does not list them") from None

    def council(self, code: str | None, *, required: bool = True):
        if code is None:
            return None
        if code in self.councils:
            return self.councils[code]
        found = LocalAuthority.objects.filter(gss_code=code).first()
        if found is None and required:
            raise ArchiveError(f"The archive names the council {code} but does not list it")
        return found

    def file(self, fieldfile, entry: dict | None) -> None:
        """Put an embedded file back in storage under its name (or a free one), without saving the row."""
        if not entry:
            return
        if "base64" not in entry:
            fieldfile.name = entry["name"]
            self.warnings.append(f"{entry['name']} was not embedded in the archive: copy it by hand")
            return
        content = base64.b64decode(entry["base64"])
        if "sha256" in entry and hashlib.sha256(content).hexdigest() != entry["sha256"]:
            raise ArchiveError(f"The file {entry['name']} is damaged in the archive")
        storage = fieldfile.storage
        name = entry["name"]
        if storage.exists(name):
            with storage.open(name, "rb") as handle:
                if handle.read() == content:
                    fieldfile.name = name  # the same file is already there (e.g. a restore on the same host)
                    return
        fieldfile.name = storage.save(name, ContentFile(content))


def import_region(archive: dict) -> ImportResult:
    """Restore an archive made by `export_region`, all or nothing."""
    if not isinstance(archive, dict) or archive.get("format") != FORMAT:
        raise ArchiveError("This is not an SLI Portal region archive")
    if archive.get("schema_version") != SCHEMA_VERSION:
        raise ArchiveError(
            f"The archive's schema version is {archive.get('schema_version')!r}; "
            f"this portal reads version {SCHEMA_VERSION}"
        )
    region_data = archive["region"]
    if Region.objects.filter(slug=region_data["slug"]).exists():
        raise ArchiveError(
            f"A region with the slug {region_data['slug']!r} already exists: import into an empty database"
        )
    if Region.objects.filter(models.Q(name=region_data["name"]) | models.Q(gss_code=region_data["gss_code"])).exists():
        raise ArchiveError("A region with the same name or ONS code already exists")
    codes = [council["gss_code"] for council in archive["councils"]]
    clashes = sorted(LocalAuthority.objects.filter(gss_code__in=codes).values_list("gss_code", flat=True))
    if clashes:
        raise ArchiveError(f"These councils already exist: {', '.join(clashes)}")
    importer = _Importer(archive)
    with transaction.atomic():
        region = _import_all(importer, archive)
    return ImportResult(region, importer.created, importer.matched, importer.warnings)


def _import_all(im: _Importer, archive: dict) -> Region:
    for data in archive["users"]:
        user = User.objects.filter(**{User.USERNAME_FIELD: data["username"]}).first()
        if user is None:
            user = User(**{User.USERNAME_FIELD: data["username"]})
            for name in ("first_name", "last_name", "email", "is_active"):
                setattr(user, name, data[name])
            user.set_unusable_password()
            user.save()
            im.created.append(data["username"])
        else:
            im.matched.append(data["username"])
        im.users[data["username"]] = user

    region = im.save(Region, archive["region"])
    for data in archive["councils"]:
        im.councils[data["gss_code"]] = im.save(LocalAuthority, data, region=region)
    for data in archive["memberships"]:
        data = dict(data)
        user, council = im.user(data.pop("user")), im.council(data.pop("local_authority"))
        im.save(Membership, data, region=region, user=user, local_authority=council)

    plans = {}
    for data in archive["plans"]:
        data = dict(data)
        builds_on, areas = data.pop("builds_on"), data.pop("priority_areas")
        plan = plans[data["title"]] = im.save(ActionPlan, data, region=region)
        plan._builds_on_title = builds_on
        for area_data in areas:
            _import_priority_area(im, plan, area_data)
    # Archives written before indicators existed have none.
    _import_indicator_links(im, archive)
    for plan in plans.values():
        if plan._builds_on_title:
            plan.builds_on = plans[plan._builds_on_title]
            plan._change_reason = IMPORT_REASON
            plan.save(update_fields=["builds_on"])

    for data in archive["projects"]:
        data = dict(data)
        council_codes, objective_keys = data.pop("councils"), data.pop("key_objectives")
        project = im.save(Project, data, region=region)
        project.councils.set([im.council(code) for code in council_codes])
        project.key_objectives.set([im.objectives[tuple(key)] for key in objective_keys])
    for data in archive["events"]:
        im.save(Event, data, region=region)
    # Archives written before case studies existed have none.
    case_studies = _import_case_studies(im, archive, region)
    for data in archive["snapshots"]:
        data = dict(data)
        published_by, pdf, html = im.user(data.pop("published_by")), data.pop("pdf"), data.pop("html")
        featured = case_studies.get(data.pop("featured_case_study", None))
        snapshot = Snapshot(region=region)
        im.file(snapshot.pdf, pdf)
        im.file(snapshot.html, html)
        im.save(
            Snapshot,
            data,
            region=region,
            published_by=published_by,
            featured_case_study=featured,
            pdf=snapshot.pdf.name,
            html=snapshot.html.name,
        )
    for data in archive["subscribers"]:
        im.save(Subscriber, data, region=region)
    # Archives written before annual reports and circulation existed have none.
    for username in archive.get("snapshot_circulation_opt_outs", []):
        CirculationOptOut.objects.create(region=region, user=im.user(username))
    for data in archive.get("annual_reports", []):
        data = dict(data)
        people = {name: im.user(data.pop(name)) for name in REPORT_PEOPLE}
        achievements, pdf = data.pop("achievements"), data.pop("pdf")
        report = AnnualReport(region=region)
        im.file(report.pdf, pdf)
        report = im.save(AnnualReport, data, region=region, pdf=report.pdf.name or "", **people)
        for item in achievements:
            area = im.areas[tuple(item["priority_area"])]
            PriorityAchievement.objects.create(report=report, priority_area=area, text=item["text"])
    # Archives of schema 1 written before these existed have none of them.
    if archive.get("peer_challenge_settings"):
        im.save(PeerChallengeSettings, archive["peer_challenge_settings"], region=region)
    pool = {}
    for data in archive.get("peer_pool", []):
        data = dict(data)
        home = im.council(data.pop("home_council"), required=False)
        pool[data["name"]] = im.save(Peer, data, region=region, home_council=home)
    for data in archive.get("lga_advisers", []):
        data = dict(data)
        im.save(LgaAdviser, data, local_authority=im.council(data.pop("local_authority")))
    for data in archive.get("prompts", []):
        data = dict(data)
        council, recorded_by = im.council(data.pop("local_authority")), im.user(data.pop("recorded_by"))
        im.save(Prompt, data, local_authority=council, recorded_by=recorded_by)
    for data in archive["peer_challenges"]:
        _import_challenge(im, data, pool)
    return region


def _import_case_studies(im: _Importer, archive: dict, region: Region) -> dict[str, CaseStudy]:
    """The region's case studies by title, with their topics (made when this database lacks
    one), councils, project, key objectives and attachments."""
    for data in archive.get("topics", []):
        Topic.objects.get_or_create(slug=data["slug"], defaults={"name": data["name"]})
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    projects = {}
    for project in region.projects.order_by("pk"):
        projects.setdefault(project.title, project)
    imported = {}
    for data in archive.get("case_studies", []):
        data = dict(data)
        author, published_by = im.user(data.pop("author")), im.user(data.pop("published_by"))
        project = projects.get(data.pop("project"))
        topic_slugs, codes = data.pop("topics"), data.pop("councils")
        objective_keys, attachments = data.pop("objectives"), data.pop("attachments")
        try:
            chosen_topics = [topics[slug] for slug in topic_slugs]
        except KeyError as error:
            raise ArchiveError(f"The archive names the topic {error.args[0]!r} but does not list it") from None
        case_study = im.save(CaseStudy, data, region=region, author=author, published_by=published_by, project=project)
        case_study.topics.set(chosen_topics)
        case_study.councils.set([im.council(code) for code in codes])
        case_study.objectives.set([im.objectives[tuple(key)] for key in objective_keys])
        for item in attachments:
            item = dict(item)
            added_by, file_entry = im.user(item.pop("added_by")), item.pop("file")
            row = CaseStudyAttachment(case_study=case_study)
            im.file(row.file, file_entry)
            im.save(CaseStudyAttachment, item, case_study=case_study, added_by=added_by, file=row.file.name or "")
        imported[case_study.title] = case_study
    return imported


def _import_priority_area(im: _Importer, plan: ActionPlan, data: dict) -> None:
    data = dict(data)
    objectives, meetings = data.pop("key_objectives"), data.pop("meetings")
    handovers = data.pop("handovers", [])
    lead, deputy = im.user(data.pop("lead")), im.user(data.pop("deputy_lead"))
    area = im.save(PriorityArea, data, plan=plan, lead=lead, deputy_lead=deputy)
    im.areas[(plan.title, area.number)] = area
    for handover in handovers:
        handover = dict(handover)
        people = {name: im.user(handover.pop(name)) for name in ("from_user", "to_user", "handed_over_by")}
        im.save(Handover, handover, priority_area=area, **people)
    for objective_data in objectives:
        objective_data = dict(objective_data)
        updates = objective_data.pop("updates")
        signed_off_by = im.user(objective_data.pop("signed_off_by"))
        objective = im.save(KeyObjective, objective_data, priority_area=area, signed_off_by=signed_off_by)
        im.objectives[(plan.title, objective.number)] = objective
        for update_data in updates:
            update_data = dict(update_data)
            evidence = update_data.pop("evidence")
            update = im.save(
                QuarterlyUpdate, update_data, key_objective=objective, author=im.user(update_data.pop("author"))
            )
            for item in evidence:
                item = dict(item)
                added_by, file_entry = im.user(item.pop("added_by")), item.pop("file")
                row = Evidence(update=update)
                im.file(row.file, file_entry)
                im.save(Evidence, item, update=update, added_by=added_by, file=row.file.name or "")
    for meeting_data in meetings:
        meeting_data = dict(meeting_data)
        attendees, actions = meeting_data.pop("attendees"), meeting_data.pop("actions")
        meeting = im.save(QuarterlyMeeting, meeting_data, priority_area=area)
        meeting.attendees.set([im.user(username) for username in attendees])
        for action in actions:
            action = dict(action)
            im.save(MeetingAction, action, meeting=meeting, owner=im.user(action.pop("owner")))


def _import_challenge(im: _Importer, data: dict, pool: dict) -> None:
    data = dict(data)
    team, focus_areas, recommendations = data.pop("team"), data.pop("focus_areas"), data.pop("recommendations")
    offered = data.pop("peers_offered", [])
    challenge = im.save(PeerChallenge, data, local_authority=im.council(data.pop("local_authority")))
    challenge.peers_offered.set([pool[name] for name in offered if name in pool])
    for peer in team:
        peer = dict(peer)
        code = peer.pop("home_council")
        home = im.council(code, required=False)
        if code and home is None:
            # A peer from a council of another region that this database does not hold.
            im.warnings.append(f"Peer {peer['name']}: council {code} is not in this database; kept as text")
            peer["home_organisation"] = peer.get("home_organisation") or code
        im.save(PeerTeamMember, peer, challenge=challenge, home_council=home)
    for area in focus_areas:
        im.save(FocusArea, area, challenge=challenge)
    for recommendation in recommendations:
        im.save(Recommendation, recommendation, challenge=challenge)
