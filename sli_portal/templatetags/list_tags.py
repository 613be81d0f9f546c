"""What a filtered list shows, in words, for its page title ("Events (Past events) – South West")."""

from django import template

register = template.Library()


@register.simple_tag
def chosen_filters(form_or_filterset) -> str:
    """The labels of the values chosen in a filter form (or a django-filter FilterSet's form),
    joined by commas; empty when nothing is chosen or the choice is not valid."""
    form = getattr(form_or_filterset, "form", form_or_filterset)
    if not form.is_bound or not form.is_valid():
        return ""
    chosen = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        labels = {str(key): label for key, label in getattr(field, "choices", [])}
        chosen.append(str(labels.get(str(value), value)))
    return ", ".join(chosen)
