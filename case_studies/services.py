"""Who may do what with a case study, and the writes that touch several rows.

The rules in words: any member of the region (any role in it) writes a case study and edits
their own until it is published; the coordinator edits any of the region's, publishes and
withdraws them. A published case study is public. Drafts follow the region's privacy
(`RegionAccess.can_read`), and a draft's attachments are the network's working papers like
evidence (`RegionAccess.can_read_evidence`: never the national board).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from priorities.evidence import validate_evidence_file
from programmes.access import RegionAccess

from .models import CaseStudy, CaseStudyAttachment

TITLE_TAKEN = "The region already has a case study with this title: enter another title"


# --- Permissions -------------------------------------------------------------------------------


def can_write(access: RegionAccess) -> bool:
    """Writing a case study: any role in the region (not the national board), and administrators."""
    return bool(access.roles) or access.is_superuser


def can_read(access: RegionAccess, case_study: CaseStudy) -> bool:
    return case_study.is_published or access.can_read


def can_edit(*, user, access: RegionAccess, case_study: CaseStudy) -> bool:
    if access.can_coordinate:
        return True
    return can_write(access) and case_study.author_id == user.pk and not case_study.is_published


def can_read_attachments(access: RegionAccess, case_study: CaseStudy) -> bool:
    return case_study.is_published or access.can_read_evidence


# --- Writing -----------------------------------------------------------------------------------


@dataclass
class CaseStudyLinks:
    """The many-to-many choices of the form, set after the row is saved."""

    topics: list = field(default_factory=list)
    councils: list = field(default_factory=list)
    objectives: list = field(default_factory=list)


@dataclass
class NewAttachment:
    title: str
    file: object


def save_case_study(
    *,
    case_study: CaseStudy,
    links: CaseStudyLinks,
    by,
    access: RegionAccess,
    attachment: NewAttachment | None = None,
) -> CaseStudy:
    """Create or change a case study with its links and an optional new attachment: all of it
    or nothing (a refused file saves no text, a refused council no file)."""
    if case_study.pk is None:
        if not can_write(access):
            raise PermissionDenied
        case_study.author = by
    elif not can_edit(user=by, access=access, case_study=case_study):
        raise PermissionDenied
    region_id = case_study.region_id
    if not links.topics:
        raise ValidationError({"topics": "Select at least one topic"})
    if any(council.region_id != region_id for council in links.councils):
        raise ValidationError({"councils": "Select councils of the region"})
    if any(objective.plan.region_id != region_id for objective in links.objectives):
        raise ValidationError({"objectives": "Select key objectives of the region's plans"})
    if attachment is not None:
        validate_evidence_file(attachment.file)
    case_study.full_clean(validate_unique=False)
    if CaseStudy.objects.filter(region_id=region_id, title=case_study.title).exclude(pk=case_study.pk).exists():
        raise ValidationError({"title": TITLE_TAKEN})
    case_study._history_user = by
    saved_files: list[CaseStudyAttachment] = []
    try:
        with transaction.atomic():
            case_study.save()
            case_study.topics.set(links.topics)
            case_study.councils.set(links.councils)
            case_study.objectives.set(links.objectives)
            if attachment is not None:
                saved_files.append(_add_attachment(case_study, attachment, by))
    except IntegrityError as error:  # another request took the title between the check and the save
        for row in saved_files:  # the row is rolled back: its file must go too
            row.file.storage.delete(row.file.name)
        raise ValidationError({"title": TITLE_TAKEN}) from error
    return case_study


def _add_attachment(case_study: CaseStudy, attachment: NewAttachment, by) -> CaseStudyAttachment:
    row = CaseStudyAttachment(case_study=case_study, title=attachment.title, added_by=by)
    row.original_name = attachment.file.name[:255]
    row.file = attachment.file
    row.full_clean()
    row.save()
    return row


def delete_attachment(*, attachment: CaseStudyAttachment, by, access: RegionAccess) -> None:
    if not can_edit(user=by, access=access, case_study=attachment.case_study):
        raise PermissionDenied
    stored, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    # Only once the row is gone for good, so a rolled-back delete keeps its file.
    transaction.on_commit(lambda: storage.delete(stored))


# --- Publishing --------------------------------------------------------------------------------


def publish_case_study(*, case_study: CaseStudy, by, access: RegionAccess) -> CaseStudy:
    if not access.can_coordinate:
        raise PermissionDenied
    case_study.publish(by=by)
    return case_study


def withdraw_case_study(*, case_study: CaseStudy, by, access: RegionAccess) -> CaseStudy:
    if not access.can_coordinate:
        raise PermissionDenied
    case_study.withdraw(by=by)
    return case_study
