"""The kiosk's easy login in real headless Chromium, keyboard only (Tab,
Shift+Tab, Enter, Space, typing): staff mark the browser as a kiosk and give a
client with no bank ID an enrolment code; the client chooses a number code at
the kiosk, picks himself from the list, types the code (on the on-screen
keypad with JavaScript, in the field without), reports an absence, opens the
money page, gets the step-up page and logs in strongly to see the money. At
320 px and at a kiosk's 768 x 1024. Five wrong codes lock the code and staff
open it. And axe, 44 px targets and no sideways scrolling on every new page
in three languages at 320 px and 1280 px."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlmodel import select

from portal.db import transaction
from portal.demo.easy_login import DEMO_CODE
from portal.easy_login.models import EasyLogin
from portal.web import kiosk as kiosk_device
from tests.support import browser, factories
from tests.support.days import on_activity_day
from tests.support.journeys import check_everywhere
from tests.support.keyboard import (
    field,
    fits,
    focus,
    h1,
    javascript,
    keys,
    link,
    log_out,
    main_text,
    press_enter_on,
    set_size,
    submit_of,
    type_into,
    wait_for_new_page,
)

LIISA, JARI, MARIA = "230495-936S", "071188-955W", "180679-9737"
NAMES = {LIISA: ("Liisa", "Mäkinen"), JARI: ("Jari", "Nieminen"), MARIA: ("Maria", "Salo")}
KIOSK_SIZE = (768, 1024)  # a tablet on the centre's wall, upright


@dataclass
class Portal:
    url: str
    engine: Any
    people: dict[str, int]  # identity code -> person id
    logins: dict[str, int]  # identity code -> easy login id (the kiosk's /kiosk/{id})


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> Iterator[Portal]:  # type: ignore[no-untyped-def]
    with on_activity_day(), browser.demo_portal(tmp_path_factory.mktemp("browser-easy-login")) as (url, app):
        engine = app.state.engine
        people = {code: factories.person_id(engine, app.state.vault, code) for code in (LIISA, JARI)}
        with transaction(engine) as session:
            logins = {code: session.exec(select(EasyLogin.id).where(EasyLogin.person_id == person)).one()
                      for code, person in people.items()}
        yield Portal(url, engine, people, logins)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def driver():  # type: ignore[no-untyped-def]
    with browser.chromium() as chrome:
        yield chrome


def log_in_strongly(driver, identity_code: str) -> None:  # type: ignore[no-untyped-def]
    """On the test identity provider's page: type the identity code and the
    names (the register's names come with a login), press Enter."""
    assert h1(driver).replace("\u00ad", "") == "Testitunnistus"
    type_into(driver, "identity_code", identity_code)
    type_into(driver, "given_name", NAMES[identity_code][0])
    type_into(driver, "family_name", NAMES[identity_code][1])
    wait_for_new_page(driver, lambda: keys(driver, Keys.ENTER))


def staff_log_in(driver, portal: Portal) -> None:  # type: ignore[no-untyped-def]
    driver.get(f"{portal.url}/language/fi?next=/staff/login")
    log_in_strongly(driver, MARIA)
    assert path_of(driver, portal) == "/staff"


# The page.

def path_of(driver, portal: Portal) -> str:  # type: ignore[no-untyped-def]
    return driver.current_url.removeprefix(portal.url)


# Staff's part.

def mark_kiosk(driver, portal: Portal, name: str) -> None:  # type: ignore[no-untyped-def]
    """Staff (logged in) mark this browser as a Tupa kiosk on the device page."""
    press_enter_on(driver, link("/staff/device"))
    assert "Tämä laite ei ole kioski." in main_text(driver)
    fits(driver)
    type_into(driver, "name", name)
    focus(driver, field("unit"))  # Maria's one unit is chosen already
    assert driver.find_element(By.CSS_SELECTOR, "select[name=unit] option:checked").text == "Toimintakeskus Tupa"
    press_enter_on(driver, submit_of("/staff/device"))
    assert f"Tämä laite on kioski: {name}." in main_text(driver)
    assert driver.get_cookie(kiosk_device.COOKIE_NAME) is not None


def open_easy_login_page(driver, portal: Portal, identity_code: str) -> None:  # type: ignore[no-untyped-def]
    """From the client list to the client's page, then 'Helppo kirjautuminen'."""
    driver.get(f"{portal.url}/staff")
    person = portal.people[identity_code]
    press_enter_on(driver, link(f"/staff/clients/{person}"))
    press_enter_on(driver, link(f"/staff/clients/{person}/easy-login"))
    assert h1(driver).startswith("Helppo kirjautuminen:")


def give_enrolment_code(driver) -> str:  # type: ignore[no-untyped-def]
    """Identity confirmed by a document, the client present: the code as shown."""
    focus(driver, "e.name === 'how' && e.value === 'document'")
    keys(driver, Keys.SPACE)
    focus(driver, field("client_present"))
    keys(driver, Keys.SPACE)
    press_enter_on(driver, submit_of("/enrol"))
    shown = driver.find_element(By.CSS_SELECTOR, ".enrolment-code").text
    assert len(shown.replace(" ", "")) == 10
    return shown


# The client's part at the kiosk.

def choose_code(driver, enrolment_code: str, code: str, symbol_steps: int = 2) -> str:  # type: ignore[no-untyped-def]
    """At /easy/enrol: the enrolment code, then the own number code, on the list with a picture."""
    assert h1(driver) == "Ota helppo kirjautuminen käyttöön"
    type_into(driver, "enrolment_code", enrolment_code)
    wait_for_new_page(driver, lambda: keys(driver, Keys.ENTER))
    assert h1(driver) == "Valitse oma numerokoodi"
    fits(driver)
    type_into(driver, "code", code)
    type_into(driver, "code_again", code)
    focus(driver, field("on_list"))
    if not driver.switch_to.active_element.is_selected():
        keys(driver, Keys.SPACE)
    focus(driver, field("symbol"))  # into the group of pictures: arrows move and choose
    keys(driver, *[Keys.ARROW_DOWN] * symbol_steps, Keys.SPACE)
    chosen = driver.find_element(By.CSS_SELECTOR, "input[name=symbol]:checked").get_attribute("value")
    press_enter_on(driver, submit_of("/easy/enrol/code"))
    assert h1(driver) == "Helppo kirjautuminen on valmis", main_text(driver)
    return chosen


def pick_from_list(driver, portal: Portal, identity_code: str) -> None:  # type: ignore[no-untyped-def]
    press_enter_on(driver, link(f"/kiosk/{portal.logins[identity_code]}"))
    assert h1(driver) == "Kirjoita numerokoodi"
    fits(driver)


def type_on_keypad(driver, code: str) -> None:  # type: ignore[no-untyped-def]
    """The big on-screen keys, reached with Tab and pressed with Enter; one
    wrong digit first, taken back with the delete key."""
    field_ = driver.find_element(By.NAME, "code")
    keypad = driver.find_element(By.CSS_SELECTOR, ".keypad")
    assert keypad.is_displayed()
    for key in [code[0], code[1], "9" if code[2] != "9" else "8", "del", *code[2:]]:
        test = ("e.closest('.keypad') && e.hasAttribute('aria-label')" if key == "del"
                else f"e.closest('.keypad') && e.textContent === '{key}'")
        focus(driver, test)
        keys(driver, Keys.ENTER)
    assert field_.get_attribute("value") == code


def type_code(driver, code: str, *, keypad: bool) -> None:  # type: ignore[no-untyped-def]
    if keypad:
        type_on_keypad(driver, code)
        press_enter_on(driver, submit_of("/kiosk/" + driver.current_url.rsplit("/", 1)[1]))
    else:
        type_into(driver, "code", code)
        wait_for_new_page(driver, lambda: keys(driver, Keys.ENTER))


@pytest.mark.parametrize(("size", "javascript_on", "absent_on"), [
    ((320, browser.PHONE_SCREEN_HEIGHT), True, "14.12.2026"),
    (KIOSK_SIZE, False, "15.12.2026"),
], ids=["320px-javascript", "kiosk-no-javascript"])
def test_staff_enrol_the_client_chooses_a_code_logs_in_at_the_kiosk_and_steps_up(  # type: ignore[no-untyped-def]
        driver, portal, size, javascript_on, absent_on) -> None:
    driver.delete_all_cookies()
    set_size(driver, *size)
    javascript(driver, javascript_on)
    try:
        # Staff: a strong login, this browser as Tupa's kiosk, an enrolment code for Jari.
        staff_log_in(driver, portal)
        mark_kiosk(driver, portal, f"Tuvan tabletti {size[0]}")
        open_easy_login_page(driver, portal, JARI)
        fits(driver)
        enrolment_code = give_enrolment_code(driver)
        fits(driver)
        log_out(driver)
        # The kiosk's front page: the client takes over.
        assert path_of(driver, portal) in {"/", "/logged-out"}, driver.current_url
        press_enter_on(driver, link("/kiosk"))
        assert h1(driver) == "Kirjaudu helposti"
        fits(driver)
        press_enter_on(driver, link("/easy/enrol"))
        fits(driver)
        symbol = choose_code(driver, enrolment_code, "5830")
        # 'Kokeile nyt': the code page for him, and back to the names.
        press_enter_on(driver, link(f"/kiosk/{portal.logins[JARI]}"))
        assert "Jari N." in driver.find_element(By.CSS_SELECTOR, ".kiosk-me").text
        press_enter_on(driver, link("/kiosk"))
        me = driver.find_element(By.CSS_SELECTOR, f"a[href='/kiosk/{portal.logins[JARI]}']")
        assert me.text == "Jari N."
        assert me.find_element(By.TAG_NAME, "img").get_attribute("src").split("?")[0].endswith(f"/{symbol}.svg")
        fits(driver)
        pick_from_list(driver, portal, JARI)
        assert driver.find_element(By.CSS_SELECTOR, ".keypad").is_displayed() is javascript_on
        code_input = driver.find_element(By.NAME, "code")
        assert (code_input.get_attribute("inputmode"), code_input.get_attribute("autocomplete")) == ("numeric", "off")
        type_code(driver, "5830", keypad=javascript_on)
        assert path_of(driver, portal) == "/home"
        assert driver.find_element(By.CSS_SELECTOR, ".account__level").text == "Kirjauduit helposti."
        fits(driver)
        # An absence: another day than today (Jari's kitchen meets then).
        press_enter_on(driver, link("/absence"))
        type_into(driver, "starts_on", absent_on)
        focus(driver, "e.name === 'reason' && e.value === 'ill'")
        keys(driver, Keys.SPACE)
        press_enter_on(driver, submit_of("/absence"))
        assert path_of(driver, portal) == "/home?reported=1", main_text(driver)
        assert "Ilmoitit poissaolon." in main_text(driver)
        absences = driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=absences-title]").text
        assert absent_on[:6] in absences, absences  # "Et pääse: ma 14.12.", with its "Peru ilmoitus"
        # Money needs the strong login: the step-up page, then the provider, then the money.
        driver.get(f"{portal.url}/money")
        assert h1(driver) == "Kirjaudu pankkitunnuksilla"
        assert "Rahani" not in main_text(driver)
        fits(driver)
        press_enter_on(driver, "e.tagName === 'A' && e.closest('main') && e.classList.contains('button')")
        log_in_strongly(driver, JARI)
        assert path_of(driver, portal) == "/money"
        assert h1(driver).startswith("Rahani")
        assert driver.find_elements(By.CSS_SELECTOR, ".account__level") == []
        fits(driver)
        if javascript_on:
            assert browser.console_errors(driver) == []
    finally:
        javascript(driver, True)


def test_five_wrong_codes_lock_the_code_and_staff_open_it(driver, portal) -> None:  # type: ignore[no-untyped-def]
    driver.delete_all_cookies()
    set_size(driver, *KIOSK_SIZE)
    staff_log_in(driver, portal)
    mark_kiosk(driver, portal, "Tuvan lukkotesti")
    log_out(driver)
    driver.get(f"{portal.url}/kiosk")
    pick_from_list(driver, portal, LIISA)
    for left in (4, 3, 2, 1):
        type_code(driver, "9753", keypad=left % 2 == 0)  # the keypad and the field, in turn
        assert "Koodi oli väärä." in driver.find_element(By.CSS_SELECTOR, ".error-summary").text
        notice = driver.find_element(By.CSS_SELECTOR, "main p.notice").text
        assert notice == (f"Voit yrittää vielä {left} kertaa." if left > 1
                          else "Voit yrittää vielä 1 kerran. Sitten koodi lukittuu.")
        fits(driver)
    type_code(driver, "9753", keypad=False)
    assert "Pyydä ohjaajaa avaamaan kirjautuminen." in main_text(driver)
    assert driver.find_elements(By.NAME, "code") == []  # nothing to type into while locked
    # Staff open it on the client's easy-login page.
    staff_log_in(driver, portal)
    open_easy_login_page(driver, portal, LIISA)
    assert "Koodi on lukittu." in main_text(driver)
    press_enter_on(driver, submit_of("/easy-login/open"))
    assert "Koodi on avattu." in main_text(driver)
    assert "Koodi ei ole lukittu." in main_text(driver)
    log_out(driver)
    driver.get(f"{portal.url}/kiosk")
    pick_from_list(driver, portal, LIISA)
    assert driver.find_elements(By.CSS_SELECTOR, "main p.notice") == []  # five tries again
    type_code(driver, DEMO_CODE, keypad=True)
    assert path_of(driver, portal) == "/home"
    assert "Kirjauduit helposti." in driver.find_element(By.CSS_SELECTOR, ".account").text


# axe, 44 px targets, no sideways scrolling: every new page in fi, sv and en at 320 px and 1280 px.



def test_every_new_page_passes_axe_in_three_languages_at_both_widths(driver, portal) -> None:  # type: ignore[no-untyped-def]
    liisa, jari = portal.logins[LIISA], portal.logins[JARI]
    checked = []

    def check(path: str, then: Callable | None = None) -> None:
        browser.console_errors(driver)  # what the steps before left is not this page's
        check_everywhere(driver, portal, path, then)
        checked.append(path)

    def reset_tries() -> None:
        """Five tries again (the staff's 'open' does this for a locked code only)."""
        with transaction(portal.engine) as session:
            login = session.get(EasyLogin, liisa)
            login.failed_tries, login.locked_at = 0, None

    def wrong_code(d) -> None:  # type: ignore[no-untyped-def]
        reset_tries()
        type_code(d, "9753", keypad=False)
        assert d.find_element(By.CSS_SELECTOR, ".error-summary").is_displayed()

    given: list[str] = []

    def give(d) -> None:  # type: ignore[no-untyped-def]
        given.append(give_enrolment_code(d))

    def with_enrolment_code(d) -> None:  # type: ignore[no-untyped-def]
        type_into(d, "enrolment_code", given[-1])
        wait_for_new_page(d, lambda: keys(d, Keys.ENTER))
        assert d.find_elements(By.NAME, "code_again")

    driver.delete_all_cookies()
    # Not a kiosk.
    check("/kiosk")
    check(f"/kiosk/{liisa}")  # the number code does not work here: 403, and the ways that do
    check("/easy/enrol")
    # Staff: the device page before and after the mark, and a client's easy login with a code given.
    staff_log_in(driver, portal)
    check("/staff/device")
    driver.get(f"{portal.url}/language/fi?next=/staff")
    mark_kiosk(driver, portal, "Tuvan axe-tabletti")
    check("/staff/device")
    check(f"/staff/clients/{portal.people[JARI]}/easy-login")
    check(f"/staff/clients/{portal.people[JARI]}/easy-login", give)
    log_out(driver)
    # The kiosk: the list, a code page, a wrong code, the lock.
    check("/kiosk")
    check(f"/kiosk/{liisa}")
    check(f"/kiosk/{liisa}", wrong_code)
    reset_tries()
    driver.get(f"{portal.url}/language/fi?next=/kiosk/{liisa}")
    for _ in range(5):
        type_code(driver, "9753", keypad=False)
    assert "Pyydä ohjaajaa avaamaan kirjautuminen." in main_text(driver)
    check(f"/kiosk/{liisa}")
    reset_tries()
    # Enrolment with the code staff gave: choosing the code on the kiosk, and on a phone; done.
    check("/easy/enrol", with_enrolment_code)
    check(f"/easy/enrol/ready?on_list=1&login={jari}")
    kiosk_cookie = driver.get_cookie(kiosk_device.COOKIE_NAME)
    driver.delete_cookie(kiosk_device.COOKIE_NAME)
    check("/easy/enrol", with_enrolment_code)  # with the passkey's part, as on a phone
    driver.add_cookie(kiosk_cookie)
    # Liisa at the kiosk: the step-up page; then strongly, her easy-login settings.
    driver.get(f"{portal.url}/language/fi?next=/kiosk/{liisa}")
    type_code(driver, DEMO_CODE, keypad=False)
    assert path_of(driver, portal) == "/home"
    check("/money")
    driver.get(f"{portal.url}/language/fi?next=/money")
    assert h1(driver) == "Kirjaudu pankkitunnuksilla"
    press_enter_on(driver, "e.tagName === 'A' && e.closest('main') && e.classList.contains('button')")
    log_in_strongly(driver, LIISA)
    check("/settings/easy-login")
    assert len(checked) == 16
