"""Filters of the projects list (django-filter), scoped to the region's councils."""

import django_filters
from django import forms

from .models import Project


class ProjectFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Project.Status.choices, empty_label="Any status", label="Status")
    council = django_filters.ModelChoiceFilter(
        field_name="councils", queryset=None, empty_label="Any council", label="Council"
    )

    class Meta:
        model = Project
        fields = ["status", "council"]

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["council"].queryset = region.local_authorities.order_by("name")
        for name in ("status", "council"):
            self.form.fields[name].widget = forms.Select(choices=self.form.fields[name].widget.choices)
