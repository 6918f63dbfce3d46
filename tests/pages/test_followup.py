"""The unit's follow-up: figures equal an independent count, groups under
five persons are suppressed, another unit's figures are refused."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlmodel import Session, select

from portal.db import transaction
from portal.followup.figures import unit_followup
from portal.models import ClientFeedback, ClientPeriod, Person, PeriodOutcome
from portal.schedule.calendar_days import today
from tests.support import factories
from tests.support.days import ACTIVITY_DAY
from tests.support.helpers import soup
from tests.support.signed_in import as_staff

SANNA_VERSTAS, MARIA_TUPA = "300883-9617", "180679-9737"
LAST_MONTH = (ACTIVITY_DAY.replace(day=1) - timedelta(days=1)).replace(day=1)
# The demo's feedback of the last few days must fall in this month, not in LAST_MONTH
# (on the 1st of a month it would): the clock is moved to a day in mid-month first.
pytestmark = pytest.mark.usefixtures("activity_day")


def add_clients(engine, *, unit: int, count: int, recorder: int, moods: list[int], next_step: str) -> None:  # type: ignore[no-untyped-def]
    """`count` clients with a period over last month, one feedback each, and an ended period each."""
    with transaction(engine) as session:
        for n in range(count):
            person = Person(given_name=f"Testi{n}", family_name="Asiakas", identity_code_hash=f"h{unit}-{n}",
                            identity_code_cipher="x")
            session.add(person)
            session.flush()
            session.add(ClientPeriod(person_id=person.id, unit_id=unit, service="work_activity",
                                     starts_on=LAST_MONTH - timedelta(days=200), ends_on=LAST_MONTH + timedelta(days=300)))
            ended = ClientPeriod(person_id=person.id, unit_id=unit, service="work_activity",
                                 starts_on=LAST_MONTH - timedelta(days=400), ends_on=LAST_MONTH + timedelta(days=5))
            session.add(ended)
            session.flush()
            session.add(PeriodOutcome(period_id=ended.id, ended_on=LAST_MONTH + timedelta(days=3), ending="as_planned",
                                      next_step=next_step, recorded_by_person_id=recorder))
            session.add(ClientFeedback(unit_id=unit, person_id=None, given_on=LAST_MONTH + timedelta(days=n % 20),
                                       mood=moods[n % len(moods)]))


@pytest.fixture
def units(app, engine, demo_data):  # type: ignore[no-untyped-def]
    sanna = factories.person_id(engine, app.state.vault, SANNA_VERSTAS)
    maria = factories.person_id(engine, app.state.vault, MARIA_TUPA)
    verstas = factories.unit_id(engine, "Toimintakeskus Verstas")
    tupa = factories.unit_id(engine, "Toimintakeskus Tupa")
    add_clients(engine, unit=verstas, count=6, recorder=sanna, moods=[5, 4], next_step="paid_work")
    add_clients(engine, unit=tupa, count=4, recorder=maria, moods=[3], next_step="studies")
    return {"verstas": verstas, "tupa": tupa, "sanna": sanna, "maria": maria}


def test_figures_equal_an_independent_count_and_four_are_suppressed(engine, units) -> None:
    with Session(engine) as session:
        verstas = unit_followup(session, unit_id=units["verstas"], first=LAST_MONTH, last=LAST_MONTH, today=today())
        tupa = unit_followup(session, unit_id=units["tupa"], first=LAST_MONTH, last=LAST_MONTH, today=today())
    [month] = verstas.months
    # Counted independently: distinct persons with a Verstas period over any day of last month.
    month_end = (LAST_MONTH + timedelta(days=32)).replace(day=1) - timedelta(days=1)

    def active_in(unit_id: int) -> int:
        with Session(engine) as session:
            return len({p.person_id for p in session.exec(select(ClientPeriod)).all()
                        if p.unit_id == unit_id and p.starts_on <= month_end and p.ends_on >= LAST_MONTH})

    assert month.active_clients == active_in(units["verstas"])
    # Counted again here, plainly, from every stored row (the demo's and the test's).
    with Session(engine) as session:
        rows = [f for f in session.exec(select(ClientFeedback)).all()
                if f.unit_id == units["verstas"] and f.given_on.replace(day=1) == LAST_MONTH]
    assert month.feedback_count == len(rows) >= 6
    for mood in (5, 4, 3, 2, 1):  # one face's count is a group too; shown ones are true
        count = sum(1 for f in rows if f.mood == mood)
        assert month.moods[mood] in (None, count) and (count >= 5 or month.moods[mood] is None)
    expected = Decimal(sum(f.mood for f in rows)) / len(rows)
    # The average comes only with every face: with the total it would give two hidden faces back.
    assert month.average_mood == (expected.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
                                  if None not in month.moods.values() else None)
    # Six periods, all to paid work: the other steps are 0 and hidden, and 0s add up to 0, so paid work
    # is hidden too (else the page would say what each of the six did next).
    assert verstas.ended_periods == 6 and set(verstas.outcomes.values()) == {None}
    [small] = tupa.months
    tupa_active = active_in(units["tupa"])
    assert small.active_clients == (tupa_active if tupa_active >= 5 else None)
    assert tupa.ended_periods is None and tupa.outcomes == {}  # four persons: suppressed
    assert small.feedback_count is None and small.average_mood is None  # four answers: suppressed
    assert set(small.moods.values()) == {None}


def test_page_and_csv_for_ones_own_unit_and_not_another(client, engine, units) -> None:
    as_staff(client, engine, units["sanna"])
    month = LAST_MONTH.strftime("%Y-%m")
    page = client.get(f"/staff/followup?unit={units['verstas']}&from={month}&to={month}")
    assert page.status_code == 200
    row = soup(page).select("table.data-table tbody tr")[0]
    assert row.th.get_text(strip=True) == f"{LAST_MONTH.month}/{LAST_MONTH.year}"
    csv_text = client.get(f"/staff/followup.csv?unit={units['verstas']}&from={month}&to={month}").text
    assert "all,6" in csv_text and "paid_work,suppressed" in csv_text
    other = client.get(f"/staff/followup?unit={units['tupa']}&from={month}&to={month}")
    assert other.status_code == 403 and "Testi" not in other.text
    assert client.get(f"/staff/followup.csv?unit={units['tupa']}").status_code == 403
    assert client.get("/staff/followup?from=2020-13").status_code == 400
    assert client.get("/staff/followup?unit=99999999999999999999").status_code == 400


def test_tupa_small_group_csv_shows_suppression(client, engine, units) -> None:
    as_staff(client, engine, units["maria"])
    month = LAST_MONTH.strftime("%Y-%m")
    csv_text = client.get(f"/staff/followup.csv?unit={units['tupa']}&from={month}&to={month}").text
    assert "all,suppressed" in csv_text and "studies" not in csv_text


def test_page_charts_and_csv_carry_the_new_figures(app, client, engine, units) -> None:
    as_staff(client, engine, units["sanna"])
    first, last = (LAST_MONTH - timedelta(days=1)).replace(day=1), today().replace(day=1)
    query = f"unit={units['verstas']}&from={first:%Y-%m}&to={last:%Y-%m}"
    page = soup(client.get(f"/staff/followup?{query}"))
    charts = page.select("main figure svg[role=img]")
    assert len(charts) == 2
    for chart in charts:
        assert page.find(id=chart["aria-labelledby"]).name == "figcaption"
        assert not chart.get("style") and not chart.select("[style]")  # the CSP allows no inline styles
    with Session(engine) as session:
        figures = unit_followup(session, unit_id=units["verstas"], first=first, last=last, today=today(),
                                library=app.state.assessment_library)
    rates = [month.attendance.rate for month in figures.months if month.attendance.rate is not None]
    assert rates  # the demo's group: shown, with one decimal and a per cent sign, in the chart and the table
    shown = f"{rates[0]:.1f}".replace(".", ",")
    assert page.find("text", string=lambda s: s and s.startswith(shown) and s.endswith("%"))
    assert any(td.get_text(strip=True).startswith(shown) for td in page.select("td"))
    assert any(area.first is not None for area in figures.areas) and any(area.first is None for area in figures.areas)
    csv_text = client.get(f"/staff/followup.csv?{query}").text
    header = csv_text.splitlines()[0].split(",")
    assert {"attendance_rate_percent", "present_days", "assessments_on_time", "on_time_rate_percent"} <= set(header)
    assert f",{rates[0]}," in csv_text
    assert "assessment_area,persons,average_first,average_latest,average_change" in csv_text
    assert "daily_life,suppressed,suppressed,suppressed,suppressed" in csv_text
