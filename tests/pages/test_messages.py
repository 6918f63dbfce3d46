"""Messages between a client (or a delegate) and the unit, through HTTP: the
journeys, the unit inbox, handling a thread, sensitive threads and the easy
login, bulletins, and every kind of bad input (issue 22, messages half)."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, func, select

from portal import clock
from portal.auth.levels import Level
from portal.db import transaction
from portal.messages import events, threads
from portal.messages.models import Bulletin, Message, MessageThread
from portal.models import AccessEvent, MandateScope
from tests.support import factories
from tests.support.helpers import h1, soup
from tests.support.login_flow import login
from tests.support.signed_in import as_client, as_staff

AINO, MIKKO, LIISA, HELENA = "010280-952L", "150375-990C", "230495-936S", "120556-942L"
SANNA, PEKKA, MARIA = "300883-9617", "040790-932H", "180679-9737"


@pytest.fixture
def ids(app, engine, demo_data):  # type: ignore[no-untyped-def]
    found = {code: factories.person_id(engine, app.state.vault, code)
             for code in (AINO, MIKKO, LIISA, HELENA, SANNA, PEKKA, MARIA)}
    found["verstas"] = factories.unit_id(engine, "Toimintakeskus Verstas")
    return found


def form_of(page, action: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The fields a browser would post with the form whose action is `action`."""
    form = soup(page).find("form", action=action)
    assert form is not None, f"no form for {action}"
    fields = {field["name"]: field.get("value", "") for field in form.find_all("input")
              if field.get("type") not in ("radio", "checkbox")}
    for area in form.find_all("textarea"):
        fields[area["name"]] = area.get_text()
    return fields


def write_new(client, *, topic: str = "absence", text: str = "En pääse huomenna.", **changes: str):  # type: ignore[no-untyped-def]
    fields = {**form_of(client.get("/messages/new"), "/messages/new"), "topic": topic, "text": text, **changes}
    return client.post("/messages/new", data=fields, follow_redirects=False)


def thread_id_of(response) -> int:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text[:500]
    return int(re.match(r"/messages/(\d+)\?", response.headers["location"]).group(1))  # type: ignore[union-attr]


def count(engine, model) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def events_of(engine, object_type: str) -> list[AccessEvent]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(session.exec(select(AccessEvent).where(AccessEvent.object_type == object_type)).all())


def test_client_writes_staff_see_it_unread_and_answer_client_sees_the_answer_read(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    listing = client.get("/messages")
    assert listing.status_code == 200 and h1(listing) == "Viestit"
    assert "Et voi lähettää liitteitä" in client.get("/messages/new").text  # said in plain words
    thread_id = thread_id_of(write_new(client, topic="tasks", text="Saanko tehdä penkin?"))
    page = client.get(f"/messages/{thread_id}?sent=1")
    assert h1(page) == "Työtehtävät" and "Viesti on lähetetty" in page.text and "Saanko tehdä penkin?" in page.text

    client.cookies.clear()
    as_staff(client, engine, ids[SANNA])
    inbox = client.get("/staff/messages")
    first = soup(inbox).find("ul", class_="thread-list").find("li")
    assert f"/staff/messages/{thread_id}" == first.a["href"]  # unread first, newest first
    assert "Lukematon" in first.get_text() and "Aino Virtanen: Työtehtävät" in first.get_text()
    opened = client.get(f"/staff/messages/{thread_id}")
    assert opened.status_code == 200 and "Saanko tehdä penkin?" in opened.text
    [read] = [event for event in events_of(engine, "message_thread")
              if event.action == "read" and event.actor_person_id == ids[SANNA]]
    assert (read.actor_person_id, read.subject_person_id, read.object_id) == (ids[SANNA], ids[AINO], str(thread_id))
    assert "Lukematon" not in soup(client.get("/staff/messages")).find("a", href=f"/staff/messages/{thread_id}").parent.get_text()
    answer = client.post(f"/staff/messages/{thread_id}/reply",
                         data={**form_of(opened, f"/staff/messages/{thread_id}/reply"), "text": "Totta kai, Aino!"},
                         follow_redirects=False)
    assert answer.status_code == 303

    client.cookies.clear()
    as_client(client, engine, ids[AINO])
    assert "Uusia vastauksia: 2." in client.get("/home").text  # this one and the demo's answer from Sanna
    row = soup(client.get("/messages")).find("a", href=f"/messages/{thread_id}").parent
    assert "Uusi vastaus" in row.get_text()
    page = soup(client.get(f"/messages/{thread_id}"))
    messages = page.find("ol", class_="message-list").find_all("li")
    assert [m.find(class_="long-text").get_text() for m in messages] == ["Saanko tehdä penkin?", "Totta kai, Aino!"]
    assert "Sanna Laine" in messages[1].get_text() and "Uusi" in messages[1].get_text()  # new, in words
    assert "Uusi" not in messages[0].get_text()
    # Read now: neither the list nor the thread marks it new any more.
    assert "Uusi vastaus" not in soup(client.get("/messages")).find("a", href=f"/messages/{thread_id}").parent.get_text()
    assert "Uusi" not in soup(client.get(f"/messages/{thread_id}")).find("ol", class_="message-list").get_text()


def test_a_delegate_writes_for_the_client_and_both_sides_see_who(client, engine, ids) -> None:
    as_client(client, engine, ids[HELENA], acting_for=ids[AINO])  # the demo's mandate lets her act
    thread_id = thread_id_of(write_new(client, topic="money", text="Kysyn Ainon rahoista."))
    assert "Helena Virtanen Ainon puolesta" in client.get(f"/messages/{thread_id}").text
    with Session(engine) as session:
        message = session.exec(select(Message).where(Message.thread_id == thread_id)).one()
        thread = session.get(MessageThread, thread_id)
    assert (message.author_person_id, message.on_behalf_of_person_id, thread.client_person_id) == (  # type: ignore[union-attr]
        ids[HELENA], ids[AINO], ids[AINO])
    client.cookies.clear()
    as_staff(client, engine, ids[SANNA])
    assert "Helena Virtanen Ainon puolesta" in client.get(f"/staff/messages/{thread_id}").text
    client.cookies.clear()
    as_client(client, engine, ids[AINO])  # Aino sees it among her own threads
    assert client.get(f"/messages/{thread_id}").status_code == 200


def test_a_delegate_who_may_only_view_is_refused_like_on_other_pages(client, engine, ids) -> None:
    factories.add_mandate(engine, principal=ids[AINO], agent=ids[LIISA], scope=MandateScope.VIEW)
    with Session(engine) as session:
        aino_thread = session.exec(select(MessageThread.id).where(MessageThread.client_person_id == ids[AINO])).first()
    as_client(client, engine, ids[LIISA], acting_for=ids[AINO])
    for path in ("/messages", "/messages/new", f"/messages/{aino_thread}"):
        assert client.get(path).status_code == 403, path
    assert client.post(f"/messages/{aino_thread}/reply", data={}).status_code == 403
    assert "/messages" not in [a["href"] for a in soup(client.get("/home")).find("nav", class_="menu").find_all("a")]


def test_bad_input_is_a_clear_400_and_nothing_is_lost(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    before = count(engine, Message)
    empty = write_new(client, text="   \r\n ")
    assert empty.status_code == 400 and "Kirjoita viesti." in empty.text
    assert soup(empty).title.get_text().startswith("Virhe:")
    long_text = "a" * 5000 + "b"
    too_long = write_new(client, text=long_text)
    assert too_long.status_code == 400 and "Liikaa merkkejä: 1." in too_long.text
    assert soup(too_long).find("textarea", attrs={"name": "text"}).get_text().lstrip("\r\n") == long_text  # kept
    for topic in ("", "holiday", "x" * 5000, "absence<b>"):
        wrong = write_new(client, topic=topic)
        assert wrong.status_code == 400 and "Valitse, mistä asiasta kirjoitat." in wrong.text, topic
    stale = write_new(client, key="not-a-token")
    assert stale.status_code == 400 and "Lomake on vanhentunut" in stale.text
    assert count(engine, Message) == before
    markup = "<script>alert(1)</script><b>lihava</b>"
    thread_id = thread_id_of(write_new(client, text=markup))
    page = client.get(f"/messages/{thread_id}")
    assert markup not in page.text and "&lt;script&gt;" in page.text
    assert soup(page).find("ol", class_="message-list").find(class_="long-text").get_text() == markup  # shown as text
    reply_form = form_of(page, f"/messages/{thread_id}/reply")
    assert client.post(f"/messages/{thread_id}/reply", data={**reply_form, "text": ""}).status_code == 400
    assert client.get("/messages?after=abc").status_code == 400
    huge = "9" * 18  # a path's id may have 18 digits: past the tables' integers it names nothing
    assert client.get(f"/messages/{huge}").status_code == 404
    assert client.get(f"/messages?after={huge}").status_code == 200


def test_a_double_submit_saves_one_message(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    fields = {**form_of(client.get("/messages/new"), "/messages/new"), "topic": "other", "text": "Kahdesti?"}
    first = client.post("/messages/new", data=fields, follow_redirects=False)
    second = client.post("/messages/new", data=fields, follow_redirects=False)
    assert thread_id_of(first) == thread_id_of(second)
    thread_id = thread_id_of(first)
    reply = {**form_of(client.get(f"/messages/{thread_id}"), f"/messages/{thread_id}/reply"), "text": "Vastaan kerran."}
    assert client.post(f"/messages/{thread_id}/reply", data=reply, follow_redirects=False).status_code == 303
    assert client.post(f"/messages/{thread_id}/reply", data=reply, follow_redirects=False).status_code == 303
    with Session(engine) as session:
        texts = session.exec(select(Message.text).where(Message.thread_id == thread_id)).all()
    assert texts == ["Kahdesti?", "Vastaan kerran."]


def test_get_changes_no_message(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    before = (count(engine, Message), count(engine, MessageThread))
    for path in ("/messages", "/messages/new", "/messages/1", "/messages/new?topic=other&text=Hei"):
        client.get(path)
    assert (count(engine, Message), count(engine, MessageThread)) == before


def test_another_clients_or_units_thread_is_a_missing_page(client, engine, ids) -> None:
    with Session(engine) as session:
        aino_thread = session.exec(select(MessageThread.id).where(MessageThread.client_person_id == ids[AINO])).first()
    as_client(client, engine, ids[MIKKO])
    for method, path in (("GET", f"/messages/{aino_thread}"), ("POST", f"/messages/{aino_thread}/reply")):
        fields = form_of(client.get("/messages/new"), "/messages/new") if method == "POST" else None
        response = client.request(method, path, data={**(fields or {}), "text": "Hei"} if fields else None)
        assert response.status_code == 404 and "Aino" not in response.text, path
    client.cookies.clear()
    as_staff(client, engine, ids[MARIA])  # Tupa's staff, Aino is at Verstas
    assert client.get(f"/staff/messages/{aino_thread}").status_code == 404
    token = form_of(client.get("/staff/bulletins"), "/staff/bulletins?unit=" + str(factories.unit_id(engine, "Toimintakeskus Tupa")))["csrf_token"]
    for action, data in (("reply", {"text": "Hei", "key": threads.new_key()}), ("assign", {"worker": ""}),
                         ("done", {"on": "1"}), ("sensitive", {"on": "1"})):
        response = client.post(f"/staff/messages/{aino_thread}/{action}", data={"csrf_token": token, **data})
        assert response.status_code == 404 and "Aino" not in response.text, action
    assert client.get(f"/staff/messages?unit={ids['verstas']}").status_code == 404
    assert "Aino" not in client.get("/staff/messages").text
    with Session(engine) as session:
        thread = session.get(MessageThread, aino_thread)
    assert (thread.status, thread.sensitive) == ("open", False)  # type: ignore[union-attr]


def test_staff_assign_mark_done_reopen_and_the_client_reopens_by_writing(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    thread_id = thread_id_of(write_new(client, text="Asia yksi."))
    client.cookies.clear()
    as_staff(client, engine, ids[SANNA])
    page = client.get(f"/staff/messages/{thread_id}")
    token = form_of(page, f"/staff/messages/{thread_id}/assign")["csrf_token"]
    post = lambda action, **data: client.post(f"/staff/messages/{thread_id}/{action}",  # noqa: E731
                                              data={"csrf_token": token, **data}, follow_redirects=False)
    assert post("assign", worker=str(ids[PEKKA])).status_code == 303
    assert post("assign", worker=str(ids[MARIA])).status_code == 400  # not a worker of Verstas
    assert post("assign", worker="abc").status_code == 400
    assert "Hoitaa: Pekka Heikkinen." in client.get("/staff/messages").text
    assert post("done", on="1").status_code == 303
    assert f"/staff/messages/{thread_id}" not in client.get("/staff/messages").text
    assert f"/staff/messages/{thread_id}" in client.get("/staff/messages?status=done").text
    assert post("done", on="yes").status_code == 400
    assert post("done", on="0").status_code == 303
    assert f"/staff/messages/{thread_id}" in client.get("/staff/messages").text
    assert post("done", on="1").status_code == 303
    client.cookies.clear()
    as_client(client, engine, ids[AINO])
    fields = {**form_of(client.get(f"/messages/{thread_id}"), f"/messages/{thread_id}/reply"), "text": "Vielä yksi asia."}
    assert client.post(f"/messages/{thread_id}/reply", data=fields, follow_redirects=False).status_code == 303
    with Session(engine) as session:
        thread = session.get(MessageThread, thread_id)
    assert (thread.status, thread.unread_by_staff, thread.assigned_to_person_id) == ("open", True, ids[PEKKA])  # type: ignore[union-attr]
    assert {event.object_type for event in events_of(engine, "message_thread_done")} == {"message_thread_done"}


def test_a_sensitive_thread_needs_a_strong_login_to_read(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    thread_id = thread_id_of(write_new(client, text="Tämä on arka asia."))
    client.cookies.clear()
    as_staff(client, engine, ids[SANNA])
    page = client.get(f"/staff/messages/{thread_id}")
    token = form_of(page, f"/staff/messages/{thread_id}/sensitive")["csrf_token"]
    assert client.post(f"/staff/messages/{thread_id}/sensitive", data={"csrf_token": token, "on": "1"}).status_code == 200
    client.cookies.clear()
    easy = factories.start_session(engine, audience="client", person=ids[AINO], acting_for=ids[AINO], level=Level.EASY)
    from portal.auth import sessions

    client.cookies.set(sessions.COOKIE_NAMES["client"], easy)
    row = soup(client.get("/messages")).find("a", href=f"/messages/{thread_id}").parent
    assert "Luottamuksellinen" in row.get_text() and "pankkitunnuksilla" in row.get_text()  # it is there
    step_up = client.get(f"/messages/{thread_id}")
    assert step_up.status_code == 403 and h1(step_up) == "Kirjaudu pankkitunnuksilla"
    assert "Tämä on arka asia." not in step_up.text
    assert soup(step_up).main.find("a", href=f"/login?next=/messages/{thread_id}") is not None
    fields = {**form_of(client.get("/messages/new"), "/messages/new"), "text": "Vastaan helposti."}
    answer = client.post(f"/messages/{thread_id}/reply", data=fields)
    assert answer.status_code == 403 and "Tämä on arka asia." not in answer.text
    other = thread_id_of(write_new(client, text="Tavallinen asia."))  # an easy login reads and writes the others
    assert client.get(f"/messages/{other}").status_code == 200
    client.cookies.clear()
    as_client(client, engine, ids[AINO])
    assert "Tämä on arka asia." in client.get(f"/messages/{thread_id}").text


def test_an_easy_login_steps_up_to_read_a_sensitive_thread(idp_client, idp_app) -> None:
    engine = idp_app.state.engine
    aino = factories.person_id(engine, idp_app.state.vault, AINO)
    with Session(engine) as session:  # the demo's sensitive thread is Mikko's; make one of Aino's sensitive
        thread = session.exec(select(MessageThread).where(MessageThread.client_person_id == aino)).first()
        thread.sensitive = True  # type: ignore[union-attr]
        session.add(thread)
        session.commit()
        thread_id = thread.id  # type: ignore[union-attr]
    from tests.support.signed_in import as_easy

    as_easy(idp_client, engine, aino)
    assert idp_client.get(f"/messages/{thread_id}").status_code == 403
    back = login(idp_client, AINO, next_path=f"/messages/{thread_id}")
    assert back.headers["location"] == f"/messages/{thread_id}"
    assert idp_client.get(back.headers["location"]).status_code == 200


def test_a_bulletin_reaches_its_groups_clients_and_not_others(activity_day, client, engine, ids) -> None:
    as_staff(client, engine, ids[SANNA])
    page = client.get("/staff/bulletins")
    assert page.status_code == 200
    fields = form_of(page, f"/staff/bulletins?unit={ids['verstas']}")
    group = factories.group_id(engine, person=ids[AINO])
    last_day = activity_day.replace(year=activity_day.year + 2)
    too_far = client.post(f"/staff/bulletins?unit={ids['verstas']}", data={
        **fields, "audience": str(group), "title": "Liian pitkään", "text": "Ei näy.",
        "expires_on": f"{last_day.day}.{last_day.month}.{last_day.year}"})
    assert too_far.status_code == 400 and "enintään vuoden päästä" in too_far.text
    other_unit_group = factories.group_id(engine, person=ids[LIISA])
    assert client.post(f"/staff/bulletins?unit={ids['verstas']}", data={
        **fields, "audience": str(other_unit_group), "title": "Väärä ryhmä", "text": "Ei näy.",
        "expires_on": f"{activity_day.day}.{activity_day.month}.{activity_day.year}"}).status_code == 400
    written = client.post(f"/staff/bulletins?unit={ids['verstas']}", data={
        **fields, "audience": str(group), "title": "Sauna perjantaina", "text": "Perjantaina on sauna.",
        "expires_on": f"{activity_day.day}.{activity_day.month}.{activity_day.year}"}, follow_redirects=False)
    assert written.status_code == 303
    unit_wide = client.post(f"/staff/bulletins?unit={ids['verstas']}", data={
        **fields, "audience": "unit", "title": "Pihatalkoot", "text": "Haravoidaan yhdessä.",
        "expires_on": f"{activity_day.day}.{activity_day.month}.{activity_day.year}"}, follow_redirects=False)
    assert unit_wide.status_code == 303
    seen = {}
    for code in (AINO, MIKKO, LIISA):
        client.cookies.clear()
        as_client(client, engine, ids[code])
        home, listing = client.get("/home").text, client.get("/messages").text
        seen[code] = ("Sauna perjantaina" in home, "Sauna perjantaina" in listing, "Pihatalkoot" in home)
    assert seen == {AINO: (True, True, True), MIKKO: (False, False, True), LIISA: (False, False, False)}
    with Session(engine) as session:
        bulletin_id = session.exec(select(Bulletin.id).where(Bulletin.title == "Sauna perjantaina")).one()
    client.cookies.clear()
    as_staff(client, engine, ids[MARIA])  # another unit's bulletin: not hers to remove
    token = form_of(client.get("/staff/bulletins"), f"/staff/bulletins?unit={factories.unit_id(engine, 'Toimintakeskus Tupa')}")["csrf_token"]
    assert client.post(f"/staff/bulletins/{bulletin_id}/remove", data={"csrf_token": token}).status_code == 404
    client.cookies.clear()
    as_staff(client, engine, ids[SANNA])
    token = form_of(client.get("/staff/bulletins"), f"/staff/bulletins/{bulletin_id}/remove")["csrf_token"]
    assert client.post(f"/staff/bulletins/{bulletin_id}/remove", data={"csrf_token": token}).status_code == 200
    client.cookies.clear()
    as_client(client, engine, ids[AINO])
    assert "Sauna perjantaina" not in client.get("/home").text


def test_messages_are_rate_limited_per_person_and_the_text_is_kept(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    thread_id = thread_id_of(write_new(client, text="Ensimmäinen."))
    for number in range(threads.PER_PERSON_SHORT.max_hits - 1):
        fields = {**form_of(client.get(f"/messages/{thread_id}"), f"/messages/{thread_id}/reply"), "text": f"Viesti {number}"}
        assert client.post(f"/messages/{thread_id}/reply", data=fields, follow_redirects=False).status_code == 303
    fields = {**form_of(client.get(f"/messages/{thread_id}"), f"/messages/{thread_id}/reply"), "text": "Yksi liikaa"}
    refused = client.post(f"/messages/{thread_id}/reply", data=fields)
    assert refused.status_code == 429 and "Odota hetki" in refused.text
    assert soup(refused).find("textarea", attrs={"name": "text"}).get_text().strip() == "Yksi liikaa"


def test_the_notification_seam_is_told_of_each_message_and_reads_unread(client, engine, ids, monkeypatch) -> None:
    told = []
    monkeypatch.setattr(events, "message_arrived",
                        lambda session, *, message, recipient_person_ids: told.append((message.id, list(recipient_person_ids))))
    as_client(client, engine, ids[AINO])
    thread_id = thread_id_of(write_new(client, text="Kerro minulle."))
    client.cookies.clear()
    as_staff(client, engine, ids[SANNA])
    page = client.get(f"/staff/messages/{thread_id}")
    client.post(f"/staff/messages/{thread_id}/reply", data={**form_of(page, f"/staff/messages/{thread_id}/reply"),
                                                          "text": "Kerron."})
    (first, to_nobody), (answer, to_aino) = told
    assert (to_nobody, to_aino) == ([], [ids[AINO]])
    with Session(engine) as session:
        assert threads.is_unread_by(session, message_id=answer, person_id=ids[AINO])
        assert not threads.is_unread_by(session, message_id=answer, person_id=ids[SANNA])  # her own
        assert not threads.is_unread_by(session, message_id=first, person_id=ids[AINO])
        assert not threads.is_unread_by(session, message_id=10**12, person_id=ids[AINO])
    client.cookies.clear()
    as_client(client, engine, ids[AINO])
    client.get(f"/messages/{thread_id}")
    with Session(engine) as session:
        assert not threads.is_unread_by(session, message_id=answer, person_id=ids[AINO])


def test_the_inbox_pages_with_keyset_unread_first_and_staff_see_a_clients_threads(client, engine, ids) -> None:
    now = clock.now()
    with transaction(engine) as session:
        made = [threads.start(session, client_person_id=ids[MIKKO], unit_id=ids["verstas"], author_person_id=ids[MIKKO],
                              topic="other", text=f"Viesti {n}", key=threads.new_key(), now=now).thread.id
                for n in range(30)]
        for thread_id in made[::3]:  # every third one read by staff
            threads.mark_read(session, thread=session.get(MessageThread, thread_id), person_id=ids[SANNA], now=now,  # type: ignore[arg-type]
                              staff=True)
    as_staff(client, engine, ids[SANNA])
    seen: list[int] = []
    url = "/staff/messages"
    while url:
        page = soup(client.get(url))
        seen += [int(a["href"].rsplit("/", 1)[1]) for a in page.find("ul", class_="thread-list").find_all("a")]
        more = page.find("a", string="Näytä seuraavat viestit")
        url = more["href"] if more else ""
    with Session(engine) as session:
        rows = session.exec(select(MessageThread).where(MessageThread.unit_id == ids["verstas"],
                                                        MessageThread.status == "open")).all()
    expected = [t.id for t in sorted(rows, key=lambda t: (t.unread_by_staff, t.last_message_id), reverse=True)]
    assert seen == expected and len(seen) > threads.PAGE_SIZE
    assert client.get("/staff/messages?after=2-1").status_code == 400
    assert client.get("/staff/messages?after=1-" + "9" * 18).status_code == 200
    assert client.get("/staff/messages/" + "9" * 18).status_code == 404
    assert client.get("/staff/messages?status=lost").status_code == 404
    mikko_page = client.get(f"/staff/clients/{ids[MIKKO]}/messages")
    assert mikko_page.status_code == 200 and f"/staff/messages/{made[-1]}" in mikko_page.text
    assert "Aino" not in soup(mikko_page).main.get_text()
    assert f"/staff/clients/{ids[MIKKO]}/messages" in client.get(f"/staff/clients/{ids[MIKKO]}").text


def test_messages_and_bulletins_are_in_my_data(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    sections = client.get("/my-data.json").json()["sections"]
    topics = {thread["topic"] for thread in sections["messages"]}
    assert topics == {"absence", "money", "tasks"}
    helena = [m for thread in sections["messages"] for m in thread["messages"] if m["on_behalf_of"]]
    assert [(m["who"], m["on_behalf_of"]) for m in helena] == [("Helena Virtanen", "Aino Virtanen")]
    assert [bulletin["title"] for bulletin in sections["bulletins"]] == ["Keskiviikkona retki"]
    page = client.get("/my-data")
    assert "En pääse tulemaan" in page.text and "Keskiviikkona retki" in page.text
    client.cookies.clear()
    as_client(client, engine, ids[MIKKO])  # the Puutyöt group's trip is not Mikko's
    assert client.get("/my-data.json").json()["sections"]["bulletins"] == []


# Every query of the message lists uses an index ---------------------------------------------

MESSAGE_TABLES = ("messagethread", "message", "messagereadstate", "bulletin")


def test_the_inbox_and_thread_list_queries_use_an_index_and_no_sort(engine, ids) -> None:
    from portal.messages import bulletins
    from tests.support.query_plans import captured_selects, explained, scans

    today = clock.today()
    work = {
        "inbox": lambda s: threads.unit_inbox(s, unit_id=ids["verstas"]),
        "inbox, next page": lambda s: threads.unit_inbox(s, unit_id=ids["verstas"], after=(True, 10**9)),
        "inbox, done": lambda s: threads.unit_inbox(s, unit_id=ids["verstas"], status="done", after=(False, 10**9)),
        "unread count": lambda s: threads.unread_count(s, unit_id=ids["verstas"]),
        "client's threads": lambda s: threads.client_threads(s, client_person_id=ids[AINO], reader_person_id=ids[AINO]),
        "client's threads, next page": lambda s: threads.client_threads(
            s, client_person_id=ids[AINO], reader_person_id=ids[AINO], after=10**9),
        "staff's client page": lambda s: threads.client_threads(
            s, client_person_id=ids[AINO], reader_person_id=ids[SANNA], unit_ids={ids["verstas"]}),
        "a thread": lambda s: threads.messages_of(s, thread=s.get(MessageThread, 1), reader_read_up_to=0,
                                                  reader_is_staff=False),
        "bulletins": lambda s: bulletins.active_for_client(s, person_id=ids[AINO], today=today),
        "unread on the start page": lambda s: threads.unread_for_client_side(s, client_person_id=ids[AINO],
                                                                             reader_person_id=ids[AINO]),
    }
    problems = []
    for name, run in work.items():
        postgres, plans = explained(engine, captured_selects(engine, run), no_sort=True)
        for statement, lines in plans:
            for line in lines:
                problems += [f"{name}: {line.strip()}" for _table in scans(line, MESSAGE_TABLES, postgres=postgres)]
                if not postgres and "TEMP B-TREE" in line and "messagethread" in statement.split("FROM", 1)[1][:40]:
                    problems.append(f"{name}: sorts ({line.strip()})")
                if postgres and line.strip().startswith("Sort") and name.startswith(("inbox", "client")):
                    problems.append(f"{name}: sorts ({line.strip()})")
    assert problems == []


def test_the_start_pages_unread_count_is_what_the_thread_list_marks_unread(client, engine, ids) -> None:
    """One count query for the start page; the list works it out thread by thread."""
    def both(reader: int) -> tuple[int, int]:
        with Session(engine) as session:
            listed = threads.client_threads(session, client_person_id=ids[AINO], reader_person_id=reader)
            return (threads.unread_for_client_side(session, client_person_id=ids[AINO], reader_person_id=reader),
                    sum(1 for row in listed.rows if row.unread))

    counted, listed = both(ids[AINO])
    assert counted == listed >= 1  # the demo: Sanna's answer Aino has not read
    assert both(ids[HELENA])[0] == both(ids[HELENA])[1]
    as_client(client, engine, ids[AINO])
    with Session(engine) as session:
        answered = session.exec(select(MessageThread.id).where(MessageThread.client_person_id == ids[AINO],
                                                               MessageThread.last_staff_message_id > 0)).all()
    for thread_id in answered:
        assert client.get(f"/messages/{thread_id}").status_code == 200  # reading marks it read
    assert both(ids[AINO]) == (0, 0)
    assert both(ids[HELENA])[0] == both(ids[HELENA])[1]
