"""Sealing: binding appended events into a keyed chain, in batches.

Page views only append. Every few seconds the sealer takes the events after
the last seal, in id order, and writes one AccessLogSeal whose MAC covers the
previous seal's MAC, the id range, the count and a digest of the events'
MACs. Only sealers wait for each other (an advisory lock on PostgreSQL, the
unique previous_mac everywhere); page views never take that lock.

After each seal a signed checkpoint (seal id, last event id, MAC) goes to a
file outside the database and to the log stream, so removing seals and
events from the end is found too.

Events younger than GRACE are left for the next round. On PostgreSQL an id
is handed out before its transaction commits; waiting GRACE past the start of
every still-open writing transaction means no lower id can appear later in a
range already sealed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from portal import clock
from portal.access_log.events import as_utc
from portal.access_log.keys import current_keys, mac
from portal.access_log.models import AccessEvent, AccessLogSeal

GENESIS_MAC = "0" * 64  # the "previous MAC" of the first seal
GRACE = timedelta(seconds=1)
BATCH = 5000  # events per seal at most
SEALER_LOCK = 7_703_2023  # pg_advisory_xact_lock key: sealers only

log = logging.getLogger("portal.access_log")


def digest_line(event_id: int, event_mac: str) -> bytes:
    return f"{event_id}:{event_mac}\n".encode()


def seal_mac(*, previous_mac: str, first_event_id: int, last_event_id: int, event_count: int,
             events_digest: str, sealed_at: datetime, key: bytes | None = None) -> str:
    canonical = json.dumps(
        [previous_mac, first_event_id, last_event_id, event_count, events_digest,
         as_utc(sealed_at).isoformat(timespec="microseconds")],
        separators=(",", ":"),
    )
    return mac(key or current_keys().seal, canonical)


@dataclass(frozen=True)
class Checkpoint:
    seal_id: int
    last_event_id: int
    mac: str
    sealed_at: str

    def signed_line(self) -> str:
        body = {"seal_id": self.seal_id, "last_event_id": self.last_event_id, "mac": self.mac,
                "sealed_at": self.sealed_at}
        return json.dumps({**body, "signature": checkpoint_signature(body)}, separators=(",", ":"))


def checkpoint_signature(body: dict) -> str:
    fields = [body["seal_id"], body["last_event_id"], body["mac"], body["sealed_at"]]
    return mac(current_keys().checkpoint, json.dumps(fields, separators=(",", ":")))


def _horizon(session: Session, now: datetime) -> datetime:
    """Events that occurred before this may be sealed."""
    cutoff = now - GRACE
    if session.get_bind().dialect.name == "postgresql":
        # The oldest other transaction that has written something and is still open.
        oldest = session.exec(text(  # type: ignore[call-overload]
            "SELECT min(xact_start) FROM pg_stat_activity"
            " WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid() AND datname = current_database()"
        )).scalar()
        if oldest is not None:
            cutoff = min(cutoff, as_utc(oldest) - GRACE)
    return cutoff


def seal_once(session: Session, *, now: datetime | None = None, batch: int = BATCH,
              upto: int | None = None) -> tuple[Checkpoint | None, int | None]:
    """Seal the next batch of settled events. Returns the checkpoint (None when
    there was nothing to seal) and the last settled id, which a caller sealing
    a backlog passes back so the horizon is found once, not per batch."""
    now = (now or clock.now()).astimezone(UTC)
    if session.get_bind().dialect.name == "postgresql":
        session.exec(text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=SEALER_LOCK))  # type: ignore[call-overload]
    last = session.exec(select(AccessLogSeal).order_by(col(AccessLogSeal.id).desc()).limit(1)).first()
    after_id, previous_mac = (last.last_event_id, last.mac) if last else (0, GENESIS_MAC)
    if upto is None:
        upto = session.exec(
            select(func.max(AccessEvent.id)).where(col(AccessEvent.id) > after_id,
                                                   col(AccessEvent.occurred_at) < _horizon(session, now))
        ).one()
    if upto is None or upto <= after_id:
        return None, upto
    rows = session.exec(
        select(AccessEvent.id, AccessEvent.mac)
        .where(col(AccessEvent.id) > after_id, col(AccessEvent.id) <= upto)
        .order_by(col(AccessEvent.id))
        .limit(batch)
    ).all()
    digest = hashlib.sha256()
    for event_id, event_mac in rows:
        digest.update(digest_line(event_id, event_mac))  # type: ignore[arg-type]
    last_event_id = rows[-1][0] if len(rows) == batch else upto
    seal = AccessLogSeal(
        sealed_at=now, first_event_id=after_id + 1, last_event_id=last_event_id,  # type: ignore[arg-type]
        event_count=len(rows), events_digest=digest.hexdigest(), previous_mac=previous_mac, mac="",
    )
    seal.mac = seal_mac(previous_mac=previous_mac, first_event_id=seal.first_event_id,
                        last_event_id=last_event_id, event_count=seal.event_count,  # type: ignore[arg-type]
                        events_digest=seal.events_digest, sealed_at=now)
    session.add(seal)
    session.flush()
    checkpoint = Checkpoint(seal.id, last_event_id, seal.mac, as_utc(now).isoformat(timespec="microseconds"))  # type: ignore[arg-type]
    return checkpoint, upto


def seal_pending(engine: Engine, *, checkpoint_path: Path | None, now: datetime | None = None,
                 batch: int = BATCH, upto: int | None = None) -> int:
    """Seal everything settled, one transaction per batch; write a checkpoint
    after each commit. Returns how many seals were written. `upto` seals
    through that event id without waiting for it to settle: only for a
    command run while no server writes (portal.access_log.restore)."""
    from portal.db import transaction

    written = 0
    while True:
        try:
            with transaction(engine) as session:
                checkpoint, upto = seal_once(session, now=now, batch=batch, upto=upto)
        except IntegrityError:
            return written  # another process sealed the same batch first: its turn
        if checkpoint is None:
            return written
        written += 1
        append_checkpoint_line(checkpoint_path, checkpoint.signed_line())


def append_checkpoint_line(checkpoint_path: Path | None, line: str) -> None:
    """To the log stream, and to the checkpoint file when there is one."""
    log.info("access log checkpoint %s", line)
    if checkpoint_path is not None:
        checkpoint_path.parent.mkdir(parents=True, exist_ok=True)
        with checkpoint_path.open("a", encoding="utf-8") as file:
            file.write(line + "\n")


def read_checkpoints(path: Path) -> list[dict]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]
