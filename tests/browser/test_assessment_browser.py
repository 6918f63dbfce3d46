"""The self-assessment in a real browser: axe on every page of the journey
(each question type, each error state, check, thank-you, results, staff
queue, review and print) in 3 languages at 320 px and 1280 px; and the whole
journey with the keyboard only at 320 px, with a logout half-way, then the
staff review and the client seeing the comment — with JavaScript on and off."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.support import browser
from tests.support import factories
from tests.support.journeys import Portal, check_everywhere, sign_in, submit, wait_for_new_page

AINO, MIKKO, JARI = "010280-952L", "150375-990C", "071188-955W"
SANNA, MARIA = "300883-9617", "180679-9737"
TYPE_PAGES = ["work_ability_now", "coping_at_work", "pain", "want_to_learn", "anything_else"]
checked_pages = {"count": 0}


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> Iterator[Portal]:  # type: ignore[no-untyped-def]
    with browser.demo_portal(tmp_path_factory.mktemp("browser-assessment")) as (url, app):
        yield Portal(url, factories.person_id(app.state.engine, app.state.vault, AINO), app.state.engine)


@pytest.fixture(scope="module")
def driver():  # type: ignore[no-untyped-def]
    with browser.chromium() as chrome:
        yield chrome


def check(driver, portal, path, then=None) -> None:  # type: ignore[no-untyped-def]
    check_everywhere(driver, portal, path, then)
    checked_pages["count"] += 6  # 3 languages x 2 widths


def current_path(driver, portal) -> str:  # type: ignore[no-untyped-def]
    return driver.current_url.removeprefix(portal.url)


def test_axe_on_every_client_page_of_the_journey(driver, portal) -> None:
    sign_in(driver, portal, AINO)
    check(driver, portal, "/home")
    check(driver, portal, "/assessment")
    driver.get(f"{portal.url}/language/fi?next=/assessment")
    wait_for_new_page(driver, lambda: driver.find_element(By.CSS_SELECTOR, "main form button").click())
    base = current_path(driver, portal).rsplit("/", 1)[0]
    assessment = base.removesuffix("/questions")
    for question_id in TYPE_PAGES:
        check(driver, portal, f"{base}/{question_id}")
        check(driver, portal, f"{base}/{question_id}", submit)  # nothing chosen: the error state
        assert driver.title.startswith("Error: ")
    check(driver, portal, f"{assessment}/check")
    # Answer everything with a click each, then send.
    driver.get(f"{portal.url}/language/fi?next={assessment}/continue")
    while "/questions/" in driver.current_url:
        driver.find_element(By.CSS_SELECTOR, "main .choice__input, main textarea").click()
        if driver.find_elements(By.CSS_SELECTOR, "main textarea"):
            driver.find_element(By.CSS_SELECTOR, "main textarea").send_keys("Hyvä syksy.")
        submit(driver)

    def stale_tab(d) -> None:  # type: ignore[no-untyped-def]
        # A page shown before the answer was saved elsewhere: the version check.
        d.execute_script("document.querySelector('input[name=revision]').value = '0'")
        submit(d)
        assert "409" not in d.title and d.find_element(By.CSS_SELECTOR, ".notice--warning").is_displayed()

    check(driver, portal, f"{base}/sleep", stale_tab)
    driver.get(f"{portal.url}/language/fi?next={assessment}/check")
    wait_for_new_page(driver, lambda: driver.find_element(By.CSS_SELECTOR, "main form button").click())
    assert current_path(driver, portal) == f"{assessment}/sent"
    check(driver, portal, f"{assessment}/sent")
    check(driver, portal, assessment)  # results with the comparison chart and table
    assert driver.find_element(By.CSS_SELECTOR, "main svg[role=img]").is_displayed()


def test_axe_on_the_staff_pages(driver, portal) -> None:
    sign_in(driver, portal, SANNA, staff=True)
    check(driver, portal, "/staff/assessments")
    link = driver.find_element(By.PARTIAL_LINK_TEXT, "Mikko").get_attribute("href")
    path = link.removeprefix(portal.url)
    check(driver, portal, path)
    check(driver, portal, f"{path}/print")
    check(driver, portal, path.rsplit("/", 1)[0])  # all of the client's assessments

    def too_long_comment(d) -> None:  # type: ignore[no-untyped-def]
        d.execute_script("document.getElementById('comment').value = 'x'.repeat(1001)")
        submit(d)

    check(driver, portal, path, too_long_comment)
    assert driver.title.startswith("Error: ")
    # Typing in a paper form for Aino: the staff member's step page and its error state.
    driver.get(f"{portal.url}/language/fi?next=/staff/clients/{portal.aino_id}")
    wait_for_new_page(driver, lambda: driver.find_element(
        By.CSS_SELECTOR, f"form[action='/staff/clients/{portal.aino_id}/assessments/paper'] button").click())
    step = current_path(driver, portal)
    assert "/questions/" in step
    check(driver, portal, step)
    check(driver, portal, step, submit)


def press(driver, *keys: str) -> None:  # type: ignore[no-untyped-def]
    ActionChains(driver).send_keys(*keys).perform()


def tab_to(driver, test: str, limit: int = 80):  # type: ignore[no-untyped-def]
    """Press Tab until the focused element passes the test (a JavaScript expression on `e`)."""
    for _ in range(limit):
        press(driver, Keys.TAB)
        if driver.execute_script(f"const e = document.activeElement; return Boolean({test});"):
            return driver.switch_to.active_element
    raise AssertionError(f"Tab never reached {test} on {driver.current_url}")


def answer_with_keyboard(driver) -> None:  # type: ignore[no-untyped-def]
    element = tab_to(driver, "e.name === 'answer'")
    if element.tag_name == "textarea":
        press(driver, "Menee hyvin.")
    else:
        press(driver, Keys.SPACE)
    tab_to(driver, "e.type === 'submit' && !e.name && e.closest('main')")
    wait_for_new_page(driver, lambda: press(driver, Keys.ENTER))


def log_out_with_keyboard(driver) -> None:  # type: ignore[no-untyped-def]
    tab_to(driver, "e.closest('.account__logout') && e.type === 'submit'")
    wait_for_new_page(driver, lambda: press(driver, Keys.ENTER))


def follow_link_with_keyboard(driver, href_part: str) -> None:  # type: ignore[no-untyped-def]
    tab_to(driver, f"e.tagName === 'A' && e.closest('main') && e.getAttribute('href').includes('{href_part}')")
    wait_for_new_page(driver, lambda: press(driver, Keys.ENTER))


@pytest.mark.parametrize(("client_code", "staff_code", "javascript"), [(MIKKO, SANNA, True), (JARI, MARIA, False)])
def test_keyboard_journey_at_320_px(driver, portal, client_code, staff_code, javascript) -> None:
    browser.set_width(driver, 320)
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": not javascript})
    try:
        sign_in(driver, portal, client_code)
        driver.get(f"{portal.url}/language/fi?next=/home")
        follow_link_with_keyboard(driver, "/assessment")  # the start page card
        tab_to(driver, "e.closest('main form') && e.type === 'submit'")
        wait_for_new_page(driver, lambda: press(driver, Keys.ENTER))  # Aloita arvio
        # The read-aloud button is an enhancement: shown by the script only.
        assert driver.find_element(By.CSS_SELECTOR, ".read-aloud").is_displayed() is javascript
        for _ in range(7):
            answer_with_keyboard(driver)
        stopped_at = current_path(driver, portal)
        log_out_with_keyboard(driver)
        sign_in(driver, portal, client_code)
        driver.get(f"{portal.url}/language/fi?next=/home")
        follow_link_with_keyboard(driver, "/continue")  # Jatka arviota
        assert current_path(driver, portal) == f"{stopped_at}?resumed=1"
        assert "Aiemmat vastauksesi on tallennettu" in driver.find_element(By.TAG_NAME, "main").text
        while "/questions/" in driver.current_url:
            answer_with_keyboard(driver)
        assert driver.find_element(By.TAG_NAME, "h1").text == "Tarkista vastauksesi"
        tab_to(driver, "e.closest('main form') && e.type === 'submit'")
        wait_for_new_page(driver, lambda: press(driver, Keys.ENTER))  # Lähetä arvio
        assert driver.find_element(By.TAG_NAME, "h1").text == "Kiitos! Arvio on lähetetty."
        follow_link_with_keyboard(driver, "/assessment/")  # Katso tulokset
        main = driver.find_element(By.TAG_NAME, "main").text
        assert "Muutos viime kerrasta" in main and "Viime kerta" in main
        results_path = current_path(driver, portal)
        # The staff member reviews it; the client then sees the comment.
        sign_in(driver, portal, staff_code, staff=True)
        driver.get(f"{portal.url}/language/fi?next=/staff/assessments")
        follow_link_with_keyboard(driver, results_path.replace("/assessment/", "/assessments/"))
        tab_to(driver, "e.id === 'comment'")
        press(driver, "Hyvää työtä!")
        tab_to(driver, "e.closest('main form') && e.type === 'submit'")
        wait_for_new_page(driver, lambda: press(driver, Keys.ENTER))
        assert "Arvio on merkitty käsitellyksi." in driver.find_element(By.TAG_NAME, "main").text
        sign_in(driver, portal, client_code)
        driver.get(f"{portal.url}/language/fi?next={results_path}")
        assert "Hyvää työtä!" in driver.find_element(By.TAG_NAME, "main").text
        assert browser.console_errors(driver) == []
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_pages_checked_by_axe() -> None:
    # The closing note quotes this number (pages x languages x widths).
    assert checked_pages["count"] >= 6 * 23
