"""`portal access-log verify`: recompute every MAC, the seal chain and the
checkpoints, and name the first place where they do not hold."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from portal.access_log.events import MAC_FIELDS, event_mac
from portal.access_log.restore import Restores, check_mark, signature_holds
from portal.access_log.seals import GENESIS_MAC, digest_line, read_checkpoints, seal_mac
from portal.access_log.models import AccessEvent, AccessEventSubject, AccessLogSeal


@dataclass(frozen=True)
class ChainVerification:
    ok: bool
    checked: int  # events whose MAC was checked
    first_broken_id: int | None = None  # an event id, when the problem is one event
    problem: str = ""  # for people: what was wrong and where, never any logged data
    sealed: int = 0  # events inside seals
    seals: int = 0
    checkpoints: int = 0
    # Restores marked with `portal access-log restored`, and what each explains.
    restores: tuple[str, ...] = ()


def _subjects(session: Session) -> Iterator[tuple[int, int]]:
    """(event_id, person_id) in event order, to walk beside the events."""
    yield from session.exec(
        select(AccessEventSubject.event_id, AccessEventSubject.person_id)
        .order_by(col(AccessEventSubject.event_id), col(AccessEventSubject.person_id))
        .execution_options(yield_per=5000)
    )  # type: ignore[misc]


def verify_chain(session: Session, *, checkpoints: Path | None = None) -> ChainVerification:
    seals = list(session.exec(select(AccessLogSeal).order_by(col(AccessLogSeal.last_event_id))))
    columns = [col(AccessEvent.id), col(AccessEvent.mac)] + [getattr(AccessEvent, name) for name in MAC_FIELDS]
    events = session.exec(select(*columns).order_by(col(AccessEvent.id)).execution_options(yield_per=5000))
    subjects = _subjects(session)
    pending_subject = next(subjects, None)

    checked = sealed = 0
    seal_index = 0
    previous_mac, expected_first = GENESIS_MAC, 1
    digest, count = hashlib.sha256(), 0

    def fail(problem: str, event_id: int | None = None) -> ChainVerification:
        return ChainVerification(False, checked, event_id, problem, sealed, seal_index, 0)

    def close_seal(seal: AccessLogSeal) -> str:
        """'' when the seal holds, else what is wrong with it."""
        where = f"seal {seal.id} (events {seal.first_event_id}–{seal.last_event_id})"
        if seal.previous_mac != previous_mac or seal.first_event_id != expected_first:
            return f"{where} does not follow the seal before it: a seal was removed or replaced"
        expected = seal_mac(previous_mac=seal.previous_mac, first_event_id=seal.first_event_id,
                            last_event_id=seal.last_event_id, event_count=seal.event_count,
                            events_digest=seal.events_digest, sealed_at=seal.sealed_at)
        if not hmac.compare_digest(expected, seal.mac):
            return f"{where} was changed or forged"
        if count != seal.event_count or digest.hexdigest() != seal.events_digest:
            return f"{where}: events were removed from it or added to it"
        return ""

    def close_seals_before(event_id: int | None) -> str:
        """Close, in order, the seals that end before this event (every one left
        for None); '' when they hold, else the first problem."""
        nonlocal previous_mac, expected_first, digest, count, seal_index
        while seal_index < len(seals) and (event_id is None or seals[seal_index].last_event_id < event_id):
            seal = seals[seal_index]
            if problem := close_seal(seal):
                return problem
            previous_mac, expected_first = seal.mac, seal.last_event_id + 1
            digest, count = hashlib.sha256(), 0
            seal_index += 1
        return ""

    for row in events:
        fields = row._mapping
        event_id = fields["id"]
        if problem := close_seals_before(event_id):
            return fail(problem)
        subject_ids = []
        while pending_subject is not None and pending_subject[0] <= event_id:
            if pending_subject[0] < event_id:
                return fail(f"a list row points at event {pending_subject[0]}, which is missing", pending_subject[0])
            subject_ids.append(pending_subject[1])
            pending_subject = next(subjects, None)
        if len(subject_ids) != fields["subject_count"] or not hmac.compare_digest(
            event_mac(fields, subject_ids), fields["mac"]
        ):
            return fail(f"event {event_id} was changed after it was written, or forged", event_id)
        if seal_index < len(seals):
            digest.update(digest_line(event_id, fields["mac"]))
            count += 1
            sealed += 1
        checked += 1
    if pending_subject is not None:
        return fail(f"a list row points at event {pending_subject[0]}, which is missing", pending_subject[0])
    if problem := close_seals_before(None):
        return fail(problem)

    copied = session.exec(
        select(AccessEvent.uid).group_by(col(AccessEvent.uid)).having(func.count() > 1).limit(1)
    ).first()
    if copied is not None:
        return fail("an event appears twice (a copied row)")

    checked_points = 0
    restores: list[str] = []
    if checkpoints is not None:
        by_id = {seal.id: seal for seal in seals}
        lines = read_checkpoints(checkpoints)
        explained = Restores.read(lines)
        for index, point in enumerate(lines):
            number = index + 1
            if not signature_holds(point):
                return fail(f"checkpoint line {number} has a wrong signature")
            if index in explained.lost:  # gone with a restore that a later line marks
                continue
            if index in explained.marks:
                if problem := check_mark(session, explained.marks[index], by_id):  # type: ignore[arg-type]
                    return fail(f"restore mark on checkpoint line {number}: {problem}")
                continue
            body = {name: point.get(name) for name in ("seal_id", "last_event_id", "mac", "sealed_at")}
            seal = by_id.get(body["seal_id"])
            if seal is None or seal.mac != body["mac"] or seal.last_event_id != body["last_event_id"]:
                return fail(f"seal {body['seal_id']} of checkpoint line {number} (events up to "
                            f"{body['last_event_id']}) is missing or changed: events or seals were removed")
            checked_points += 1
        restores = explained.describe(lines)
    return ChainVerification(True, checked, None, "", sealed, seal_index, checked_points, tuple(restores))
