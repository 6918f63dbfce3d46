"""Browser journeys through a live demo portal (tests.support.browser.demo_portal):
sign in at the test identity provider, submit a form, wait for the next page,
and check a page everywhere (axe, sideways scrolling, console errors, and a
small phone's problems, in three languages at 320 px and 1280 px)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from portal.settings import LOA_SUBSTANTIAL
from tests.support import browser

LOCALES = ["fi", "sv", "en"]


@dataclass
class Portal:
    url: str
    aino_id: int
    engine: Any


def wait_for_new_page(driver, action: Callable[[], None]) -> None:  # type: ignore[no-untyped-def]
    driver.execute_script("window.portalOldPage = true")
    action()
    WebDriverWait(driver, 10).until(
        lambda d: d.execute_script("return window.portalOldPage === undefined && document.readyState === 'complete'")
    )


def sign_in(driver, portal: Portal, identity_code: str, *, staff: bool = False, level: str = LOA_SUBSTANTIAL) -> None:  # type: ignore[no-untyped-def]
    driver.delete_all_cookies()
    driver.get(f"{portal.url}/{'staff/' if staff else ''}login")
    driver.find_element(By.CSS_SELECTOR, f"input[name=person][value='{identity_code}']").click()
    driver.find_element(By.CSS_SELECTOR, f"input[name=level][value='{level}']").click()
    wait_for_new_page(driver, lambda: driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click())


def submit(driver) -> None:  # type: ignore[no-untyped-def]
    wait_for_new_page(driver, lambda: driver.find_element(By.CSS_SELECTOR, "main form[novalidate] button[type=submit]").click())


def check_everywhere(driver, portal: Portal, path: str, then: Callable | None = None) -> None:  # type: ignore[no-untyped-def]
    """axe in every language at both widths; all violations reported at once."""
    reports = problems_everywhere(driver, portal, path, then=then)
    assert reports == [], "\n".join(reports)


def problems_everywhere(driver, portal: Portal, path: str, *, then: Callable | None = None,  # type: ignore[no-untyped-def]
                        error_page: bool = False) -> list[str]:
    """What axe, the width and the phone find on the page in every language at
    both widths (an error page may log its status in the console)."""
    reports = []
    for locale in LOCALES:
        for width in browser.WIDTHS.values():
            browser.set_width(driver, width)
            driver.get(f"{portal.url}/language/{locale}?next={path}")
            if then:
                then(driver)
            assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == locale
            violations, report = browser.axe_violations(driver)
            if violations:
                reports.append(f"{path} {locale} {width}px: {report}")
            overflow = browser.horizontal_overflow(driver)
            if overflow > 0:
                reports.append(f"{path} {locale} {width}px: {overflow} px of horizontal scrolling")
            if not error_page and (errors := browser.console_errors(driver)):
                reports.append(f"{path} {locale} {width}px: console errors {errors}")
            if width == browser.WIDTHS["phone"]:
                reports.extend(f"{path} {locale} {width}px: {problem}" for problem in phone_problems(driver))
    return reports


def phone_problems(driver) -> list[str]:  # type: ignore[no-untyped-def]
    """What a person on a small phone would meet: small targets, words broken
    mid-word, a heading below the first screen."""
    problems = []
    if small := browser.small_targets(driver):
        problems.append(f"small targets {small}")
    if broken := browser.words_broken_mid_word(driver):
        problems.append(f"words broken mid-word {broken}")
    if (bottom := browser.first_heading_bottom(driver)) > browser.PHONE_SCREEN_HEIGHT:
        problems.append(f"the first heading ends at {bottom} px, below the first screen")
    return problems
