"""Lists that grow are paged with keyset queries: the staff client list
(current by default, ended on request, 50 a page, search by name), "who has
processed my data", mandates and /choose. A list view is one access-log event
that every client on it sees. Every query they run uses an index."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from portal.access_log import processed_by_others, two_years_before
from portal.auth import sessions
from portal.auth.mandates import DatabaseMandates, choices_page, page_for_principal
from portal.clients.listing import client_page
from portal.db import transaction
from portal.models import AccessEvent, AccessEventSubject, ClientPeriod, MandateScope, Person
from portal.models.organisation import sort_name
from portal.schedule import calendar_days
from tests.support import factories
from tests.support.helpers import csrf_token, soup
from tests.support.query_plans import BIG_TABLES, captured_selects, explained, full_scans

AINO, HELENA, SANNA = "010280-952L", "120556-942L", "300883-9617"


def add_clients(engine, unit_id: int, count: int, *, ended: bool = False, family: str = "Testinen",  # type: ignore[no-untyped-def]
                cipher: str = "") -> list[int]:
    today = calendar_days.today()
    ids = []
    with transaction(engine) as session:
        for number in range(count):
            person = Person(given_name=f"Asiakas{number:03d}", family_name=family,
                            identity_code_hash=f"{family}{number}{ended}".ljust(64, "0"), identity_code_cipher=cipher)
            session.add(person)
            session.flush()
            ends_on = today - timedelta(days=10) if ended else today + timedelta(days=100)
            session.add(ClientPeriod(person_id=person.id, unit_id=unit_id, service="work_activity",
                                     starts_on=today - timedelta(days=300), ends_on=ends_on))
            ids.append(person.id)  # type: ignore[arg-type]
    return ids


def staff_get(client, engine, vault, path: str):  # type: ignore[no-untyped-def]
    token = factories.start_session(engine, audience="staff", person=factories.person_id(engine, vault, SANNA))
    client.cookies.set(sessions.COOKIE_NAMES["staff"], token)
    return client.get(path)


def names_on(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [link.get_text(strip=True) for link in soup(page).select("main ul.client-list li a[href^='/staff/clients/']")]


def walk(client, path: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """Every page of the staff list, following its "next" links."""
    pages = []
    while True:
        page = client.get(path)
        assert page.status_code == 200
        pages.append(names_on(page))
        link = soup(page).find("a", string="Seuraavat asiakkaat")
        if link is None:
            return pages
        path = link["href"]


def expected_names(engine, unit_id: int, *, ended: bool) -> list[str]:  # type: ignore[no-untyped-def]
    today = calendar_days.today()
    with Session(engine) as session:
        rows = session.exec(
            select(Person.given_name, Person.family_name)
            .join(ClientPeriod, ClientPeriod.person_id == Person.id)
            .where(ClientPeriod.unit_id == unit_id,
                   ClientPeriod.ends_on < today if ended else ClientPeriod.ends_on >= today)
            .order_by(ClientPeriod.sort_name, ClientPeriod.id)
        ).all()
    return [f"{given} {family}" for given, family in rows]


def test_staff_list_pages_current_clients_in_name_order(app, client, engine, demo_data) -> None:
    verstas = factories.unit_id(engine, "Toimintakeskus Verstas")
    add_clients(engine, verstas, 60)
    add_clients(engine, verstas, 3, ended=True, family="Päättynyt")
    pages = [names_on(staff_get(client, engine, app.state.vault, "/staff"))] + walk(client, "/staff")[1:]
    names = [name for page in pages for name in page]
    assert len(pages) >= 3 and all(len(page) == 50 for page in pages[:-1]) and 0 < len(pages[-1]) <= 50
    assert names == expected_names(engine, verstas, ended=False)
    assert pages[0][0] == "Mikko Korhonen" and "Aino Virtanen" in pages[1]  # by family name
    assert not any("Päättynyt" in name for name in names)
    ended = [name for page in walk(client, "/staff?ended=y") for name in page]
    assert ended == expected_names(engine, verstas, ended=True)
    assert [name for name in ended if "Päättynyt" in name] == [f"Asiakas{n:03d} Päättynyt" for n in range(3)]
    assert walk(client, "/staff?name=virt") == [["Aino Virtanen"]]
    assert walk(client, "/staff?name=Virtanen+Aino") == [["Aino Virtanen"]]


def test_a_staff_list_view_is_one_event_each_listed_client_sees(app, client, engine, demo_data, idp_client) -> None:
    vault = app.state.vault
    with Session(engine) as session:
        before = session.exec(select(func.count()).select_from(AccessEvent)
                              .where(AccessEvent.object_type == "client_list")).one()
    staff_get(client, engine, vault, "/staff")
    aino = factories.person_id(engine, vault, AINO)
    with Session(engine) as session:
        list_event = session.exec(select(AccessEvent).where(AccessEvent.object_type == "client_list")
                                  .order_by(AccessEvent.id.desc())).first()
        listed = session.exec(select(AccessEventSubject.person_id).where(AccessEventSubject.event_id == list_event.id)).all()
        after = session.exec(select(func.count()).select_from(AccessEvent)
                             .where(AccessEvent.object_type == "client_list")).one()
    # One event for the list, not one per client (the day's groups on the same
    # page are one more event of their own).
    assert after == before + 1
    assert list_event.subject_person_id is None and list_event.subject_count == 50 == len(listed)
    assert aino in listed
    client.cookies.clear()
    token = factories.start_session(engine, audience="client", person=aino, acting_for=aino)
    client.cookies.set(sessions.COOKIE_NAMES["client"], token)
    text_on_page = soup(client.get("/access-log")).find("main").get_text(" ", strip=True)
    assert "Sanna Laine" in text_on_page and "asiakaslista" in text_on_page


@pytest.mark.parametrize("path", ["/staff?after=x", "/staff?after=-1", "/access-log?before=1e3",
                                  "/settings/mandates?before=abc", "/choose?after=%00"])
def test_a_bad_cursor_is_a_400(app, client, engine, demo_data, path) -> None:
    vault = app.state.vault
    if path.startswith("/staff"):
        response = staff_get(client, engine, vault, path)
    else:
        aino = factories.person_id(engine, vault, AINO)
        client.cookies.set(sessions.COOKIE_NAMES["client"],
                           factories.start_session(engine, audience="client", person=aino, acting_for=aino))
        response = client.get(path)
    assert response.status_code == 400


def test_a_too_long_search_is_refused_next_to_the_field(app, client, engine, demo_data) -> None:
    response = staff_get(client, engine, app.state.vault, "/staff?name=" + "a" * 101)
    assert response.status_code == 400
    error = soup(response).find(id="name-error")
    assert error is not None and "100" in error.get_text()


def event_pages(client) -> list[int]:  # type: ignore[no-untyped-def]
    """How many events each page of "who has processed my data" shows, following its links."""
    sizes, path = [], "/access-log"
    while True:
        page = client.get(path)
        sizes.append(len(soup(page).select("li.event")))
        link = soup(page).find("a", string="Näytä vanhemmat tapahtumat")
        if link is None:
            return sizes
        assert soup(page).find("a", string="Näytä uusimmat tapahtumat") is not None or len(sizes) == 1
        path = link["href"]


def test_who_has_seen_pages_link_to_older_events(app, client, engine, demo_data) -> None:
    vault = app.state.vault
    aino = factories.person_id(engine, vault, AINO)
    sanna = factories.person_id(engine, vault, SANNA)
    from portal.access_log import record

    client.cookies.set(sessions.COOKIE_NAMES["client"],
                       factories.start_session(engine, audience="client", person=aino, acting_for=aino))
    before = sum(event_pages(client))  # the demo's reads (her own reads are never listed)
    with transaction(engine) as session:
        for _ in range(55):
            record(session, action="read", object_type="client_start_page", actor_person_id=sanna,
                   actor_role="instructor", subject_person_id=aino)
    sizes = event_pages(client)
    assert sum(sizes) == before + 55 and all(size == 50 for size in sizes[:-1]) and 0 < sizes[-1] <= 50


def test_mandates_and_choices_page_through_everything(engine, app, demo_data) -> None:
    vault = app.state.vault
    helena = factories.person_id(engine, vault, HELENA)
    principals = add_clients(engine, factories.unit_id(engine, "Toimintakeskus Tupa"), 5, family="Päämies",
                             cipher=vault.encrypt("311299-999E"))
    for principal in principals:
        factories.add_mandate(engine, principal=principal, agent=helena, scope=MandateScope.VIEW)
    with Session(engine) as session:
        seen, after = [], None
        while True:
            page = choices_page(DatabaseMandates(), session, agent_person_id=helena, today=calendar_days.today(),
                                after_principal_id=after, page_size=2)
            seen += [mandate.principal_person_id for mandate in page.mandates]
            if page.next_after is None:
                break
            after = page.next_after
        assert sorted(seen) == sorted(principals + [factories.person_id(engine, vault, AINO)])
        assert len(seen) == len(set(seen))
        aino = factories.person_id(engine, vault, AINO)
        for number in range(3):
            factories.add_mandate(engine, principal=aino, agent=principals[number])
        rows, before = [], None
        while True:
            mandates = page_for_principal(session, principal_person_id=aino, vault=vault, before_id=before, page_size=2)
            rows += [row.mandate.id for row in mandates.rows]
            if mandates.next_before is None:
                break
            before = mandates.next_before
        assert len(rows) == 4 and rows == sorted(rows, reverse=True)


# Every query of these lists uses an index ---------------------------------------------

def test_every_list_query_uses_an_index(engine, app, demo_data) -> None:
    vault = app.state.vault
    aino = factories.person_id(engine, vault, AINO)
    helena = factories.person_id(engine, vault, HELENA)
    verstas = factories.unit_id(engine, "Toimintakeskus Verstas")
    work = {
        "staff list": lambda s: client_page(s, unit_ids=[verstas], today=calendar_days.today(), log_fields={
            "action": "read", "object_type": "client_list", "actor_role": "instructor"}),
        "staff list, search, next page": lambda s: client_page(
            s, unit_ids=[verstas], today=calendar_days.today(), name_start="Virt", after_period_id=1,
            log_fields={"action": "read", "object_type": "client_list", "actor_role": "instructor"}),
        "staff list, ended": lambda s: client_page(s, unit_ids=[verstas], today=calendar_days.today(), ended=True,
                                                   log_fields={"action": "read", "object_type": "client_list",
                                                               "actor_role": "instructor"}),
        "who has seen": lambda s: processed_by_others(s, subject_person_id=aino, since=two_years_before(), before_id=10**9),
        "mandates": lambda s: page_for_principal(s, principal_person_id=aino, vault=vault, before_id=10**9),
        "choose": lambda s: choices_page(DatabaseMandates(), s, agent_person_id=helena, today=calendar_days.today(),
                                         after_principal_id=0),
    }
    problems = {name: full_scans(engine, captured_selects(engine, run)) for name, run in work.items()}
    assert {name: found for name, found in problems.items() if found} == {}


def test_who_has_seen_reads_its_partial_index(engine, app, demo_data) -> None:
    """Not just any index (occurred_at would scan two years of everyone's events)."""
    aino = factories.person_id(engine, app.state.vault, AINO)
    statements = captured_selects(engine, lambda s: processed_by_others(s, subject_person_id=aino,
                                                                        since=two_years_before()))
    with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.exec_driver_sql("SET enable_seqscan = off")
        plan = " ".join(" ".join(str(part) for part in row) for row in connection.exec_driver_sql(
            ("EXPLAIN " if postgres else "EXPLAIN QUERY PLAN ") + statements[0][0], statements[0][1]))
    assert "ix_accessevent_processed_by_others" in plan, plan


def test_a_renamed_client_moves_in_the_list(engine, app, demo_data) -> None:
    aino = factories.person_id(engine, app.state.vault, AINO)
    with transaction(engine) as session:
        person = session.get(Person, aino)
        person.family_name = "Aaltonen"
        session.add(person)
    with Session(engine) as session:
        assert session.exec(select(ClientPeriod.sort_name).where(ClientPeriod.person_id == aino)).one() == \
            sort_name("Aino", "Aaltonen")


# A group's page: the unit's clients to add and the group's clients, a page at a time ----

def group_of_aino(app, engine) -> int:  # type: ignore[no-untyped-def]
    return factories.group_id(engine, person=factories.person_id(engine, app.state.vault, AINO))


def offered_on(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The clients the page offers to add (radio buttons), without a namesake's birth date."""
    return [label.get_text(strip=True).split(", ")[0] for label in soup(page).select("#members-person_id label")]


def members_on(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [link.get_text(strip=True) for link in soup(page).select("main ul.member-list li a")]


def walk_group(client, path: str, names, next_text: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    pages = []
    while True:
        page = client.get(path)
        assert page.status_code == 200
        pages.append(names(page))
        link = soup(page).find("a", string=next_text)
        if link is None:
            return pages
        path = link["href"]


def current_members(engine, group: int) -> set[int]:  # type: ignore[no-untyped-def]
    from portal.models import GroupMember

    today = calendar_days.today()
    with Session(engine) as session:
        return {person for person, ends_on in session.exec(
            select(GroupMember.person_id, GroupMember.ends_on).where(GroupMember.group_id == group)).all()
            if ends_on is None or ends_on >= today}


def test_a_group_page_offers_the_units_clients_50_at_a_time_each_once(app, client, engine, demo_data) -> None:
    verstas = factories.unit_id(engine, "Toimintakeskus Verstas")
    group = group_of_aino(app, engine)
    added = add_clients(engine, verstas, 60)
    add_clients(engine, verstas, 3, ended=True, family="Päättynyt")
    today = calendar_days.today()
    with transaction(engine) as session:  # a second current period in the unit: still offered once
        session.add(ClientPeriod(person_id=added[0], unit_id=verstas, service="work_coaching",
                                 starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=50)))
    path = f"/staff/groups/{group}"
    staff_get(client, engine, app.state.vault, path)
    pages = walk_group(client, path, offered_on, "Seuraavat asiakkaat")
    offered = [name for page in pages for name in page]
    assert len(pages) >= 2 and all(len(page) == 50 for page in pages[:-1]) and 0 < len(pages[-1]) <= 50
    members = current_members(engine, group)
    with Session(engine) as session:
        expected = {person: f"{given} {family}" for given, family, person in session.exec(
            select(Person.given_name, Person.family_name, Person.id)
            .join(ClientPeriod, ClientPeriod.person_id == Person.id)
            .where(ClientPeriod.unit_id == verstas, ClientPeriod.ends_on >= today)
            .order_by(ClientPeriod.sort_name, ClientPeriod.id)).all() if person not in members}
    assert offered == list(expected.values())  # each client once, in the client list's order
    assert offered.count("Asiakas000 Testinen") == 1 and "Aino Virtanen" not in offered  # Aino is in the group
    assert not any("Päättynyt" in name for name in offered)
    # The search narrows by the start of the family name, as on the staff client list.
    assert walk_group(client, path + "?name=testinen+asiakas00", offered_on, "Seuraavat asiakkaat") == [
        [f"Asiakas{n:03d} Testinen" for n in range(10)]]
    assert offered_on(client.get(path + "?name=virt")) == []  # Aino only, and she is in the group
    assert "Ei asiakkaita tällä haulla." in client.get(path + "?name=virt").text


def test_a_client_from_a_later_page_of_a_search_is_added_and_leaves_the_list(app, client, engine, demo_data) -> None:
    verstas = factories.unit_id(engine, "Toimintakeskus Verstas")
    group = group_of_aino(app, engine)
    added = add_clients(engine, verstas, 60)
    path = f"/staff/groups/{group}"
    first = staff_get(client, engine, app.state.vault, path + "?name=Testinen")
    later = soup(first).find("a", string="Seuraavat asiakkaat")["href"]
    page = client.get(later)
    assert offered_on(page) == [f"Asiakas{n:03d} Testinen" for n in range(50, 60)]
    form = soup(page).find("form", action=lambda action: action and "/members?" in action)
    assert form is not None and "name=Testinen" in form["action"] and "after=" in form["action"]
    token = csrf_token(page)
    chosen = added[55]
    # A day missing: the page comes back with the same search, page and choice.
    bad = client.post(form["action"], data={"members-csrf_token": token, "members-person_id": str(chosen)})
    assert bad.status_code == 400 and offered_on(bad) == offered_on(page)
    assert soup(bad).find("input", attrs={"name": "members-person_id", "value": str(chosen)}).has_attr("checked")
    ok = client.post(form["action"], data={"members-csrf_token": token, "members-person_id": str(chosen),
                                           "members-starts_on": calendar_days.today().strftime("%d.%m.%Y")},
                     follow_redirects=False)
    assert ok.status_code == 303 and chosen in current_members(engine, group)
    assert "Asiakas055 Testinen" not in offered_on(client.get(later))
    assert "Asiakas055 Testinen" in members_on(client.get(path))
    # Someone who is no current client of the unit is refused next to the field.
    ended = add_clients(engine, verstas, 1, ended=True, family="Päättynyt")[0]
    refused = client.post(path + "/members", data={"members-csrf_token": token, "members-person_id": str(ended),
                                                   "members-starts_on": calendar_days.today().strftime("%d.%m.%Y")})
    assert refused.status_code == 400 and ended not in current_members(engine, group)
    assert "Valitse asiakas listasta." in soup(refused).find(id="members-person_id-error").get_text()
    # The same client again, by a hand-made post: refused, one time in the group.
    twice = client.post(path + "/members", data={"members-csrf_token": token, "members-person_id": str(chosen),
                                                 "members-starts_on": calendar_days.today().strftime("%d.%m.%Y")})
    assert twice.status_code == 400
    with Session(engine) as session:
        from portal.models import GroupMember

        rows = session.exec(select(GroupMember.id).where(GroupMember.group_id == group, GroupMember.person_id == chosen)).all()
    assert len(rows) == 1
    assert "Asiakas on jo tässä ryhmässä." in soup(twice).find(id="members-person_id-error").get_text()


def test_a_large_groups_clients_are_listed_50_at_a_time(app, client, engine, demo_data) -> None:
    from portal.models import GroupMember

    verstas = factories.unit_id(engine, "Toimintakeskus Verstas")
    group = group_of_aino(app, engine)
    today = calendar_days.today()
    added = add_clients(engine, verstas, 60)
    with transaction(engine) as session:
        for number, person in enumerate(added):
            session.add(GroupMember(group_id=group, person_id=person, starts_on=today,
                                    ends_on=today - timedelta(days=1) if number < 3 else None))  # 3 have ended
    path = f"/staff/groups/{group}"
    staff_get(client, engine, app.state.vault, path)
    pages = walk_group(client, path, members_on, "Seuraavat ryhmän asiakkaat")
    with Session(engine) as session:
        expected = [f"{given} {family}" for given, family in session.exec(
            select(Person.given_name, Person.family_name).join(GroupMember, GroupMember.person_id == Person.id)
            .where(GroupMember.group_id == group, (GroupMember.ends_on == None) | (GroupMember.ends_on >= today))  # noqa: E711
            .order_by(Person.family_name, Person.given_name, GroupMember.id)).all()]
    assert [len(page) for page in pages] == [50, len(expected) - 50]
    assert [name for page in pages for name in page] == expected
    assert "Asiakas000 Testinen" not in expected and "Asiakas003 Testinen" in expected
    # Ending a client's time offers the clients shown on that page.
    second = client.get(soup(client.get(path)).find("a", string="Seuraavat ryhmän asiakkaat")["href"])
    ending = [option.get_text(strip=True).split(", ")[0]
              for option in soup(second).select("select[name='member_ends-person_id'] option")][1:]
    assert ending == members_on(second) and soup(second).find("a", string="Ryhmän asiakkaat alusta") is not None


@pytest.mark.parametrize("query", ["after=x", "after=-1", "members_after=1e3", "members_after=%00",
                                   "after=" + "9" * 19])
def test_a_bad_cursor_on_a_group_page_is_a_400(app, client, engine, demo_data, query) -> None:
    assert staff_get(client, engine, app.state.vault, f"/staff/groups/{group_of_aino(app, engine)}?{query}"
                     ).status_code == 400


def test_a_group_page_search_too_long_or_a_strange_cursor(app, client, engine, demo_data) -> None:
    group = group_of_aino(app, engine)
    response = staff_get(client, engine, app.state.vault, f"/staff/groups/{group}?name=" + "a" * 101)
    assert response.status_code == 400 and offered_on(response) == []
    error = soup(response).find(id="name-error")
    assert error is not None and "100" in error.get_text()
    # A cursor of another unit's period, or of no row: the list starts from its beginning.
    tupa_period = add_clients(engine, factories.unit_id(engine, "Toimintakeskus Tupa"), 1)[0]
    start = offered_on(client.get(f"/staff/groups/{group}"))
    with Session(engine) as session:
        period = session.exec(select(ClientPeriod.id).where(ClientPeriod.person_id == tupa_period)).one()
    for query in (f"after={period}", "after=999999999", "members_after=999999999"):
        page = client.get(f"/staff/groups/{group}?{query}")
        assert page.status_code == 200 and offered_on(page) == start


def test_a_group_page_view_is_one_list_event_naming_the_clients_offered(app, client, engine, demo_data) -> None:
    group = group_of_aino(app, engine)
    page = staff_get(client, engine, app.state.vault, f"/staff/groups/{group}?name=y")
    offered = {int(radio["value"]) for radio in soup(page).select("input[name='members-person_id']")}
    assert offered
    with Session(engine) as session:
        event = session.exec(select(AccessEvent).where(AccessEvent.object_type == "client_list")
                             .order_by(AccessEvent.id.desc())).first()
        listed = set(session.exec(select(AccessEventSubject.person_id)
                                  .where(AccessEventSubject.event_id == event.id)).all())
    assert listed == offered and event.subject_count == len(offered)


def test_every_group_page_query_uses_an_index(engine, app, demo_data) -> None:
    from portal.models import Group
    from portal.schedule import editing

    verstas = factories.unit_id(engine, "Toimintakeskus Verstas")
    add_clients(engine, verstas, 60)
    today = calendar_days.today()
    with Session(engine) as session:
        group = session.get(Group, group_of_aino(app, engine))
        session.expunge(group)
        period = session.exec(select(ClientPeriod.id).where(ClientPeriod.unit_id == verstas)).first()
    work = {
        "offered": lambda s: editing.candidates(s, group=group, today=today),
        "offered, search, next page": lambda s: editing.candidates(s, group=group, today=today, name_start="Testi",
                                                                   after_period_id=period),
        "offered, next page": lambda s: editing.candidates(s, group=group, today=today, after_period_id=period),
        "members": lambda s: editing.member_page(s, group_id=group.id, today=today),
        "members, next page": lambda s: editing.member_page(s, group_id=group.id, today=today, after_member_id=1),
        "namesakes": lambda s: editing.namesakes(s, group=group, today=today, people=[(1, "virtanen aino")]),
        "adding checks the client": lambda s: editing.is_current_client(s, unit_id=verstas, person_id=1, today=today),
    }
    tables = BIG_TABLES + ("groupmember",)
    problems = {}
    for name, run in work.items():
        statements = captured_selects(engine, run)
        problems[name] = full_scans(engine, statements, tables=tables)
    assert {name: found for name, found in problems.items() if found} == {}
    # The unit's clients are read through the client list's index, in its order (no sort of the unit).
    statements = captured_selects(engine, lambda s: editing.candidates(s, group=group, today=today, name_start="T"))
    postgres, plans = explained(engine, statements[-1:])
    plan = " ".join(plans[0][1])
    assert "ix_clientperiod_unit_sort_name" in plan, plan
    assert postgres or "TEMP B-TREE" not in plan, plan
    # A client's other periods in the unit are found by the client, not by reading the unit's
    # earlier periods for each client offered (6 ms a page at 2,556 clients in the unit before).
    assert postgres or "SEARCH other_period USING INDEX ix_clientperiod_person_unit (person_id=?" in plan, plan


@pytest.mark.parametrize("name", ["%", "_", "'; DROP TABLE person; --", "\U0010ffff", "Vir\x00t", "ä" * 100, "   ",
                                  "Virt%25"])
@pytest.mark.parametrize("page", ["/staff", "group"])
def test_a_search_of_any_text_is_a_page_not_an_error(app, client, engine, demo_data, name, page) -> None:
    """Also characters nobody types, which a page must not show back (the HTML would not parse):
    dropped from a search as from a posted form."""
    from urllib.parse import quote

    path = f"/staff/groups/{group_of_aino(app, engine)}" if page == "group" else page
    response = staff_get(client, engine, app.state.vault, f"{path}?name={quote(name)}")
    assert response.status_code == 200
    field = soup(response).find(id="name")
    assert field is not None and "\U0010ffff" not in field.get("value", "") and "\x00" not in field.get("value", "")


def test_the_groups_list_counts_clients_and_a_group_page_logs_the_clients_it_shows(app, client, engine,
                                                                                      demo_data) -> None:
    """/staff/groups shows how many clients each group has, reading no client's
    data (no event about a client); a group's page is one event naming the
    clients it shows, and each of them sees it."""
    from portal.models import AccessEvent, GroupMember

    verstas = factories.unit_id(engine, "Toimintakeskus Verstas")
    group = group_of_aino(app, engine)
    added = add_clients(engine, verstas, 55)
    with transaction(engine) as session:
        session.add_all([GroupMember(group_id=group, person_id=person, starts_on=calendar_days.today())
                         for person in added])
    members = current_members(engine, group)
    with Session(engine) as session:
        before = session.exec(select(func.max(AccessEvent.id))).one() or 0
    listing = staff_get(client, engine, app.state.vault, "/staff/groups")
    assert listing.status_code == 200
    card = soup(listing).find("section", attrs={"aria-labelledby": f"group-{group}"})
    assert f"{len(members)} asiakasta" in card.get_text()
    with Session(engine) as session:
        assert session.exec(select(AccessEvent).where(AccessEvent.id > before,
                                                      AccessEvent.object_type == "group_members")).all() == []
    page = client.get(f"/staff/groups/{group}")
    shown = members_on(page)
    assert len(shown) == 50 < len(members)
    with Session(engine) as session:
        [event] = session.exec(select(AccessEvent).where(AccessEvent.id > before,
                                                         AccessEvent.object_type == "group_members")).all()
        named = session.exec(select(AccessEventSubject.person_id).where(AccessEventSubject.event_id == event.id)).all()
        assert event.subject_person_id is None and event.object_id == str(group) and len(named) == 50
        assert set(named) <= members
        first = named[0]
        seen = processed_by_others(session, subject_person_id=first, since=two_years_before()).entries
        assert any(entry.object_type == "group_members" for entry in seen)
