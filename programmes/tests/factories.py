import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from programmes.models import ActionPlan, Event, LocalAuthority, Membership, Region

FIRST_NAMES = ["Ash", "Blake", "Casey", "Drew", "Emery", "Finley", "Gray", "Harper", "Indy", "Jordan"]
LAST_NAMES = ["Adams", "Brooks", "Clarke", "Dixon", "Evans", "Foster", "Grant", "Hughes", "Irving", "Jones"]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    # Fixed, plain names: a test that looks for a name in a page must find it whatever the run
    # (a drawn "O'Neill" comes back from a template as "O&#x27;Neill").
    first_name = factory.Sequence(lambda n: FIRST_NAMES[n % len(FIRST_NAMES)])
    last_name = factory.Sequence(lambda n: f"{LAST_NAMES[n % len(LAST_NAMES)]}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")
    gss_code = factory.Sequence(lambda n: f"E12{n:06d}")
    network_name = factory.LazyAttribute(lambda r: f"{r.name} ADPH")
    coordinator_email = factory.LazyAttribute(lambda r: f"sli@{r.slug}.example.org")
    intro = "Directors of Public Health working together to improve."


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority

    name = factory.Sequence(lambda n: f"Council {n}")
    gss_code = factory.Sequence(lambda n: f"E06{n:06d}")
    region = factory.SubFactory(RegionFactory)
    kind = LocalAuthority.Kind.UNITARY


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    region = factory.SubFactory(RegionFactory)
    role = Membership.Role.MEMBER


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan

    region = factory.SubFactory(RegionFactory)
    title = factory.Sequence(lambda n: f"SLI Action Plan {n}")
    start_date = datetime.date(2024, 4, 1)
    end_date = datetime.date(2026, 3, 31)
    status = ActionPlan.Status.ACTIVE
    approved_on = factory.LazyAttribute(
        lambda p: None if p.status == ActionPlan.Status.DRAFT else p.start_date - datetime.timedelta(days=30)
    )


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    region = factory.SubFactory(RegionFactory)
    title = factory.Sequence(lambda n: f"Regional event {n}")
    # Three weeks ahead of the (usually pinned) clock: an upcoming event.
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=21))
