"""axe on what an easy login sees: the start page, the feedback form and the
step-up page, in three languages at 320 px and 1280 px. No easy login method
exists yet, so the session is planted in the browser as a cookie."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from portal.auth import sessions
from portal.auth.levels import Level
from tests.browser import test_accessibility_logged_in as logged_in
from tests.support import factories
from tests.support.journeys import Portal, check_everywhere

driver, portal = logged_in.driver, logged_in.portal  # the fixtures: Chromium and a live demo portal


def easy_login(driver, portal: Portal) -> None:  # type: ignore[no-untyped-def]
    """Aino's easy session, as a login would leave it: an HttpOnly cookie for the site."""
    token = factories.start_session(portal.engine, audience="client", person=portal.aino_id,
                                    acting_for=portal.aino_id, level=Level.EASY)
    driver.delete_all_cookies()
    driver.get(f"{portal.url}/accessibility")  # a page of the site, so the cookie is the site's
    driver.add_cookie({"name": sessions.COOKIE_NAMES["client"], "value": token, "path": "/", "httpOnly": True,
                       "sameSite": "Lax"})


@pytest.mark.parametrize("path", ["/home", "/feedback"])
def test_easy_pages(driver, portal, path) -> None:
    easy_login(driver, portal)
    check_everywhere(driver, portal, path)
    assert driver.find_element(By.CSS_SELECTOR, ".account__level").is_displayed()


def test_step_up_page(driver, portal) -> None:
    easy_login(driver, portal)
    check_everywhere(driver, portal, "/money")
    button = driver.find_element(By.CSS_SELECTOR, "main a.button")
    assert button.get_attribute("href").endswith("/login?next=/money")
