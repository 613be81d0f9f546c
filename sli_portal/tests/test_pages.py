import datetime
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from priorities.tests.factories import KeyObjectiveFactory
from programmes.models import ActionPlan
from programmes.tests.factories import ActionPlanFactory, EventFactory
from sli_portal.core.forms import LoginForm
from snapshots.models import Snapshot
from snapshots.tests.factories import SnapshotFactory

PASSWORD = "correct-horse-battery"  # UserFactory's password


class _Page(HTMLParser):
    """The parts of a page these tests look at: scripts, stylesheets, attributes."""

    def __init__(self, html):
        super().__init__()
        self.scripts, self.stylesheets, self.event_handlers = [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs["href"])
        self.event_handlers += [name for name in attrs if name.startswith("on")]


def _static_file(url: str) -> Path:
    assert url.startswith(settings.STATIC_URL), url
    found = finders.find(url.removeprefix(settings.STATIC_URL))
    assert found, f"{url} is not in static/"
    return Path(found)


@pytest.fixture
def draft_plan(region):
    return ActionPlanFactory(
        region=region,
        title="Draft plan 2026-2028",
        status=ActionPlan.Status.DRAFT,
        start_date=datetime.date(2026, 4, 1),
        end_date=datetime.date(2028, 3, 31),
    )


@pytest.fixture
def published_snapshot(region):
    return SnapshotFactory(
        region=region, title="SW snapshot May 2025", state=Snapshot.State.PUBLISHED, published_at=timezone.now()
    )


@pytest.fixture
def draft_snapshot(region):
    return SnapshotFactory(region=region, title="Unpublished snapshot June 2025", state=Snapshot.State.DRAFT)


# Home page


def test_home_shows_the_single_regions_published_plan_to_anonymous_users(client, plan, priority_1, published_snapshot):
    KeyObjectiveFactory(
        priority_area=priority_1,
        number=14,
        title="Healthy weight plans in every council",
        sign_off_state="signed_off",
        signed_off_at=timezone.now(),
    )
    KeyObjectiveFactory(priority_area=priority_1, number=15, title="A proposal the network has not signed off")

    response = client.get(reverse("home"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Sector-led improvement in public health" in content
    assert plan.title in content
    assert "Priority 1: Healthy places" in content
    assert f"DPH lead: {priority_1.lead.get_full_name()}" in content
    assert "Key Objective 14: Healthy weight plans in every council" in content
    assert "A proposal the network has not signed off" not in content
    assert published_snapshot.title in content
    assert 'href="mailto:sli@south-west.example.org"' in content


def test_home_never_shows_a_draft_plan_or_an_unpublished_snapshot(client, plan, draft_plan, draft_snapshot):
    content = client.get(reverse("home")).content.decode()

    assert plan.title in content
    assert draft_plan.title not in content
    assert draft_snapshot.title not in content


def test_home_without_a_published_plan_says_so(client, region, draft_plan):
    content = client.get(reverse("home")).content.decode()

    assert "No plan has been published yet" in content
    assert draft_plan.title not in content


def test_home_lists_every_region_when_there_are_several(client, region, other_region):
    content = client.get(reverse("home")).content.decode()

    for each in (region, other_region):
        assert f'<a class="govuk-link" href="{each.get_absolute_url()}">{each.name}</a>' in content


def test_home_queries_do_not_grow_with_the_plan(client, django_assert_num_queries, plan, priority_1, priority_2):
    for number, area in enumerate([priority_1, priority_1, priority_2, priority_2], start=1):
        KeyObjectiveFactory(priority_area=area, number=number)
    EventFactory(region=plan.region)
    SnapshotFactory(region=plan.region, state=Snapshot.State.PUBLISHED, published_at=timezone.now())

    # 1 the regions, 2 the active plan, 3 its priority areas with leads and deputies joined,
    # 4 their key objectives (prefetched), 5 upcoming events, 6 published snapshots.
    # An anonymous visitor has no session and no memberships, so nothing else.
    with django_assert_num_queries(6):
        response = client.get(reverse("home"))

    assert response.status_code == 200


# Region page


def test_region_page_shows_its_plan_and_contact(client, plan, priority_1):
    response = client.get(plan.region.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert '<h1 class="govuk-heading-l">South West</h1>' in content
    assert plan.title in content
    assert "1 April 2024 to 31 March 2026" in content
    assert 'href="mailto:sli@south-west.example.org"' in content


def test_region_page_shows_upcoming_events(client, region):
    event = EventFactory(region=region, title="SLI network meeting", location="Taunton")

    content = client.get(region.get_absolute_url()).content.decode()

    assert "SLI network meeting" in content
    assert "Taunton" in content
    assert f'datetime="{timezone.localtime(event.starts_at).isoformat()}"' in content


def test_region_page_without_anything_published_shows_empty_states(client, region):
    content = client.get(region.get_absolute_url()).content.decode()

    assert "No plan has been published yet" in content
    assert "No events are planned at the moment" in content
    assert "No snapshots have been published yet" in content


def test_unknown_region_is_not_found_with_the_portals_404_page(client, db):
    response = client.get(reverse("region_home", args=["atlantis"]))

    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    assert "Page not found" in response.content.decode()


# Signing in and out


def test_login_page_renders(client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Sign in – SLI Portal</title>" in content
    assert 'name="username"' in content
    assert 'name="password"' in content
    assert "govuk-error-summary" not in content


def test_login_with_the_right_password_lands_on_the_dashboard(client, coordinator, region):
    response = client.post(reverse("login"), {"username": "coordinator", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("dashboard", args=[region.slug])
    assert client.session["_auth_user_id"] == str(coordinator.pk)


def test_login_with_a_wrong_password_shows_the_error_summary(client, coordinator):
    response = client.post(reverse("login"), {"username": "coordinator", "password": "wrong"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Error: Sign in – SLI Portal</title>" in content
    assert 'class="govuk-error-summary"' in content
    assert "There is a problem" in content
    (message,) = response.context["form"].non_field_errors()
    assert f'<a href="#id_username">{message}</a>' in content
    assert "_auth_user_id" not in client.session


def test_login_form_speaks_govuk(coordinator):
    wrong = LoginForm(data={"username": "coordinator", "password": "wrong"})
    empty = LoginForm(data={})

    assert wrong.non_field_errors() == [
        "Enter a correct e-mail address or username, and password. The password is case-sensitive"
    ]
    assert empty.errors == {"username": ["Enter your e-mail address or username"], "password": ["Enter your password"]}


def test_signed_in_header_names_the_user_their_roles_and_a_sign_out_form(client, coordinator):
    client.force_login(coordinator)

    content = client.get(reverse("home")).content.decode()

    assert f"Signed in as <strong>{coordinator.get_full_name()}</strong>" in content
    assert "SLI coordinator, SW ADPH" in content
    assert f'<form method="post" action="{reverse("logout")}"' in content
    assert 'name="csrfmiddlewaretoken"' in content


def test_anonymous_header_links_to_sign_in(client, db):
    content = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("login")}"' in content
    assert "Signed in as" not in content


def test_sign_out_by_post_signs_out(client, coordinator):
    client.force_login(coordinator)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert "Signed in as" not in client.get(reverse("home")).content.decode()


# The page frame


def test_navigation_marks_the_current_page(client, coordinator, region):
    client.force_login(coordinator)

    content = client.get(reverse("dashboard", args=[region.slug])).content.decode()

    active = re.search(r'govuk-service-navigation__item--active">\s*<a [^>]*>\s*<strong[^>]*>([^<]+)<', content)
    assert active and active[1].strip() == "Dashboard"


def test_messages_show_as_notification_banners():
    messages = [Message(constants.SUCCESS, "Plan saved"), Message(constants.INFO, "Updates are due")]

    html = render_to_string("base.html", {"messages": messages})

    assert 'class="govuk-notification-banner govuk-notification-banner--success" role="alert"' in html
    assert 'class="govuk-notification-banner" role="region"' in html
    assert "Plan saved" in html
    assert "Updates are due" in html


@pytest.mark.parametrize("template", ["400.html", "403.html", "403_csrf.html", "404.html", "500.html"])
def test_error_pages_render_without_any_context(template):
    # The 500 page in particular is rendered with no request and no context processors.
    html = render_to_string(template)

    assert 'class="govuk-template"' in html
    assert '<h1 class="govuk-heading-l">' in html
    assert f'href="{reverse("login")}"' in html


@pytest.fixture
def pages(client, plan, priority_1):
    """Every page this part of the portal serves, as an anonymous visitor sees it."""
    urls = [reverse("home"), plan.region.get_absolute_url(), reverse("login"), "/no-such-page/"]
    return {url: client.get(url).content.decode() for url in urls}


def test_every_page_has_the_skip_link_and_its_target(pages):
    for url, html in pages.items():
        assert '<a href="#main-content" class="govuk-skip-link"' in html, url
        assert '<main class="govuk-main-wrapper" id="main-content">' in html, url


def test_no_page_has_inline_scripts_or_event_handlers(pages):
    # A Content Security Policy will forbid inline scripts; the pages must not need any.
    for url, html in pages.items():
        page = _Page(html)
        assert page.scripts, url
        assert all(script.get("src") for script in page.scripts), url
        assert page.event_handlers == [], url


def test_scripts_are_modules_served_by_the_portal(pages):
    (script,) = _Page(pages[reverse("home")]).scripts

    assert script["type"] == "module"
    init = _static_file(script["src"]).read_text()
    # init.mjs imports GOV.UK Frontend by a path relative to itself.
    (imported,) = re.findall(r'from "([^"]+)"', init)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(script["src"]), imported))
    assert _static_file(target).name == "govuk-frontend.min.js"
    assert "initAll()" in init
    assert "govuk-frontend-supported" in init


def test_stylesheets_are_served_by_the_portal_without_the_govuk_font_or_crest(pages):
    stylesheets = _Page(pages[reverse("home")]).stylesheets

    assert len(stylesheets) == 2
    for url in stylesheets:
        css = _static_file(url).read_text()
        assert "GDS Transport" not in css, url
        assert "@font-face" not in css, url
        assert "govuk-crest" not in css, url
        assert "/assets/" not in css, url


def test_vendored_govuk_frontend_carries_its_version_licence_and_refresh_script():
    folder = Path(settings.BASE_DIR) / "static" / "vendor" / "govuk-frontend"

    assert re.fullmatch(r"6\.\d+\.\d+\n", (folder / "VERSION").read_text())
    assert "MIT License" in (folder / "LICENSE").read_text()
    assert "npm pack" in (folder / "refresh.sh").read_text()
    assert not list(folder.glob("*.woff*"))
    assert "sourceMappingURL" not in (folder / "govuk-frontend.min.js").read_text()


def test_every_page_is_titled_for_the_portal(pages):
    for url, html in pages.items():
        assert re.search(r"<title>[^<]+ – SLI Portal</title>", html), url


def test_no_page_shows_a_crown_or_the_govuk_logotype(pages):
    for url, html in pages.items():
        assert "govuk-logo" not in html, url
        assert "govuk-header__logotype" not in html, url
        assert "Crown copyright" not in html, url


def test_a_second_region_is_not_mixed_into_the_first(client, plan, other_region):
    ActionPlanFactory(region=other_region, title="NE ADPH plan")

    content = client.get(plan.region.get_absolute_url()).content.decode()

    assert plan.title in content
    assert "NE ADPH plan" not in content


# Small things a reviewer found walking every role


def test_a_deep_link_says_why_it_asks_to_sign_in(client, region):
    response = client.get(reverse("dashboard", args=[region.slug]), follow=True)
    assert "sign in to see it" in response.content.decode()
    assert "sign in to see it" not in client.get(reverse("login")).content.decode()


def test_the_feedback_link_goes_to_the_members_coordinator_or_the_operators(client, region, member, settings):
    settings.FEEDBACK_EMAIL = "operators@example.org"
    region.coordinator_email = "sli.coordinator@example.org"
    region.save()
    assert "mailto:operators@example.org" in client.get(reverse("home")).content.decode()
    client.force_login(member)
    assert "mailto:sli.coordinator@example.org" in client.get(reverse("home")).content.decode()


def test_no_title_names_the_portal_twice(client, national):
    client.force_login(national)
    page = client.get(reverse("national_view")).content.decode()
    assert page.count("SLI Portal</title>") == 1 and "SLI Portal – SLI Portal" not in page


def test_date_hints_give_an_example_from_today(client, coordinator, region):
    with time_machine.travel(datetime.datetime(2031, 5, 10, 12, tzinfo=datetime.UTC), tick=False):
        client.force_login(coordinator)
        page = client.get(reverse("plan_create", args=[region.slug])).content.decode()
    assert "For example, 1 4 2032" in page  # the next 1 April
    assert "For example, 31 3 2034" in page


# The accessibility statement


def test_the_accessibility_statement_is_linked_from_every_page(client, region):
    statement = reverse("accessibility")
    for url in (reverse("home"), reverse("login"), reverse("region_home", args=[region.slug])):
        assert f'href="{statement}"' in client.get(url).content.decode(), url


def test_the_statement_names_whom_to_tell(client, region, other_region, settings):
    region.coordinator_email = "sli.coordinator@sw.example.org"
    region.save()
    page = client.get(reverse("accessibility")).content.decode()
    assert "mailto:sli.coordinator@sw.example.org" in page
    assert "Equality Advisory and Support Service" in page
    settings.ACCESSIBILITY_CONTACT_EMAIL = "accessibility@example.org"
    page = client.get(reverse("accessibility")).content.decode()
    assert "mailto:accessibility@example.org" in page and "sw.example.org" not in page


def test_form_pages_have_titles_that_say_which_item(client, coordinator, region, plan, priority_1):
    client.force_login(coordinator)
    page = client.get(reverse("priority_area_create", args=[region.slug, plan.pk])).content.decode()
    assert f"<title>Add a priority area – {plan.title} – SLI Portal</title>" in page


def test_sign_in_does_not_steal_the_first_tab(client):
    assert "autofocus" not in client.get(reverse("login")).content.decode()


def test_a_filtered_list_says_its_filter_in_its_title(client, member, region):
    client.force_login(member)
    page = client.get(reverse("event_list", args=[region.slug]), {"when": "past"}).content.decode()
    assert "<title>Events (Past events) – South West – SLI Portal</title>" in " ".join(page.split())
    page = client.get(reverse("event_list", args=[region.slug])).content.decode()
    assert "<title>Events – South West – SLI Portal</title>" in " ".join(page.split())


# Changing one's password (people issue, first part)


def test_a_member_changes_their_password_with_the_validators_kept(client, member):
    member.set_password("correct-horse-battery")
    member.save()
    client.force_login(member)
    url = reverse("password_change")
    assert 'href="/accounts/">Your account</a>' in client.get(reverse("home")).content.decode()
    assert 'href="/accounts/password_change/"' in client.get(reverse("account")).content.decode()

    weak = client.post(url, {"old_password": "correct-horse-battery", "new_password1": "abc", "new_password2": "abc"})
    page = weak.content.decode()
    assert weak.status_code == 200 and "govuk-error-summary" in page and "at least 12 characters" in page

    wrong = client.post(
        url,
        {"old_password": "nope", "new_password1": "stapled-river-lantern", "new_password2": "stapled-river-lantern"},
    )
    assert "Your current password is not right" in wrong.content.decode()

    done = client.post(
        url,
        {
            "old_password": "correct-horse-battery",
            "new_password1": "stapled-river-lantern",
            "new_password2": "stapled-river-lantern",
        },
        follow=True,
    )
    assert "Password changed" in done.content.decode()
    member.refresh_from_db()
    assert member.check_password("stapled-river-lantern")


def test_changing_a_password_needs_signing_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
