"""Reminders and notifications (issue 22) against a real SMTP server
(aiosmtpd) and a local SMS gateway, both in the test process: codes,
tomorrow's reminder across a holiday and the October clock change, "Uusi
viesti" after 10 minutes and only while unread, quiet hours, a gateway that
fails twice, a sender killed mid-batch, parking, the accessibility answer
really e-mailed, and texts that fit one SMS segment. No sleeps: the clock
is moved and the sender's one-batch function called."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import delete
from sqlmodel import Session, select

from portal import clock
from portal.db import transaction
from portal.feedback import accessibility
from portal.models import AccessibilityFeedback, Group, GroupMember, GroupSlot, MandateScope, Person, SlotChange
from portal.money import month_report
from portal.notifications import contacts, outbox, preferences, reminders, sender, stop_links, texts, timing
from portal.notifications.delivery import DevelopmentOutbox
from portal.notifications.email import SmtpTransport
from portal.notifications.models import Category, Channel, ContactPoint, Notification, State
from portal.notifications.sms import HttpSmsGateway
from tests.support import factories
from tests.support.notification_servers import sms_gateway, smtp_server

AINO, MIKKO, HELENA, TIMO = "010280-952L", "150375-990C", "120556-942L", "090965-9970"
BASE = "https://oma.esimerkkila.fi"
SECRET = "test-secret"
# Noon of the day the suite runs on (the demo's periods and mandates are made around it).
NOON = clock.at_helsinki(clock.today(), 12)
LAST_MONTH = (NOON.date().replace(day=1) - timedelta(days=1)).replace(day=1)


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[int, object]]:
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def gateway_server() -> Iterator[tuple[str, object]]:
    with sms_gateway() as server:
        yield server


@pytest.fixture
def inbox(smtp):  # type: ignore[no-untyped-def]
    smtp[1].clear()
    return smtp[1]


@pytest.fixture
def gateway(gateway_server):  # type: ignore[no-untyped-def]
    gateway_server[1].clear()
    return gateway_server[1]


@pytest.fixture
def context(smtp, gateway_server) -> sender.Context:  # type: ignore[no-untyped-def]
    return sender.Context({
        Channel.EMAIL.value: SmtpTransport(host="127.0.0.1", port=smtp[0], user="", password="",
                                           sender="Oma työtoiminta <ilmoitukset@esimerkkila.example>", starttls=False),
        Channel.SMS.value: HttpSmsGateway(url=gateway_server[0], user="portal", password="salasana", sender="OmaTyo"),
    }, BASE, SECRET)


@pytest.fixture(autouse=True)
def messages_count_as_unread():  # type: ignore[no-untyped-def]
    """These tests name messages that do not exist ("message 41"): while one
    runs, every message counts as unread unless a test says otherwise. The
    messages area's own check is put back after (and used by the test of
    both together)."""
    real = outbox._checks.get(Category.NEW_MESSAGE.value)
    outbox.register_unread_check(lambda session, *, message_id, person_id: True)
    yield
    if real is not None:
        outbox.register_check(Category.NEW_MESSAGE.value, real)


@pytest.fixture
def people(app, engine, demo_data) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The demo's people; the demo's own rows taken out of the outbox."""
    with transaction(engine) as session:
        session.exec(delete(Notification))  # type: ignore[call-overload]
    return {code: factories.person_id(engine, app.state.vault, code) for code in (AINO, MIKKO, HELENA, TIMO)}


def all_rows(engine, **where) -> list[Notification]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        query = select(Notification).order_by(Notification.id)
        for name, value in where.items():
            query = query.where(getattr(Notification, name) == value)
        return list(session.exec(query).all())


def send(engine, context, at: datetime) -> sender.Counts:  # type: ignore[no-untyped-def]
    with clock.moved_to(at):
        counts = sender.send_batch(engine, context, now=at)
    assert counts is not None
    return counts


def personal_words(engine, person: int) -> list[str]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        found = session.get(Person, person)
        assert found is not None
        return [found.given_name, found.family_name]


# E-mail: what arrives ------------------------------------------------------------

def test_an_email_has_text_and_html_parts_the_language_and_nothing_personal(engine, people, context, inbox) -> None:
    aino = people[AINO]
    with clock.moved_to(NOON), transaction(engine) as session:
        closed = month_report.close_month(session, unit_id=factories.unit_id(engine, "Toimintakeskus Verstas"),
                                          month=LAST_MONTH, by_person_id=people[TIMO], today=NOON.date())
        assert not isinstance(closed, list)
    [row] = all_rows(engine, person_id=aino)
    assert (row.category, row.channel, row.state) == (Category.MONEY_READY.value, "email", "queued")
    assert send(engine, context, NOON + timedelta(seconds=1)).sent == 1
    [message] = inbox.messages
    assert message["To"] == "aino.virtanen@example.fi"
    assert message["From"] == "Oma työtoiminta <ilmoitukset@esimerkkila.example>"
    assert message["Subject"] == "Kuukauden rahat ovat valmiina"
    assert message["Content-Language"] == "fi"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].endswith("@esimerkkila.example>")
    text_part = message.get_body(("plain",)).get_content()
    html_part = message.get_body(("html",)).get_content()
    assert message.get_content_type() == "multipart/alternative"
    assert "Kuukauden rahat ovat valmiina." in text_part and f"{BASE}/money" in text_part
    assert '<html lang="fi">' in html_part and f'href="{BASE}/money"' in html_part
    stop_url = message["List-Unsubscribe"].strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert stop_url in text_part and stop_url.startswith(f"{BASE}/stop/")
    everything = message.as_string()
    for word in [*personal_words(engine, aino), "€", "Verstas", "010280"]:
        assert word not in everything
    [row] = all_rows(engine, person_id=aino)
    assert (row.state, row.attempts, row.outcome, row.provider_ref) == ("sent", 1, "sent", message["Message-ID"])


def test_the_recipients_language_from_the_address(engine, people, context, inbox) -> None:
    with transaction(engine) as session:
        contact = session.exec(select(ContactPoint).where(ContactPoint.person_id == people[AINO])).one()
        contact.language = "sv"
        session.add(contact)
        outbox.notify_new_message(session, message_id=7, person_ids=[people[AINO]], now=NOON)
    send(engine, context, NOON + outbox.NEW_MESSAGE_DELAY)
    [message] = inbox.messages
    assert message["Content-Language"] == "sv" and message["Subject"] == "Nytt meddelande"
    assert '<html lang="sv">' in message.get_body(("html",)).get_content()


# Confirmation codes -----------------------------------------------------------

def code_in(text: str) -> str:
    found = re.search(r"\b(\d{6})\b", text)
    assert found, text
    return found.group(1)


def test_codes_wrong_expired_and_too_many_tries(engine, people, context, inbox) -> None:
    helena = people[HELENA]
    with transaction(engine) as session:
        started = contacts.start(session, person_id=helena, channel="email", address="helena@example.fi",
                                 language="fi", now=NOON, secret=SECRET)
    assert started.outcome == "sent"
    send(engine, context, NOON)
    [message] = inbox.messages
    assert message["To"] == "helena@example.fi" and message["Subject"] == "Vahvistuskoodi"
    code = code_in(message.get_body(("plain",)).get_content())
    [row] = all_rows(engine, category="confirmation_code")
    assert row.body == ""  # the code has gone: not kept
    wrong = "000000" if code != "000000" else "111111"

    def confirm(typed: str, at: datetime) -> contacts.Confirmed:
        with transaction(engine) as session:
            return contacts.confirm(session, person_id=helena, channel="email", code=typed, now=at, secret=SECRET)

    assert confirm(wrong, NOON) == contacts.Confirmed("wrong", 4)
    assert confirm(code, NOON + contacts.CODE_LIFETIME) == contacts.Confirmed("expired")
    for left in (3, 2, 1):
        assert confirm(wrong, NOON) == contacts.Confirmed("wrong", left)
    assert confirm(wrong, NOON).outcome == "too_many"
    assert confirm(code, NOON).outcome == "too_many"  # the right code no longer opens it
    # A new code: the old one is void, the new one confirms.
    with transaction(engine) as session:
        contacts.start(session, person_id=helena, channel="email", address="helena@example.fi", language="fi",
                       now=NOON + timedelta(minutes=1), secret=SECRET)
    send(engine, context, NOON + timedelta(minutes=1))
    new_code = code_in(inbox.messages[-1].get_body(("plain",)).get_content())
    if new_code != code:
        assert confirm(code, NOON + timedelta(minutes=2)).outcome == "wrong"
    assert confirm(new_code, NOON + timedelta(minutes=2)).outcome == "confirmed"
    with Session(engine) as session:
        contact = session.exec(select(ContactPoint).where(ContactPoint.person_id == helena)).one()
        assert (contact.address, contact.pending_address, contact.code_hash) == ("helena@example.fi", "", "")


def test_codes_are_limited_per_person_and_per_address(engine, people) -> None:
    outcomes = []
    with transaction(engine) as session:
        for number in range(4):
            outcomes.append(contacts.start(session, person_id=people[HELENA], channel="sms", address="+358401110000",
                                           language="fi", now=NOON + timedelta(seconds=number), secret=SECRET).outcome)
    assert outcomes == ["sent", "sent", "sent", "limited"]  # three an hour to one address


@pytest.mark.parametrize(("typed", "normal"), [
    ("040 123 4567", "+358401234567"), ("+358 50 123 4567", "+358501234567"), ("0401234567", "+358401234567")])
def test_mobile_numbers_are_normalised_to_e164(typed, normal) -> None:
    assert contacts.normalise_mobile(typed) == normal


@pytest.mark.parametrize("typed", ["", "123", "09 123 4567", "abc", "+358 40", "040 123 4567 " * 3, "+358 40 123 456 789 01"])
def test_not_a_mobile_number(typed) -> None:
    with pytest.raises(contacts.InvalidAddress):
        contacts.normalise_mobile(typed)


@pytest.mark.parametrize("typed", ["", "aino", "aino@", "@example.fi", "aino@example", "a b@example.fi",
                                   "aino@example.fi\r\nBcc: x@y.fi", "<aino@example.fi>", "aino@@example.fi",
                                   "x" * 250 + "@example.fi", "aino..v@example.fi"])
def test_not_an_email_address(typed) -> None:
    with pytest.raises(contacts.InvalidAddress):
        contacts.normalise_email(typed)


def test_an_email_address_keeps_its_name_and_lowers_its_domain() -> None:
    assert contacts.normalise_email("  Aino.Virtanen@Example.FI ") == "Aino.Virtanen@example.fi"


# Tomorrow's reminder ---------------------------------------------------------

@pytest.fixture
def scheduled_client(engine, people):  # type: ignore[no-untyped-def]
    """A client of her own group that meets on Mondays, Wednesdays and Fridays,
    with a confirmed e-mail address and tomorrow's reminder on."""
    with transaction(engine) as session:
        verstas = factories.unit_id(engine, "Toimintakeskus Verstas")
        client = Person(given_name="Reetta", family_name="Muistaja", identity_code_hash="r" * 64,
                        identity_code_cipher="x")
        group = Group(unit_id=verstas, name="Muistutusryhmä")
        session.add_all([client, group])
        session.flush()
        session.add(GroupMember(group_id=group.id, person_id=client.id, starts_on=date(2026, 1, 1)))  # type: ignore[arg-type]
        for weekday in (0, 2, 4):
            session.add(GroupSlot(group_id=group.id, weekday=weekday, starts_at=time(9), ends_at=time(12),  # type: ignore[arg-type]
                                  activity="Puutyöt", place="Verstas", valid_from=date(2026, 1, 1)))
        session.add(ContactPoint(person_id=client.id, channel="email", address="reetta@example.fi",  # type: ignore[arg-type]
                                 confirmed_at=NOON - timedelta(days=30), language="fi"))
        preferences.set_one(session, person_id=client.id, client_id=client.id, category="tomorrow",  # type: ignore[arg-type]
                            enabled=True, now=NOON)
        return client.id, group.id


def reminders_at(engine, local: datetime, client: int) -> list[Notification]:  # type: ignore[no-untyped-def]
    with clock.moved_to(local), transaction(engine) as session:
        reminders.schedule_tomorrow(session, now=local.astimezone(UTC))
    return [row for row in all_rows(engine, category="tomorrow") if row.client_person_id == client]


def test_tomorrows_reminder_on_the_evening_before_across_the_october_clock_change(engine, scheduled_client) -> None:
    client, _group = scheduled_client
    # Thursday 28.10.2027 (summer time, UTC+3) before Friday.
    assert reminders_at(engine, clock.at_helsinki(date(2027, 10, 28), 17, 59), client) == []
    [friday] = reminders_at(engine, clock.at_helsinki(date(2027, 10, 28), 18, 5), client)
    assert friday.object_id == "2027-10-29" and friday.next_try_at == datetime(2027, 10, 28, 15, 5, tzinfo=UTC)
    assert friday.expires_at == datetime(2027, 10, 28, 18, 0, tzinfo=UTC)  # 21.00 summer time
    # Friday and Saturday evenings: nothing (no group on Saturday or Sunday).
    assert len(reminders_at(engine, clock.at_helsinki(date(2027, 10, 29), 19), client)) == 1
    assert len(reminders_at(engine, clock.at_helsinki(date(2027, 10, 30), 19), client)) == 1
    # Sunday 31.10.2027: the clocks went back at 4.00; the reminder for Monday comes at 18.00 winter time (UTC+2).
    assert len(reminders_at(engine, clock.at_helsinki(date(2027, 10, 31), 17, 59), client)) == 1
    monday = reminders_at(engine, datetime(2027, 10, 31, 16, 0, tzinfo=UTC), client)[-1]
    assert monday.object_id == "2027-11-01" and monday.next_try_at == datetime(2027, 10, 31, 16, 0, tzinfo=UTC)
    assert monday.expires_at == datetime(2027, 10, 31, 19, 0, tzinfo=UTC)
    # 21.00 and later: no reminder of tomorrow is made any more.
    assert len(reminders_at(engine, clock.at_helsinki(date(2027, 11, 2), 21, 0), client)) == 2


def test_no_reminder_before_a_holiday_an_absence_or_a_cancelled_day(engine, people, scheduled_client) -> None:
    client, group = scheduled_client
    # Wednesday 6.1.2027 is Epiphany; Wednesday 13.1. is not.
    assert reminders_at(engine, clock.at_helsinki(date(2027, 1, 5), 18), client) == []
    assert [row.object_id for row in reminders_at(engine, clock.at_helsinki(date(2027, 1, 12), 18), client)] == [
        "2027-01-13"]
    # Friday 15.1.: an absence reported. Monday 18.1.: the group's day cancelled.
    factories.add_absence(engine, person=client, starts_on=date(2027, 1, 15))
    with transaction(engine) as session:
        monday_slot = session.exec(select(GroupSlot.id).where(GroupSlot.group_id == group, GroupSlot.weekday == 0)).one()
        session.add(SlotChange(slot_id=monday_slot, on_date=date(2027, 1, 18), cancelled=True,
                               created_by_person_id=people[TIMO]))
    assert len(reminders_at(engine, clock.at_helsinki(date(2027, 1, 14), 18), client)) == 1
    assert len(reminders_at(engine, clock.at_helsinki(date(2027, 1, 17), 18), client)) == 1


def test_the_scheduler_running_twice_makes_one(engine, scheduled_client) -> None:
    client, _group = scheduled_client
    evening = clock.at_helsinki(date(2027, 1, 12), 18, 30)
    for _ in range(3):
        reminders_at(engine, evening, client)
    assert len(reminders_at(engine, evening, client)) == 1


def test_a_reminder_made_stale_by_an_absence_is_not_sent(engine, scheduled_client, context, inbox) -> None:
    client, _group = scheduled_client
    evening = clock.at_helsinki(date(2027, 1, 12), 18)
    [row] = reminders_at(engine, evening, client)
    factories.add_absence(engine, person=client, starts_on=date(2027, 1, 13))
    assert send(engine, context, evening + timedelta(minutes=1)).cancelled >= 1
    assert inbox.messages == [] or all(m["To"] != "reetta@example.fi" for m in inbox.messages)
    assert all_rows(engine, id=row.id)[0].outcome == "not_relevant"


def test_a_reminder_that_could_not_go_in_the_evening_is_not_sent_in_the_morning(engine, scheduled_client, context,
                                                                                inbox) -> None:
    client, _group = scheduled_client
    [row] = reminders_at(engine, clock.at_helsinki(date(2027, 1, 12), 20, 59), client)
    send(engine, context, clock.at_helsinki(date(2027, 1, 13), 8))
    assert all_rows(engine, id=row.id)[0].outcome == "expired" and inbox.messages == []


# "Uusi viesti" ----------------------------------------------------------------

def test_a_new_message_notifies_after_ten_minutes_and_only_while_unread(engine, people, context, inbox) -> None:
    read: set[tuple[int, int]] = set()
    real_check = outbox._checks.get(Category.NEW_MESSAGE.value)  # the messages area's
    outbox.register_unread_check(lambda session, *, message_id, person_id: (message_id, person_id) not in read)
    try:
        with transaction(engine) as session:
            outbox.notify_new_message(session, message_id=41, person_ids=[people[AINO]], now=NOON)
            outbox.notify_new_message(session, message_id=42, person_ids=[people[AINO]], now=NOON)
            outbox.notify_new_message(session, message_id=41, person_ids=[people[AINO]], now=NOON)  # saved twice: one
        assert len(all_rows(engine, category="new_message")) == 2
        assert send(engine, context, NOON + timedelta(minutes=9, seconds=59)).handled == 0
        read.add((42, people[AINO]))  # she read the second one meanwhile
        counts = send(engine, context, NOON + timedelta(minutes=10))
        assert (counts.sent, counts.cancelled) == (1, 1)
        [message] = inbox.messages
        assert "Sinulle on uusi viesti Oma työtoiminnassa." in message.get_body(("plain",)).get_content()
    finally:
        if real_check is not None:
            outbox.register_check(Category.NEW_MESSAGE.value, real_check)


def test_staff_answer_notifies_the_client_unless_she_reads_it_in_ten_minutes(app, engine, people, context, inbox) -> None:
    """The messages area and the outbox together: Sanna answers Aino's
    threads; Aino reads one answer within ten minutes, not the other."""
    from sqlmodel import select

    from portal.messages import threads
    from portal.messages.models import MessageThread

    from portal.messages import events

    outbox.register_unread_check(events._is_unread_by)  # the real check, not the stand-in
    sanna = factories.person_id(engine, app.state.vault, "300883-9617")
    with transaction(engine) as session:
        [first, second] = session.exec(select(MessageThread).where(MessageThread.client_person_id == people[AINO])
                                       .order_by(MessageThread.id).limit(2)).all()
        for thread in (first, second):
            threads.reply(session, thread=thread, author_person_id=sanna, from_staff=True, text="Kiitos, katsotaan.",
                          key=threads.new_key(), now=NOON)
    rows = all_rows(engine, category="new_message")
    assert {row.person_id for row in rows} >= {people[AINO]}
    with transaction(engine) as session:
        threads.mark_read(session, thread=session.get(MessageThread, first.id), person_id=people[AINO],
                          now=NOON + timedelta(minutes=3))
    counts = send(engine, context, NOON + timedelta(minutes=10))
    aino_rows = [row for row in all_rows(engine, category="new_message") if row.person_id == people[AINO]]
    assert sorted(row.state for row in aino_rows) == ["cancelled", "sent"]
    assert counts.sent >= 1
    assert all("Kiitos" not in message.get_body(("plain",)).get_content() for message in inbox.messages)


# Quiet hours -------------------------------------------------------------------

def test_nothing_goes_from_21_to_8_but_a_code_asked_for_now(engine, people, context, inbox) -> None:
    night = clock.at_helsinki(date(2026, 12, 9), 22, 30)
    with transaction(engine) as session:
        outbox.notify_new_message(session, message_id=5, person_ids=[people[AINO]], now=night)
        contacts.start(session, person_id=people[HELENA], channel="email", address="helena@example.fi",
                       language="fi", now=night, secret=SECRET)
    [row] = all_rows(engine, category="new_message")
    assert row.next_try_at == clock.at_helsinki(date(2026, 12, 10), 8).astimezone(UTC)
    assert send(engine, context, night + timedelta(minutes=1)).sent == 1  # the code
    assert [message["Subject"] for message in inbox.messages] == ["Vahvistuskoodi"]
    assert send(engine, context, clock.at_helsinki(date(2026, 12, 10), 7, 59)).handled == 0
    assert send(engine, context, clock.at_helsinki(date(2026, 12, 10), 8)).sent == 1
    # A retry that would fall in the night waits for the morning too.
    assert timing.after_quiet_hours(clock.at_helsinki(date(2026, 12, 10), 20, 59)) == clock.at_helsinki(
        date(2026, 12, 10), 20, 59)
    assert timing.after_quiet_hours(clock.at_helsinki(date(2026, 12, 10), 21)) == clock.at_helsinki(
        date(2026, 12, 11), 8).astimezone(UTC)
    assert timing.after_quiet_hours(clock.at_helsinki(date(2026, 12, 11), 0, 30)) == clock.at_helsinki(
        date(2026, 12, 11), 8).astimezone(UTC)


# Text messages: retries, parking, the killed sender ----------------------------

def mikko_reminder(engine, people, at: datetime = NOON) -> None:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        outbox.enqueue_for_clients(session, client_ids=[people[MIKKO]], category="tomorrow",
                                   object_id=(at.date() + timedelta(days=1)).isoformat(), now=at)
    outbox.register_check(Category.TOMORROW.value, lambda _session, _row: True)  # the demo's day is not the point


@pytest.fixture
def any_day():  # type: ignore[no-untyped-def]
    yield
    outbox.register_check(Category.TOMORROW.value, reminders._still_expected)


def test_a_gateway_that_fails_twice_then_takes_it_sends_it_once(engine, people, context, gateway, any_day) -> None:
    mikko_reminder(engine, people)
    gateway.fail_next = 2
    first = send(engine, context, NOON)
    [row] = all_rows(engine, category="tomorrow")
    assert (first.failed, row.state, row.attempts, row.outcome) == (1, "queued", 1, "sms_http_503")
    assert row.next_try_at == NOON + timedelta(minutes=1)
    assert send(engine, context, NOON + timedelta(seconds=59)).handled == 0  # backing off
    assert send(engine, context, NOON + timedelta(minutes=1)).failed == 1
    assert all_rows(engine, category="tomorrow")[0].next_try_at == NOON + timedelta(minutes=3)  # 2 minutes more
    assert send(engine, context, NOON + timedelta(minutes=3)).sent == 1
    assert len(gateway.requests) == 3 and len(gateway.accepted) == 1
    assert len({request["reference"] for request in gateway.requests}) == 1  # one reference on every try
    [accepted] = gateway.accepted
    assert accepted["to"] == "+358401234567" and accepted["from"] == "OmaTyo"
    assert gateway.requests[0]["authorization"].startswith("Basic ")
    assert texts.sms_segments(accepted["text"]).count == 1
    for word in personal_words(engine, people[MIKKO]):
        assert word not in accepted["text"]
    [row] = all_rows(engine, category="tomorrow")
    assert (row.state, row.attempts, row.provider_ref) == ("sent", 3, "gw-1")


def test_parked_after_n_failures_and_sent_again_by_an_admin(engine, people, context, gateway, any_day) -> None:
    mikko_reminder(engine, people)
    gateway.fail_next = timing.MAX_ATTEMPTS
    at = NOON
    for attempt in range(1, timing.MAX_ATTEMPTS + 1):
        counts = send(engine, context, at)
        assert (counts.failed, counts.parked) == ((1, 0) if attempt < timing.MAX_ATTEMPTS else (0, 1))
        at = timing.after_quiet_hours(at + timing.backoff(attempt))
    [row] = all_rows(engine, category="tomorrow")
    assert (row.state, row.attempts) == ("parked", timing.MAX_ATTEMPTS)
    assert send(engine, context, at + timedelta(days=1)).handled == 0  # parked stays parked
    with transaction(engine) as session:
        assert [parked.id for parked in outbox.parked(session)] == [row.id]
        assert outbox.retry(session, notification_id=row.id, now=at)  # type: ignore[arg-type]
        assert not outbox.retry(session, notification_id=row.id, now=at)  # type: ignore[arg-type]
    assert send(engine, context, max(at, timing.after_quiet_hours(at))).sent == 1


def test_a_refusal_for_good_parks_at_once(engine, people, context, gateway, any_day) -> None:
    mikko_reminder(engine, people)
    gateway.fail_next, gateway.fail_status = 1, 400
    assert send(engine, context, NOON).parked == 1
    assert all_rows(engine, category="tomorrow")[0].outcome == "sms_http_400"


def test_a_sender_killed_mid_batch_loses_nothing_and_sends_nothing_twice(engine, people, context, inbox) -> None:
    """A dead runner left its batch `sending`: after the lease any sender takes
    them again, each sent once. The documented edge: one the provider took
    just before the kill is sent again, with the same Message-ID."""
    with transaction(engine) as session:
        for message_id in range(1, 6):
            outbox.notify_new_message(session, message_id=message_id, person_ids=[people[AINO]], now=NOON)
    at = NOON + outbox.NEW_MESSAGE_DELAY
    with transaction(engine) as session:
        claimed = sender._claim(session, now=at, limit=3)  # the killed runner took three
        first = sender._prepare(session, claimed, context, at)
    with SmtpTransport(host="127.0.0.1", port=context.transports["email"].port, user="", password="",  # type: ignore[union-attr]
                       sender="Oma työtoiminta <ilmoitukset@esimerkkila.example>",
                       starttls=False).connection() as deliver:
        deliver(first[0])  # …and the provider took one before the kill; its row still says `sending`
    counts = send(engine, context, at + timedelta(seconds=1))
    assert counts.sent == 2  # the two not taken; the three `sending` wait for their lease
    assert {row.state for row in all_rows(engine, category="new_message")} == {"sent", "sending"}
    counts = send(engine, context, at + timing.LEASE)
    assert counts.sent == 3
    rows = all_rows(engine, category="new_message")
    assert [row.state for row in rows] == ["sent"] * 5
    assert {row.attempts for row in rows if row.id in {c.id for c in claimed}} == {2}
    ids = [message["Message-ID"] for message in inbox.messages]
    assert len(ids) == 6 and len(set(ids)) == 5  # five notifications; one repeat, same id
    assert ids.count(first[0] and ids[0]) == 2


def test_one_runner_at_a_time(engine, people, context) -> None:
    with sender.runner_lock(engine) as got:
        assert got
        assert sender.send_batch(engine, context, now=NOON) is None
    assert sender.send_batch(engine, context, now=NOON) is not None


def test_an_unconfigured_channel_parks_in_production_and_lands_in_the_outbox_in_development(engine, people) -> None:
    with transaction(engine) as session:
        outbox.notify_new_message(session, message_id=9, person_ids=[people[AINO]], now=NOON)
    production = sender.Context({"email": None, "sms": None}, BASE, SECRET)
    assert send(engine, production, NOON + outbox.NEW_MESSAGE_DELAY).parked == 1
    with transaction(engine) as session:
        outbox.retry(session, notification_id=all_rows(engine)[0].id, now=NOON)  # type: ignore[arg-type]
    development = sender.Context({"email": DevelopmentOutbox(), "sms": DevelopmentOutbox()}, BASE, SECRET)
    assert send(engine, development, NOON + outbox.NEW_MESSAGE_DELAY).sent == 1
    [row] = all_rows(engine)
    assert row.provider_ref == "development" and "Sinulle on uusi viesti" in row.body


# Who gets what -----------------------------------------------------------------

def test_a_delegate_gets_them_while_the_mandate_covers_it(engine, people, context, inbox) -> None:
    aino, helena = people[AINO], people[HELENA]
    with transaction(engine) as session:
        session.add(ContactPoint(person_id=helena, channel="email", address="helena@example.fi",
                                 confirmed_at=NOON, language="en"))
        for category in ("new_message", "assessment_due"):
            preferences.set_one(session, person_id=helena, client_id=aino, category=category, enabled=True, now=NOON)
        outbox.notify_new_message(session, message_id=3, person_ids=[aino], now=NOON)
    send(engine, context, NOON + outbox.NEW_MESSAGE_DELAY)
    assert sorted(message["To"] for message in inbox.messages) == ["aino.virtanen@example.fi", "helena@example.fi"]
    helenas = next(message for message in inbox.messages if message["To"] == "helena@example.fi")
    assert helenas["Content-Language"] == "en" and helenas["Subject"] == "New message"
    assert preferences.covers("view", "assessment_due") is False and preferences.covers("act", "assessment_due")
    # The mandate revoked: what waits for Helena is not sent.
    from portal.models import Mandate

    with transaction(engine) as session:
        for mandate in session.exec(select(Mandate).where(Mandate.agent_person_id == helena)).all():
            mandate.revoked_at = NOON
            session.add(mandate)
        outbox.notify_new_message(session, message_id=4, person_ids=[aino], now=NOON)
    inbox.clear()
    counts = send(engine, context, NOON + outbox.NEW_MESSAGE_DELAY)
    assert (counts.sent, counts.cancelled) == (1, 1)
    assert [message["To"] for message in inbox.messages] == ["aino.virtanen@example.fi"]
    assert all_rows(engine, person_id=helena)[-1].outcome == "no_mandate"


def test_a_due_self_assessment_once_per_occasion(engine, people, context, inbox) -> None:
    """The demo's three-month self-assessment is due for Aino, who wants to know."""
    with transaction(engine) as session:
        first = reminders.schedule_assessments(session, now=clock.now())
        again = reminders.schedule_assessments(session, now=clock.now())
    assert (first, again) == (1, 0)
    [row] = all_rows(engine, category="assessment_due")
    assert row.client_person_id == people[AINO] and row.object_id.startswith("follow_up:")


def test_the_money_notification_is_written_with_the_closing_or_not_at_all(engine, people) -> None:
    with pytest.raises(RuntimeError), clock.moved_to(NOON), transaction(engine) as session:
        month_report.close_month(session, unit_id=factories.unit_id(engine, "Toimintakeskus Verstas"),
                                 month=LAST_MONTH, by_person_id=people[TIMO], today=NOON.date())
        assert len(session.exec(select(Notification)).all()) == 1
        raise RuntimeError("the closing fails after it")
    assert all_rows(engine) == []


def test_the_accessibility_answer_is_really_emailed(engine, people, context, inbox) -> None:
    with transaction(engine) as session:
        feedback = AccessibilityFeedback(message="Nappi on pieni.", contact="anna@example.fi", language="sv")
        session.add(feedback)
        session.flush()
        accessibility.answer(session, feedback_id=feedback.id, text="Tack, vi har rättat knappen.",  # type: ignore[arg-type]
                             by_person_id=people[TIMO], now=NOON)
    assert send(engine, context, NOON).sent == 1
    [message] = inbox.messages
    assert message["To"] == "anna@example.fi" and message["Subject"] == "Svar på din respons om tillgänglighet"
    assert message["Content-Language"] == "sv" and "List-Unsubscribe" not in message
    assert "Tack, vi har rättat knappen." in message.get_body(("plain",)).get_content()


# The stop link ----------------------------------------------------------------

def test_a_stop_link_stops_once_and_refuses_forgeries(engine, people) -> None:
    with transaction(engine) as session:
        outbox.notify_new_message(session, message_id=1, person_ids=[people[AINO]], now=NOON)
        outbox.notify_new_message(session, message_id=2, person_ids=[people[AINO]], now=NOON)
    first, second = all_rows(engine)
    token = stop_links.token_for(SECRET, first)
    with transaction(engine) as session:
        assert stop_links.find(session, secret=SECRET, token=token) == stop_links.Found("ok", "new_message")
        assert preferences.is_on(session, person_id=people[AINO], client_id=people[AINO], category="new_message")
        other = stop_links.token_for(SECRET, second).split(".")[1]
        for forged in (f"{first.id}.{other}", token[:-1] + ("A" if token[-1] != "A" else "B"), "1", "x.y",
                       stop_links.token_for("another-secret", first), f"{10**30}.{token.split('.')[1]}"):
            assert stop_links.find(session, secret=SECRET, token=forged).status == "forged"
        assert stop_links.stop(session, secret=SECRET, token=token, now=NOON).status == "ok"
    with transaction(engine) as session:
        assert stop_links.stop(session, secret=SECRET, token=token, now=NOON).status == "used"
        assert not preferences.is_on(session, person_id=people[AINO], client_id=people[AINO], category="new_message")
        assert preferences.is_on(session, person_id=people[AINO], client_id=people[AINO], category="tomorrow")
    assert [row.state for row in all_rows(engine)] == ["cancelled", "cancelled"]  # what waited is not sent


# Texts ------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_text_message_fits_one_segment(language) -> None:
    row = Notification(id=123456789, key="k", category="tomorrow", channel="sms", person_id=1, client_person_id=1)
    stop = stop_links.url_for(BASE, SECRET, row)
    for category in ("tomorrow", "new_message", "assessment_due", "money_ready"):
        words = texts.render(category=category, channel="sms", language=language, base_url=BASE, stop_url=stop)
        segments = texts.sms_segments(words.text)
        assert (segments.encoding, segments.count) == ("gsm7", 1), (category, words.text, segments)
    code = texts.render(category="confirmation_code", channel="sms", language=language, base_url=BASE, body="123456")
    assert texts.sms_segments(code.text).count == 1 and "123456" in code.text


def test_sms_segment_lengths() -> None:
    assert texts.sms_segments("ä" * 160) == texts.Segments("gsm7", 160, 1)  # ä, ö and å are GSM 7-bit
    assert texts.sms_segments("ä" * 161).count == 2
    assert texts.sms_segments("€" * 80) == texts.Segments("gsm7", 160, 1)  # the euro takes two septets
    assert texts.sms_segments("š" * 70) == texts.Segments("ucs2", 70, 1)  # outside GSM: 70 a segment
    assert texts.sms_segments("š" * 71).count == 2
    assert texts.sms_segments("😀" * 35) == texts.Segments("ucs2", 70, 1)


# Settings and the command -------------------------------------------------------

def production(**changes: object):  # type: ignore[no-untyped-def]
    from portal.settings import Settings

    base = dict(environment="production", secret_key="s" * 32, identity_key="i" * 32, access_log_key="a" * 32,
                base_url="https://portal.example", client_oidc_discovery_url="https://idp.example/d",
                staff_oidc_discovery_url="https://idp.example/s", client_oidc_client_secret="c",
                staff_oidc_client_secret="c")
    return Settings(**{**base, **changes})  # type: ignore[arg-type]


def test_production_wants_starttls_a_sender_address_and_an_https_gateway() -> None:
    from portal.settings import SettingsError

    production().check()
    production(smtp_host="smtp.example", smtp_from="ilmoitukset@portal.example").check()
    for wrong in ({"smtp_host": "smtp.example", "smtp_from": "x@portal.example", "smtp_starttls": False},
                  {"smtp_host": "smtp.example"}, {"sms_url": "http://sms.example/send"}):
        with pytest.raises(SettingsError):
            production(**wrong).check()
    assert sender.channels_in_use(production()) == []  # nothing configured: nothing offered
    assert sender.channels_in_use(production(sms_url="https://sms.example/send")) == ["sms"]


def test_portal_notify_sends_and_lists_the_parked(engine, people, settings, monkeypatch, capsys) -> None:
    from portal.cli import main

    monkeypatch.setenv("PORTAL_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PORTAL_DATA_DIR", str(settings.data_dir))
    with transaction(engine) as session:
        outbox.notify_new_message(session, message_id=1, person_ids=[people[AINO]], now=NOON)
    factories.add_parked_notification(engine, person=people[MIKKO])
    with clock.moved_to(NOON + timedelta(minutes=11)):
        main(["notify"])
        done = capsys.readouterr().out
        assert re.search(r"Sent [12], to try again 0, parked 0", done), done  # and the demo's self-assessment
        main(["notify", "--parked"])
        listed = capsys.readouterr().out
    assert "tomorrow\temail\t8 tries\tsmtp_451" in listed and "1 parked." in listed
    assert "@" not in listed and "Mikko" not in listed


# The server's rounds ------------------------------------------------------------

def test_the_servers_loop_logs_a_failed_round_and_goes_on(caplog) -> None:
    """portal.periodic.every, the loop of the sealer and of the sender: a round
    that raises is logged and the next round runs; cancelling stops it."""
    import asyncio

    from portal import periodic

    rounds: list[int] = []
    waits: list[float] = []

    def work() -> None:
        rounds.append(len(rounds) + 1)
        if len(rounds) == 1:
            raise ConnectionError("the database went away")

    async def wait(seconds: float) -> None:  # the loop's pause, counted instead of slept
        waits.append(seconds)
        if len(waits) > 3:
            raise asyncio.CancelledError

    with caplog.at_level("ERROR", logger="portal.notifications"), pytest.raises(asyncio.CancelledError):
        asyncio.run(periodic.every(30, work, failed="sending notifications failed", logger="portal.notifications",
                                   wait=wait))
    assert rounds == [1, 2, 3] and waits == [30, 30, 30, 30]
    assert [record.getMessage() for record in caplog.records] == ["sending notifications failed"]


def test_the_servers_rounds_send_every_time_and_schedule_every_ten_minutes(engine, people, context, inbox) -> None:
    """runner.Runner, what the server's loop calls: each round sends what is
    due; the scheduler runs on the first round and then again only after ten
    minutes."""
    from portal.notifications import runner

    rounds = runner.Runner(engine, context)
    start = NOON + outbox.NEW_MESSAGE_DELAY
    with clock.moved_to(start):
        first = rounds()
    assert first.scheduled == reminders.Scheduled(0, 1)  # the demo's: Aino's self-assessment is due
    assert first.counts is not None and first.counts.sent == 1 and len(inbox.messages) == 1
    with transaction(engine) as session:
        session.exec(delete(Notification))  # type: ignore[call-overload]
        outbox.notify_new_message(session, message_id=1, person_ids=[people[AINO]], now=start)
    with clock.moved_to(start + timedelta(minutes=9, seconds=59)):
        within = rounds()
    assert within.scheduled == reminders.Scheduled(0, 0)  # not scheduled again yet
    assert within.counts is not None and within.counts.sent == 0
    with clock.moved_to(start + timedelta(minutes=10, seconds=1)):  # the moved clock runs on: a second past
        assert rounds().scheduled == reminders.Scheduled(0, 1)
    assert sorted(message["Subject"] for message in inbox.messages) == [  # the first round's, then this one's
        "Itsearviointi on ajankohtainen", "Itsearviointi on ajankohtainen", "Uusi viesti"]
    with sender.runner_lock(engine), clock.moved_to(start + timedelta(hours=1)):
        assert rounds().counts is None  # another runner at work: nothing done, tried again next round
    with clock.moved_to(start + timedelta(hours=1)):
        assert rounds().scheduled == reminders.Scheduled(0, 0)  # the one made an hour ago is still there


def test_old_sent_and_cancelled_notifications_are_forgotten_parked_ones_kept(engine, people) -> None:
    with transaction(engine) as session:
        for number in range(3):
            outbox.notify_new_message(session, message_id=number, person_ids=[people[AINO]], now=NOON)
    factories.add_parked_notification(engine, person=people[MIKKO])
    sent, cancelled, waiting = all_rows(engine, category="new_message")
    with transaction(engine) as session:
        for row, state in ((sent, State.SENT), (cancelled, State.CANCELLED)):
            session.get(Notification, row.id).state = state.value  # type: ignore[union-attr]
    last_try = NOON + outbox.NEW_MESSAGE_DELAY
    with transaction(engine) as session:  # a day short of the time kept: nothing goes
        assert outbox.forget_old(session, now=last_try + timedelta(days=179), keep_days=180) == 0
    with transaction(engine) as session:
        assert outbox.forget_old(session, now=last_try + timedelta(days=180, seconds=1), keep_days=180,
                                 limit=1) == 1  # at most `limit` a call
        assert outbox.forget_old(session, now=last_try + timedelta(days=180, seconds=1), keep_days=180) == 1
    left = {row.id: row.state for row in all_rows(engine)}
    assert sent.id not in left and cancelled.id not in left
    assert left[waiting.id] == State.QUEUED.value and State.PARKED.value in left.values()


def test_the_schedulers_statuses_of_many_clients_are_each_clients_own(engine, people) -> None:
    """overview.client_statuses (three reads a chunk) gives what client_status
    gives one client at a time, for every client of the demo on days around
    their periods, and across a chunk's edge."""
    from portal.assessment import overview
    from portal.models import ClientPeriod

    with Session(engine) as session:
        clients = sorted(set(session.exec(select(ClientPeriod.person_id)).all()))
        assert len(clients) >= 4
        states = set()
        for shift in (-60, 0, 20, 85, 95, 200, 400):
            day = NOON.date() + timedelta(days=shift)
            each = {person: overview.client_status(session, person_id=person, today=day) for person in clients}
            assert overview.client_statuses(session, person_ids=clients, today=day) == each
            states |= {status.state for status in each.values()}
        assert {"due", "done", "none"} <= states  # the comparison saw clients who differ
        chunk = overview.CHUNK
        try:
            overview.CHUNK = 3
            assert overview.client_statuses(session, person_ids=clients, today=day) == each
        finally:
            overview.CHUNK = chunk
