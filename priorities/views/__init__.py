"""The priorities pages, all under regions/<slug>/."""

from . import plans
from .meetings import (
    meeting_action_create,
    meeting_action_toggle,
    meeting_create,
    meeting_detail,
    meeting_edit,
    meeting_ics,
    meeting_list,
    meeting_pack_pdf,
)
from .objectives import (
    my_priorities,
    objective_create,
    objective_detail,
    objective_edit,
    objective_renumber,
    objective_sign_off,
    plan_priorities,
    priority_area_create,
    priority_area_detail,
    priority_area_edit,
    priority_area_handover,
)
from .projects import project_create, project_detail, project_edit, project_list
from .updates import evidence_delete, evidence_download, update_edit, update_history

__all__ = [
    "plans",
    "evidence_delete",
    "evidence_download",
    "meeting_action_create",
    "meeting_action_toggle",
    "meeting_create",
    "meeting_detail",
    "meeting_edit",
    "meeting_ics",
    "meeting_list",
    "meeting_pack_pdf",
    "my_priorities",
    "objective_create",
    "objective_detail",
    "objective_edit",
    "objective_renumber",
    "objective_sign_off",
    "plan_priorities",
    "priority_area_create",
    "priority_area_detail",
    "priority_area_handover",
    "priority_area_edit",
    "project_create",
    "project_detail",
    "project_edit",
    "project_list",
    "update_edit",
    "update_history",
]
