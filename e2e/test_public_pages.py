"""Public pages: readable by anyone, accessible, and working without JavaScript."""

import pytest

from e2e.conftest import check_accessibility, sign_in

PUBLIC_PAGES = [
    ("home", "/"),
    ("region", "/regions/south-west/"),
    ("login", "/accounts/login/"),
]


@pytest.mark.parametrize(("name", "path"), PUBLIC_PAGES)
def test_public_page_has_no_accessibility_violation(page, name, path):
    response = page.goto(path)
    assert response.status == 200
    check_accessibility(page, f"public-{name}")


def test_the_not_found_page_is_accessible(browser, portal_without_debug):
    # The portal's own 404 page, as production shows it (with DEBUG on it is Django's).
    context = browser.new_context(
        base_url=portal_without_debug, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        response = page.goto("/regions/atlantis/")
        assert response.status == 404
        assert page.get_by_role("heading", level=1).inner_text().strip() == "Page not found"
        check_accessibility(page, "public-404")
    finally:
        context.close()


def test_the_home_page_explains_sli_and_shows_the_plan(page):
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text().strip()
    assert page.get_by_text("SW ADPH SLI Action Plan").first.is_visible()
    assert page.get_by_text("Key Objective 14: The SW ADPH Voice").is_visible()


def test_pages_work_without_javascript(page_without_javascript):
    page = page_without_javascript
    page.goto("/")
    assert page.get_by_role("banner").get_by_role("link", name="Sign in").is_visible()
    page.goto("/accounts/login/")
    assert page.locator("#id_username").is_visible()


def test_a_wrong_password_shows_the_error_summary(page):
    page.goto("/accounts/login/")
    page.fill("#id_username", "coordinator")
    page.fill("#id_password", "not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.locator(".govuk-error-summary").is_visible()
    check_accessibility(page, "login-error")


def test_signing_in_and_out(page):
    sign_in(page, "coordinator")
    assert page.get_by_text("Hannah Price").first.is_visible()
    check_accessibility(page, "signed-in-home")
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("banner").get_by_role("link", name="Sign in").is_visible()
