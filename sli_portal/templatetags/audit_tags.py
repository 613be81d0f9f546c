"""`{% audit_link region "plan" plan.pk %}`: a link to an object's history, for those who may read it.

The object pages belong to other apps and do not all pass the user's access; the navigation
context processor already lists the user's memberships, so the check costs no query.
"""

from django import template
from django.urls import reverse

from programmes.access import RegionAccess
from sli_portal.pages import audit

register = template.Library()


@register.inclusion_tag("audit/_link.html", takes_context=True)
def audit_link(context, region, kind: str, pk: int) -> dict:
    audit_kind = audit.KINDS[kind]
    request = context.get("request")
    user = getattr(request, "user", None)
    url = ""
    if user is not None and user.is_authenticated:
        roles = frozenset(m.role for m in context.get("user_memberships", ()) if m.region_id == region.pk)
        access = RegionAccess(region, roles, is_superuser=user.is_superuser)
        if audit.can_read_audit(access, audit_kind):
            url = reverse("audit_object", args=[region.slug, kind, pk])
    return {"url": url, "label": audit_kind.label.lower()}
