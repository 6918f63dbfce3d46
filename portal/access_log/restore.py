"""Restoring the database from a backup without losing the proof.

A backup holds the access log up to some seal N. After a restore, the
checkpoints written since (kept outside the database) name seals that are
no longer there, and verify must call that removal: it cannot tell an
operator from a tamperer. `portal access-log restored --checkpoint N` lets the
operator say it, with the key:

1. Checkpoint N must be a signed line of the checkpoint file, and the
   restored database's newest seal must be exactly that seal, with an intact
   chain up to it. Anything else is refused.
2. A `restored` event (object "database_restore", id "checkpoint-N") is
   appended, like any other event, with its MAC.
3. A signed restore line goes to the checkpoint file and the log stream:
   the seal restored to and the event that marks it. Its signature covers a
   tag of its own, so it can never pass for a checkpoint.
4. The events through the mark are sealed at once, so the mark is inside the
   chain, and its checkpoint follows the restore line.

Verify then reads every checkpoint line before a restore line that names a
seal after N as lost with that restore, names the restore in its report,
and checks everything else as before: the restore line's own signature, the
mark event and seal N in the database, and every later checkpoint.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from portal import clock
from portal.access_log.events import as_utc, record
from portal.access_log.keys import current_keys, mac
from portal.access_log.seals import append_checkpoint_line, checkpoint_signature, read_checkpoints, seal_pending
from portal.access_log.models import AccessEvent, AccessLogSeal

RESTORE_OBJECT = "database_restore"


class RestoreRefused(Exception):
    """The mark was not made; the message says why, for the operator."""


@dataclass(frozen=True)
class RestoreMark:
    seal_id: int  # the checkpoint restored to
    last_event_id: int
    seal_mac: str
    mark_event_id: int
    marked_at: str

    def body(self) -> dict[str, object]:
        return {"restored_to": {"seal_id": self.seal_id, "last_event_id": self.last_event_id, "mac": self.seal_mac},
                "mark_event_id": self.mark_event_id, "marked_at": self.marked_at}

    def signed_line(self) -> str:
        return json.dumps({**self.body(), "signature": restore_signature(self.body())}, separators=(",", ":"))

    @classmethod
    def from_line(cls, point: dict) -> RestoreMark:  # type: ignore[type-arg]
        restored = point["restored_to"]
        return cls(int(restored["seal_id"]), int(restored["last_event_id"]), str(restored["mac"]),
                   int(point["mark_event_id"]), str(point["marked_at"]))


def restore_signature(body: dict) -> str:  # type: ignore[type-arg]
    restored = body["restored_to"]
    fields = ["restore", restored["seal_id"], restored["last_event_id"], restored["mac"], body["mark_event_id"],
              body["marked_at"]]
    return mac(current_keys().checkpoint, json.dumps(fields, separators=(",", ":")))


def is_restore_line(point: dict) -> bool:  # type: ignore[type-arg]
    return "restored_to" in point


def signature_holds(point: dict) -> bool:  # type: ignore[type-arg]
    try:
        if is_restore_line(point):
            expected = restore_signature(point)
        else:
            expected = checkpoint_signature({name: point.get(name) for name in ("seal_id", "last_event_id", "mac", "sealed_at")})
    except (KeyError, TypeError):
        return False
    return hmac.compare_digest(expected, str(point.get("signature", "")))


def mark_restored(engine: Engine, *, checkpoint_path: Path, seal_id: int) -> tuple[RestoreMark, int]:
    """Record that the database was restored to checkpoint `seal_id`; returns
    the mark and how many seals were written. Run it with the portal stopped."""
    from portal.access_log.verify import verify_chain
    from portal.db import transaction

    lines = read_checkpoints(checkpoint_path)
    numbered = [(index, point) for index, point in enumerate(lines)
                if not is_restore_line(point) and point.get("seal_id") == seal_id]
    if not numbered:
        raise RestoreRefused(f"checkpoint {seal_id} is not in {checkpoint_path}")
    signed = [(index, point) for index, point in numbered if signature_holds(point)]
    if not signed:
        raise RestoreRefused(f"the line of checkpoint {seal_id} is not signed with this access-log key: "
                             "it was forged or changed, or the key is not the one that wrote it")
    with Session(engine) as session:
        newest = session.exec(select(AccessLogSeal).order_by(col(AccessLogSeal.id).desc()).limit(1)).first()
        intact = verify_chain(session)
    if not intact.ok:
        raise RestoreRefused(f"the restored database does not verify by itself: {intact.problem}")
    matching = [index for index, point in signed if newest is not None and newest.id == seal_id
                and point.get("mac") == newest.mac and point.get("last_event_id") == newest.last_event_id]
    if not matching:
        at = f"its newest seal is {newest.id}" if newest is not None else "it has no seal"
        raise RestoreRefused(f"the database is not at checkpoint {seal_id}: {at}")
    if matching[-1] == len(lines) - 1:
        raise RestoreRefused(f"no checkpoint follows checkpoint {seal_id}: nothing was lost, no mark is needed")
    assert newest is not None and newest.id is not None
    with transaction(engine) as session:
        event = record(session, action="restored", object_type=RESTORE_OBJECT, object_id=f"checkpoint-{seal_id}",
                       actor_role="operator", request_id="cli")
        session.flush()
        assert event.id is not None
        mark = RestoreMark(newest.id, newest.last_event_id, newest.mac, event.id,
                           as_utc(clock.now()).isoformat(timespec="microseconds"))
    append_checkpoint_line(checkpoint_path, mark.signed_line())
    return mark, seal_pending(engine, checkpoint_path=checkpoint_path, upto=mark.mark_event_id)


@dataclass(frozen=True)
class Restores:
    """What the restore lines of a checkpoint file explain."""

    lost: dict[int, int]  # line index of a checkpoint lost with a restore → that restore line's index
    marks: dict[int, RestoreMark]  # restore line index → its mark

    @classmethod
    def read(cls, lines: list[dict]) -> Restores:  # type: ignore[type-arg]
        """Only signed restore lines count: a forged one explains nothing."""
        marks = {index: RestoreMark.from_line(point) for index, point in enumerate(lines)
                 if is_restore_line(point) and signature_holds(point)}
        lost: dict[int, int] = {}
        for index, point in enumerate(lines):
            for restore_index, mark in marks.items():
                if restore_index <= index:
                    continue
                after_it = (marks[index].mark_event_id > mark.last_event_id if index in marks
                            else int(point.get("seal_id") or 0) > mark.seal_id)
                if after_it:
                    lost[index] = restore_index
                    break
        return cls(lost, marks)

    def describe(self, lines: list[dict]) -> list[str]:  # type: ignore[type-arg]
        described = []
        for restore_index, mark in self.marks.items():
            gone = [lines[index] for index, by in self.lost.items() if by == restore_index and index not in self.marks]
            seals = sorted(int(point["seal_id"]) for point in gone)
            events = max((int(point["last_event_id"]) for point in gone), default=mark.last_event_id)
            what = (f"checkpoints of seals {seals[0]}–{seals[-1]} (events {mark.last_event_id + 1}–{events}) "
                    "were lost with it" if seals else "no checkpoint was lost with it")
            described.append(f"the database was restored to checkpoint {mark.seal_id} (events up to "
                             f"{mark.last_event_id}), marked at {mark.marked_at} by event {mark.mark_event_id}; {what}")
        return described


def check_mark(session: Session, mark: RestoreMark, seals_by_id: dict[int, AccessLogSeal]) -> str:
    """'' when the database holds the restore the line describes, else what is wrong."""
    seal = seals_by_id.get(mark.seal_id)
    if seal is None or seal.mac != mark.seal_mac or seal.last_event_id != mark.last_event_id:
        return f"the seal {mark.seal_id} that a restore mark names is missing or changed"
    event = session.get(AccessEvent, mark.mark_event_id)
    if event is None or event.action != "restored" or event.object_type != RESTORE_OBJECT \
            or event.object_id != f"checkpoint-{mark.seal_id}":
        return f"the event {mark.mark_event_id} that marks the restore to checkpoint {mark.seal_id} is missing or changed"
    return ""
