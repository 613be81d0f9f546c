"""A text box holds one line: a line break in a title never reaches an e-mail header."""

import importlib
import inspect

import pytest
from django import forms
from django.core import mail
from django.urls import reverse

from sli_portal.core.forms import ChangePasswordForm, LoginForm, SingleLineTextMixin
from sli_portal.core.notifications import send_once

pytestmark = pytest.mark.django_db

FORM_MODULES = [
    "programmes.forms",
    "priorities.forms",
    "snapshots.forms",
    "peer_challenges.forms",
    "sli_portal.core.forms",
    "sli_portal.pages.audit_views",
]
# Signing in: a user name with a line break simply matches no account. A password is only ever
# hashed, never shown or put in a header: any character may be in it.
NOT_TEXT_BOXES_OF_OURS = {LoginForm, ChangePasswordForm}


def _portal_forms():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module_name and cls not in NOT_TEXT_BOXES_OF_OURS:
                yield cls


def _has_text_box(form_class) -> bool:
    return any(
        isinstance(field, forms.CharField) and not isinstance(field.widget, forms.Textarea)
        for field in form_class.base_fields.values()
    )


def test_every_form_with_a_text_box_refuses_line_breaks():
    with_text_boxes = [cls for cls in _portal_forms() if _has_text_box(cls)]
    assert len(with_text_boxes) >= 15  # the walk found the portal's forms
    assert [cls.__name__ for cls in with_text_boxes if not issubclass(cls, SingleLineTextMixin)] == []


def test_a_model_form_refuses_a_line_break_too(client, coordinator, region, plan, priority_1):
    client.force_login(coordinator)
    response = client.post(
        reverse("priority_area_edit", args=[region.slug, priority_1.pk]),
        {"number": "1", "title": "Healthy\nplaces", "description": "", "lead": "", "deputy_lead": ""},
    )
    assert "Title must be on one line" in response.content.decode()
    priority_1.refresh_from_db()
    assert priority_1.title == "Healthy places"


def test_an_e_mail_subject_is_folded_onto_one_line():
    assert send_once(key="line-break-test", to="dph@example.org", subject="SW snapshot:\r\nNovember 2026", body="x")
    assert mail.outbox[0].subject == "SW snapshot: November 2026"
