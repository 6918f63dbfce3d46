"""Keyboard-only journeys in headless Chromium (Tab, Shift+Tab, Enter, Space,
typing): focus a target with the keyboard, press Enter on it and wait for the
next page (looking every 20 ms), type into a field; and the page's heading,
main text, size, JavaScript on or off, and whether it fits (no sideways
scrolling, 44 px targets)."""

from __future__ import annotations

from collections.abc import Callable

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.support import browser

FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, summary"


def keys(driver, *typed: str) -> None:  # type: ignore[no-untyped-def]
    ActionChains(driver).send_keys(*typed).perform()


# How many Tab presses from the focus to the target, counted along the
# focusable elements in document order (a radio group is one stop: its
# checked radio, or its first); negative: Shift+Tab. Only a count: the keys
# do the moving, and the focus is checked after them.
TAB_STOPS = f"""
const stops = [...document.querySelectorAll('{FOCUSABLE}')].filter(e =>
  !e.disabled && e.tabIndex >= 0 && e.checkVisibility({{visibilityProperty: true}}) &&
  (e.type !== 'radio' || e.checked || ![...(e.form || document).querySelectorAll('input[type=radio]')]
     .some(r => r.name === e.name && (r.checked || r.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING))));
"""


def focus(driver, test: str, limit: int = 80) -> None:  # type: ignore[no-untyped-def]
    """Tab until the focused element passes the test (a JavaScript expression
    on `e`); Shift+Tab when that element comes before the focus."""
    steps = driver.execute_script(TAB_STOPS + f"""
        const target = stops.find(e => Boolean({test}));
        if (!target) return null;
        const now = stops.indexOf(document.activeElement);
        return stops.indexOf(target) - now;""")
    assert steps is not None, f"nothing on {driver.current_url} passes {test}"
    if steps > 1:
        keys(driver, *[Keys.TAB] * (steps - 1))  # the last step one by one below
    elif steps < -1:
        ActionChains(driver).key_down(Keys.SHIFT).send_keys(*[Keys.TAB] * (-steps - 1)).key_up(Keys.SHIFT).perform()
    for _ in range(limit):
        if driver.execute_script(f"const e = document.activeElement; return Boolean(e && ({test}));"):
            return
        if steps < 0:
            ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
        else:
            keys(driver, Keys.TAB)
    raise AssertionError(f"the keyboard never reached {test} on {driver.current_url}")


def wait_for_new_page(driver, action: Callable[[], None]) -> None:  # type: ignore[no-untyped-def]
    """tests.support.journeys' wait, looking every 20 ms (not every 500 ms)."""
    driver.execute_script("window.portalOldPage = true")
    action()
    WebDriverWait(driver, 10, poll_frequency=0.02).until(
        lambda d: d.execute_script("return window.portalOldPage === undefined && document.readyState === 'complete'"))


def press_enter_on(driver, test: str) -> None:  # type: ignore[no-untyped-def]
    """Focus a link or a button with the keyboard and press Enter; a new page follows."""
    focus(driver, test)
    wait_for_new_page(driver, lambda: keys(driver, Keys.ENTER))


def link(href: str) -> str:
    return f"e.tagName === 'A' && e.closest('main') && e.getAttribute('href') === '{href}'"


def submit_of(action_ending: str) -> str:
    return f"e.type === 'submit' && e.form && e.form.getAttribute('action').endsWith('{action_ending}')"


def field(name: str) -> str:
    return f"e.name === '{name}'"


def type_into(driver, name: str, text: str) -> None:  # type: ignore[no-untyped-def]
    focus(driver, field(name))
    # Ctrl+A first: the typing replaces what is there (a default day, say).
    ActionChains(driver).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys(text).perform()


def log_out(driver) -> None:  # type: ignore[no-untyped-def]
    press_enter_on(driver, "e.type === 'submit' && e.closest('.account__logout')")


# The page.

def h1(driver) -> str:  # type: ignore[no-untyped-def]
    return driver.find_element(By.TAG_NAME, "h1").text


def main_text(driver) -> str:  # type: ignore[no-untyped-def]
    return driver.find_element(By.TAG_NAME, "main").text


def set_size(driver, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def fits(driver) -> None:  # type: ignore[no-untyped-def]
    """No sideways scrolling, every target at least 44 x 44 px."""
    assert browser.horizontal_overflow(driver) <= 0, f"{driver.current_url} scrolls sideways"
    assert browser.small_targets(driver) == [], driver.current_url


def javascript(driver, on: bool) -> None:  # type: ignore[no-untyped-def]
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": not on})
