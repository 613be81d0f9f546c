"""Presentation of priorities values: RAG tags always carry their text, never colour alone."""

from django import template
from django.utils.html import format_html

register = template.Library()

RAG_TAG_COLOURS = {
    "not_started": "govuk-tag--grey",
    "red": "govuk-tag--red",
    "amber": "govuk-tag--orange",
    "green": "govuk-tag--green",
    "complete": "govuk-tag--blue",
}

RAG_LABELS = {"not_started": "Not started", "red": "Red", "amber": "Amber", "green": "Green", "complete": "Complete"}


@register.simple_tag
def rag_tag(status: str, count: int | None = None):
    """`{% rag_tag update.rag_status %}` → a GOV.UK tag reading "Amber" (or "2 amber")."""
    label = RAG_LABELS.get(status, status)
    if count is not None:
        label = f"{count} {label.lower()}"
    return format_html('<strong class="govuk-tag {}">{}</strong>', RAG_TAG_COLOURS.get(status, ""), label)


@register.filter
def person(user) -> str:
    if user is None:
        return "Nobody"
    return user.get_full_name() or user.get_username()
