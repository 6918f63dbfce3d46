"""axe on the pages of issue 11 (feedback, the staff's answers, the
accessibility queue and outbox, the follow-up, the end of a period, "Omat tietoni") in
3 languages x 2 widths, error states included; and feedback given at 320 px
with the keyboard only, named and anonymous, with and without JavaScript,
answered by staff; an accessibility report through its queue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlmodel import Session, select

from portal.models import ClientFeedback, Notification
from portal.schedule.calendar_days import today
from tests.support import browser, factories
from tests.support.journeys import Portal, check_everywhere, sign_in, submit, wait_for_new_page

AINO, MIKKO, JARI, SANNA, MARIA = "010280-952L", "150375-990C", "071188-955W", "300883-9617", "180679-9737"


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> Iterator[Portal]:  # type: ignore[no-untyped-def]
    with browser.demo_portal(tmp_path_factory.mktemp("browser-feedback")) as (url, app):
        yield Portal(url, factories.person_id(app.state.engine, app.state.vault, AINO), app.state.engine)


@pytest.fixture(scope="module")
def driver():  # type: ignore[no-untyped-def]
    with browser.chromium() as chrome:
        yield chrome


@pytest.mark.parametrize("path", ["/feedback", "/feedback/thanks", "/my-data"])
def test_client_pages(driver, portal, path) -> None:
    sign_in(driver, portal, AINO)
    check_everywhere(driver, portal, path)


def test_feedback_form_with_errors(driver, portal) -> None:
    sign_in(driver, portal, AINO)
    check_everywhere(driver, portal, "/feedback", submit)
    assert driver.title.startswith("Error: ")


def test_plan_history_with_an_ended_period(driver, portal) -> None:
    sign_in(driver, portal, JARI)
    check_everywhere(driver, portal, "/plan")
    assert "Työkokeilu kaupan varastossa" in driver.find_element(By.TAG_NAME, "main").text


def test_staff_feedback_and_accessibility_pages(driver, portal) -> None:
    sign_in(driver, portal, SANNA, staff=True)
    check_everywhere(driver, portal, "/staff/feedback")

    def empty_answer(d) -> None:  # type: ignore[no-untyped-def]
        button = d.find_element(By.CSS_SELECTOR, "main section form button[type=submit]")
        d.execute_script("arguments[0].closest('form').querySelector('textarea').value = ''", button)
        wait_for_new_page(d, button.click)

    check_everywhere(driver, portal, "/staff/feedback", empty_answer)
    assert driver.title.startswith("Error: ")
    check_everywhere(driver, portal, "/staff/accessibility-feedback")
    check_everywhere(driver, portal, "/staff/accessibility-feedback", empty_answer)
    assert driver.title.startswith("Error: ")
    check_everywhere(driver, portal, "/staff/outbox")
    check_everywhere(driver, portal, "/staff/followup")


def test_followup_with_charts_over_the_demos_months(driver, portal) -> None:
    sign_in(driver, portal, SANNA, staff=True)
    first = (today().replace(day=1) - timedelta(days=80)).replace(day=1)
    path = f"/staff/followup?from={first:%Y-%m}&to={today():%Y-%m}"
    check_everywhere(driver, portal, path)
    charts = driver.find_elements(By.CSS_SELECTOR, "main figure svg[role=img]")
    assert len(charts) == 2
    for chart in charts:  # each names its caption, and the caption is there
        caption = driver.find_element(By.ID, chart.get_attribute("aria-labelledby"))
        assert caption.tag_name == "figcaption" and caption.text
    assert driver.find_elements(By.CSS_SELECTOR, "main svg rect.chart__bar")  # the demo's attendance is shown


def test_staff_period_outcome(driver, portal) -> None:
    sign_in(driver, portal, MARIA, staff=True)
    driver.get(f"{portal.url}/staff")
    client = driver.find_element(By.PARTIAL_LINK_TEXT, "Jari").get_attribute("href").removeprefix(portal.url)
    check_everywhere(driver, portal, f"{client}/outcome")
    check_everywhere(driver, portal, f"{client}/outcome", submit)
    assert driver.title.startswith("Error: ")


def tab_to(driver, predicate, limit: int = 60) -> None:  # type: ignore[no-untyped-def]
    """Move focus with Tab only until the focused element is the one wanted."""
    for _ in range(limit):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        if predicate(driver.switch_to.active_element):
            return
    raise AssertionError("cannot be reached with Tab")


def give_with_keyboard(driver, portal, *, anonymous: bool) -> None:  # type: ignore[no-untyped-def]
    """A face, (anonymous,) send: the about-choice keeps 'the whole service'."""
    driver.get(f"{portal.url}/language/fi?next=/feedback")
    tab_to(driver, lambda element: element.get_attribute("name") == "mood")
    ActionChains(driver).send_keys(Keys.SPACE).perform()  # the first face, "Tosi hyvin"
    if anonymous:
        tab_to(driver, lambda element: element.get_attribute("id") == "anonymous")
        ActionChains(driver).send_keys(Keys.SPACE).perform()
    tab_to(driver, lambda element: element.text == "Lähetä palaute")
    wait_for_new_page(driver, lambda: ActionChains(driver).send_keys(Keys.ENTER).perform())
    assert driver.current_url.endswith("/feedback/thanks")


def stored(portal) -> list[ClientFeedback]:  # type: ignore[no-untyped-def]
    with Session(portal.engine) as session:
        return list(session.exec(select(ClientFeedback).order_by(ClientFeedback.id)).all())


def test_feedback_with_the_keyboard_at_320_px_named_and_anonymous_then_staff_answer(driver, portal) -> None:
    browser.set_width(driver, 320)
    sign_in(driver, portal, AINO)
    before = len(stored(portal))
    give_with_keyboard(driver, portal, anonymous=False)
    give_with_keyboard(driver, portal, anonymous=True)
    named, anonymous = stored(portal)[before:]
    assert (named.person_id, named.mood, named.about) == (portal.aino_id, 5, "")
    assert (anonymous.person_id, anonymous.given_at, anonymous.mood) == (None, None, 5)

    sign_in(driver, portal, SANNA, staff=True)
    driver.get(f"{portal.url}/language/fi?next=/staff/feedback")
    card = driver.find_element(By.ID, f"feedback-{named.id}")
    card.find_element(By.TAG_NAME, "textarea").send_keys("Kiitos palautteesta, Aino!")
    wait_for_new_page(driver, card.find_element(By.CSS_SELECTOR, "button[type=submit]").click)
    assert "Vastaus on tallessa" in driver.find_element(By.TAG_NAME, "main").text
    assert driver.find_elements(By.CSS_SELECTOR, f"#feedback-{anonymous.id} form") == []

    sign_in(driver, portal, AINO)
    driver.get(f"{portal.url}/feedback")
    assert "Kiitos palautteesta, Aino!" in driver.find_element(By.ID, f"feedback-{named.id}").text


def test_feedback_without_javascript(driver, portal) -> None:
    browser.set_width(driver, 320)
    sign_in(driver, portal, MIKKO)
    before = len(stored(portal))
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        give_with_keyboard(driver, portal, anonymous=True)
        give_with_keyboard(driver, portal, anonymous=False)
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    anonymous, named = stored(portal)[before:]
    assert anonymous.person_id is None and named.person_id is not None


def test_an_accessibility_report_goes_through_its_queue(driver, portal) -> None:
    driver.delete_all_cookies()
    driver.get(f"{portal.url}/language/fi?next=/accessibility/feedback")
    driver.find_element(By.ID, "message").send_keys("Kasvot ovat pienet.")
    driver.find_element(By.ID, "contact").send_keys("testaaja@example.fi")
    submit(driver)
    sign_in(driver, portal, SANNA, staff=True)
    driver.get(f"{portal.url}/language/fi?next=/staff/accessibility-feedback")
    card = driver.find_element(By.XPATH, "//section[.//p[contains(., 'Kasvot ovat pienet.')]]")
    assert "Viimeinen vastauspäivä" in card.text
    card.find_element(By.TAG_NAME, "textarea").send_keys("Kiitos! Teemme kasvoista isommat.")
    wait_for_new_page(driver, card.find_element(By.CSS_SELECTOR, "button[type=submit]").click)
    with Session(portal.engine) as session:
        [message] = session.exec(select(Notification).where(Notification.to_address == "testaaja@example.fi")).all()
    assert message.body == "Kiitos! Teemme kasvoista isommat."
    driver.get(f"{portal.url}/staff/outbox")
    assert "testaaja@example.fi" in driver.find_element(By.TAG_NAME, "main").text
