"""A login that a whole activity centre can share (issue 19): every kiosk and
phone of the centre comes from one public address. Logins go through the
test provider's real redirects; each device has its own cookies."""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from portal import rate_limit
from portal.identity_code import with_check_character
from portal.models import LoginSession, RateLimitHit
from portal.settings import LOA_LOW
from tests.support import factories
from tests.support.helpers import h1, soup
from tests.support.login_flow import callback_query, login, provider_form
from tests.support.page_sanity import CheckedClient

CENTRE = "203.0.113.10"  # documentation range (RFC 5737)
PEOPLE = 30
CANCELLING = 5


def device(app) -> CheckedClient:  # type: ignore[no-untyped-def]
    """A phone or a kiosk at the centre: cookies of its own, the centre's address."""
    return CheckedClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False, client=(CENTRE, 50000))


def cancel(client: CheckedClient):  # type: ignore[no-untyped-def]
    """Start a login and press cancel at the provider; the portal's answer to the callback."""
    _page, action, fields = provider_form(client)
    back = client.post(action, data={**fields, "cancel": "1"}, follow_redirects=False)
    assert back.status_code == 303
    assert callback_query(back)["error"] == "access_denied"
    return client.get(back.headers["location"], follow_redirects=False)


def assert_interrupted_page(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 400
    assert h1(response) == "Kirjautuminen ei onnistunut"
    assert soup(response).find(class_="lead").get_text(strip=True) == "Tunnistautuminen keskeytyi."


def hits(app, limit: rate_limit.Limit, key: str) -> int:  # type: ignore[no-untyped-def]
    hashed = rate_limit.key_hash(limit=limit, key=key, secret=app.state.settings.secret_key)
    with Session(app.state.engine) as session:
        return session.exec(select(func.coalesce(func.sum(RateLimitHit.count), 0))
                            .where(RateLimitHit.key_hash == hashed)).one()


def centre_clients(app, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    """`count` clients of the centre; their identity codes (test codes, 900-999)."""
    codes = [with_check_character(f"{day:02d}0190-9{day:02d}") for day in range(1, count + 1)]
    for number, code in enumerate(codes):
        factories.add_client(app.state.engine, app.state.vault, code, given_name=f"Asiakas {number}")
    return codes


def test_thirty_people_behind_one_address_all_get_in_though_five_cancel_once(idp_app) -> None:
    codes = centre_clients(idp_app, PEOPLE)
    for number, code in enumerate(codes):
        with device(idp_app) as phone:
            if number < CANCELLING:
                assert_interrupted_page(cancel(phone))
            response = login(phone, code)
            assert (response.status_code, response.headers.get("location")) == (303, "/home"), number
    with Session(idp_app.state.engine) as session:
        assert session.exec(select(func.count()).select_from(LoginSession)).one() == PEOPLE
    assert hits(idp_app, rate_limit.LOGIN_PER_ADDRESS, CENTRE) == PEOPLE + CANCELLING
    assert hits(idp_app, rate_limit.FAILED_CALLBACK_PER_ADDRESS, CENTRE) == 0  # a cancel is no failure


def test_a_cancel_gets_its_own_page_even_when_the_address_is_over_the_limit(idp_app) -> None:
    limit = rate_limit.FAILED_CALLBACK_PER_ADDRESS
    with device(idp_app) as broken:  # an old bookmark of the callback, say, used again and again
        statuses = [broken.get("/login/callback?state=x&code=y").status_code for _ in range(limit.max_hits + 1)]
    assert statuses == [400] * limit.max_hits + [429]
    with device(idp_app) as phone:
        assert_interrupted_page(cancel(phone))
        assert login(phone, "010280-952L").headers["location"] == "/home"
    assert hits(idp_app, limit, CENTRE) == limit.max_hits  # the cancel did not count


def test_a_cancel_without_the_login_it_names_changes_nothing(idp_app) -> None:
    with device(idp_app) as phone:
        assert_interrupted_page(phone.get("/login/callback?state=forged&error=access_denied", follow_redirects=False))
    assert hits(idp_app, rate_limit.FAILED_CALLBACK_PER_ADDRESS, CENTRE) == 0
    from tests.support.bad_logins import failures

    assert failures(idp_app.state.engine) == []


@pytest.mark.parametrize("audience", ["client", "staff"])
def test_a_cancelled_login_can_be_started_again(idp_app, audience) -> None:
    person = "010280-952L" if audience == "client" else "180679-9737"
    with device(idp_app) as phone:
        _page, action, fields = provider_form(phone, audience=audience)
        back = phone.post(action, data={**fields, "cancel": "1"}, follow_redirects=False)
        answer = phone.get(back.headers["location"], follow_redirects=False)
        assert_interrupted_page(answer)
        again = "/staff/login" if audience == "staff" else "/login"
        assert soup(answer).find("a", string="Kirjaudu uudelleen")["href"] == again
        assert login(phone, person, audience=audience).status_code == 303


def test_eleven_wrong_attempts_for_one_identity_are_still_refused(idp_app) -> None:
    aino, colleague = centre_clients(idp_app, 2)
    limit = rate_limit.FAILED_LOGIN_PER_IDENTITY
    statuses = []
    for _ in range(11):
        with device(idp_app) as phone:
            statuses.append(login(phone, aino, level=LOA_LOW).status_code)
    assert statuses == [403] * limit.max_hits + [429] * (11 - limit.max_hits)
    with Session(idp_app.state.engine) as session:
        assert session.exec(select(func.count()).select_from(LoginSession)).one() == 0
    with device(idp_app) as phone:  # the others at the centre are not slowed down
        assert login(phone, colleague).headers["location"] == "/home"
