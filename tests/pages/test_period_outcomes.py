"""Staff record how a period ended and the next step; the client sees it in
the plan history."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from portal.models import AccessEvent, ClientPeriod, PeriodOutcome
from tests.support import factories
from tests.support.helpers import csrf_token, soup
from tests.support.signed_in import as_client, as_staff

# The end dates below (15.12.2026) lie inside the demo's period of a December 2026 day.
pytestmark = pytest.mark.usefixtures("activity_day")

JARI, MARIA_TUPA, SANNA_VERSTAS = "071188-955W", "180679-9737", "300883-9617"


@pytest.fixture
def ids(app, engine, demo_data):  # type: ignore[no-untyped-def]
    found = {code: factories.person_id(engine, app.state.vault, code) for code in (JARI, MARIA_TUPA, SANNA_VERSTAS)}
    with Session(engine) as session:
        # The current period (the demo has an earlier one, already ended).
        found["period"] = session.exec(select(ClientPeriod.id).where(ClientPeriod.person_id == found[JARI])
                                       .order_by(ClientPeriod.starts_on.desc())).first()  # type: ignore[attr-defined]
    return found


DEMO_OUTCOMES = 1


def outcomes(engine) -> list[PeriodOutcome]:  # type: ignore[no-untyped-def]
    """The outcomes recorded in the test (after the demo's)."""
    with Session(engine) as session:
        return list(session.exec(select(PeriodOutcome).order_by(PeriodOutcome.id)).all())[DEMO_OUTCOMES:]


def post(client, path: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get(path))
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def test_staff_record_the_end_and_the_client_sees_it_in_the_plan_history(client, engine, ids) -> None:
    as_staff(client, engine, ids[MARIA_TUPA])
    path = f"/staff/clients/{ids[JARI]}/outcome"
    good = {"period_id": str(ids["period"]), "ended_on": "15.12.2026", "ending": "early",
            "next_step": "work_trial", "note": "Työkokeilu alkaa <b>tammikuussa</b>."}
    response = post(client, path, good)
    assert response.status_code == 303
    [outcome] = outcomes(engine)
    assert (outcome.ended_on, outcome.ending, outcome.next_step) == (date(2026, 12, 15), "early", "work_trial")
    # Recording again corrects the same period's outcome.
    assert post(client, path, {**good, "next_step": "studies"}).status_code == 303
    assert [o.next_step for o in outcomes(engine)] == ["studies"]
    with Session(engine) as session:
        changes = session.exec(select(AccessEvent).where(AccessEvent.object_type == "period_outcome",
                                                         AccessEvent.action == "change")).all()
    assert [event.subject_person_id for event in changes] == [ids[JARI]] * 2

    client.cookies.clear()
    as_client(client, engine, ids[JARI])
    page = client.get("/plan")
    text = soup(page).main.get_text(" ")
    assert "Päättyneet jaksot" in text and "Jakso päättyi etuajassa" in text and "Opiskelu" in text
    assert "Työkokeilu kaupan varastossa" in text  # the demo's earlier period too
    assert "<b>tammikuussa</b>" not in page.text and "&lt;b&gt;tammikuussa&lt;/b&gt;" in page.text


@pytest.mark.parametrize("change", [
    {"ended_on": "1.1.2020"},  # before the period
    {"ended_on": "31.13.2026"},
    {"ending": "vanished"},
    {"next_step": "moon"},
    {"period_id": "99999999"},
    {"period_id": "x"},
    {"note": "a" * 1001},
])
def test_bad_input_is_explained_and_nothing_is_stored(client, engine, ids, change) -> None:
    as_staff(client, engine, ids[MARIA_TUPA])
    data = {"period_id": str(ids["period"]), "ended_on": "15.12.2026", "ending": "as_planned",
            "next_step": "paid_work", **change}
    response = post(client, f"/staff/clients/{ids[JARI]}/outcome", data)
    assert response.status_code == 400 and soup(response).select(".field__error")
    assert outcomes(engine) == []


def test_staff_of_another_unit_cannot_record(client, engine, ids) -> None:
    as_staff(client, engine, ids[SANNA_VERSTAS])
    assert client.get(f"/staff/clients/{ids[JARI]}/outcome").status_code == 404
