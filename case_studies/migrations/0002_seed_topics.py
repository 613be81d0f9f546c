"""The public-health topics a case study is filed under, shared by every region.

The themes of the ADPH policy areas and of OHID's public-health outcomes that regional networks
write up most; an administrator adds others in the Django admin.
"""

from django.db import migrations

TOPICS = [
    ("Children and young people", "children-and-young-people"),
    ("Climate change and health", "climate-change-and-health"),
    ("Data and intelligence", "data-and-intelligence"),
    ("Drugs and alcohol", "drugs-and-alcohol"),
    ("Health inequalities", "health-inequalities"),
    ("Health protection", "health-protection"),
    ("Healthy ageing", "healthy-ageing"),
    ("Healthy places, housing and the wider determinants", "healthy-places"),
    ("Healthy weight and physical activity", "healthy-weight-and-physical-activity"),
    ("Inclusion health", "inclusion-health"),
    ("Mental health and suicide prevention", "mental-health-and-suicide-prevention"),
    ("Partnerships and the NHS", "partnerships-and-the-nhs"),
    ("Sexual and reproductive health", "sexual-and-reproductive-health"),
    ("Tobacco control", "tobacco-control"),
    ("Workforce", "workforce"),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("case_studies", "Topic")
    for name, slug in TOPICS:
        Topic.objects.get_or_create(slug=slug, defaults={"name": name})


def unseed(apps, schema_editor):
    # Topics in use stay: removing the migration must not take case studies' topics with it.
    Topic = apps.get_model("case_studies", "Topic")
    Topic.objects.filter(slug__in=[slug for _, slug in TOPICS], case_studies__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("case_studies", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
