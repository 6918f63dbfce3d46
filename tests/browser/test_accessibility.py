"""axe (WCAG 2.2 AA) on every page, in three languages, at 320 px and 1280 px,
plus what axe cannot see: reflow, target size, keyboard entry and focus."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from starlette.routing import Route

from tests.support import browser

LOCALES = ["fi", "sv", "en"]


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    then: Callable | None = None  # what to do on the page before checking it

    def open(self, driver, base_url: str, locale: str) -> None:  # type: ignore[no-untyped-def]
        driver.get(f"{base_url}/language/{locale}?next={self.path}")
        if self.then:
            self.then(driver)


def submit_first_form(driver) -> None:  # type: ignore[no-untyped-def]
    driver.execute_script("window.portalOldPage = true")
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    # A new page has a new window object without the mark, once it has loaded.
    WebDriverWait(driver, 10).until(
        lambda d: d.execute_script(
            "return window.portalOldPage === undefined && document.readyState === 'complete'"
        )
    )


def submit_with_forged_token(driver) -> None:  # type: ignore[no-untyped-def]
    driver.execute_script("document.querySelector('input[name=csrf_token]').value = 'forged'")
    submit_first_form(driver)


PAGES = [
    Page("front", "/"),
    Page("accessibility statement", "/accessibility"),
    Page("feedback form", "/accessibility/feedback"),
    Page("feedback form with errors", "/accessibility/feedback", submit_first_form),
    Page("feedback sent", "/accessibility/feedback/sent"),
    Page("expired form", "/accessibility/feedback", submit_with_forged_token),
    Page("contact details", "/contact"),
    Page("not found", "/no-such-page"),
    Page("server error", "/broken-for-test"),
]


def broken(_request):  # type: ignore[no-untyped-def]
    raise RuntimeError("a test of the 500 page")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with browser.demo_portal(tmp_path_factory.mktemp("browser")) as (url, app):
        app.router.routes.append(Route("/broken-for-test", broken))
        yield url


@pytest.fixture(scope="module")
def driver():  # type: ignore[no-untyped-def]
    with browser.chromium() as chrome:
        yield chrome


@pytest.mark.parametrize("width", list(browser.WIDTHS), ids=str)
@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_axe_finds_no_violations(driver, base_url, page, locale, width) -> None:
    browser.set_width(driver, browser.WIDTHS[width])
    page.open(driver, base_url, locale)
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == locale
    violations, report = browser.axe_violations(driver)
    assert violations == [], report


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_page_reflows_at_320_px_and_targets_are_44_px(driver, base_url, page, locale) -> None:
    browser.set_width(driver, 320)
    page.open(driver, base_url, locale)
    overflow = browser.horizontal_overflow(driver)
    assert overflow <= 0, f"{overflow} px of horizontal scrolling at 320 px"
    small = browser.small_targets(driver)
    assert small == []
    assert browser.words_broken_mid_word(driver) == []
    h1_bottom = browser.first_heading_bottom(driver)
    assert h1_bottom <= browser.PHONE_SCREEN_HEIGHT, f"the first heading ends at {h1_bottom} px, below the first screen"


@pytest.fixture(scope="module")
def big_text_driver():  # type: ignore[no-untyped-def]
    with browser.chromium(prefs=browser.DOUBLE_TEXT_PREFS) as chrome:
        yield chrome


@pytest.mark.parametrize("locale", LOCALES)
def test_200_percent_text_at_320_px_needs_no_sideways_scrolling(big_text_driver, base_url, locale) -> None:
    driver = big_text_driver
    browser.set_width(driver, 320)
    reports = []
    for page in PAGES:
        page.open(driver, base_url, locale)
        assert driver.execute_script("return getComputedStyle(document.documentElement).fontSize") == "32px"
        if (overflow := browser.horizontal_overflow(driver)) > 0:
            reports.append(f"{page.name}: {overflow} px of horizontal scrolling")
        if small := browser.small_targets(driver):
            reports.append(f"{page.name}: small targets {small}")
    assert reports == [], "\n".join(reports)


def test_skip_link_is_first_and_visible_on_focus(driver, base_url) -> None:
    browser.set_width(driver, 320)
    driver.get(f"{base_url}/language/fi?next=/accessibility")
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    active = driver.switch_to.active_element
    assert active.get_attribute("class") == "skip-link"
    assert active.rect["y"] >= 0 and active.is_displayed()
    active.send_keys(Keys.ENTER)
    assert driver.execute_script("return location.hash") == "#main"


def test_focus_is_visible_on_every_focusable_element(driver, base_url) -> None:
    browser.set_width(driver, 1280)
    driver.get(f"{base_url}/language/fi?next=/accessibility/feedback")
    body = driver.find_element(By.TAG_NAME, "body")
    seen = 0
    for _ in range(20):
        body = driver.switch_to.active_element
        body.send_keys(Keys.TAB)
        active = driver.switch_to.active_element
        style = driver.execute_script(
            "const s = getComputedStyle(arguments[0]);"
            "return [s.outlineStyle, s.outlineWidth, s.boxShadow];",
            active,
        )
        if active.tag_name == "body":
            break
        outline_style, outline_width, shadow = style
        assert (outline_style != "none" and outline_width != "0px") or shadow != "none", active.get_attribute(
            "outerHTML"
        )[:80]
        seen += 1
    assert seen >= 8  # skip link, site name, 3 languages, 3 fields, button …


def test_error_summary_links_move_focus_to_the_field(driver, base_url) -> None:
    browser.set_width(driver, 320)
    Page("errors", "/accessibility/feedback", submit_first_form).open(driver, base_url, "fi")
    assert driver.title.startswith("Virhe: ")
    driver.find_element(By.CSS_SELECTOR, ".error-summary a").click()
    assert driver.switch_to.active_element.get_attribute("id") == "message"
