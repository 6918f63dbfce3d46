"""`portal backup FILE`: a consistent copy of a SQLite database while the
portal runs, with SQLite's online backup API. (PostgreSQL has pg_dump and
pg_restore for this; see the README, "Backup and restore".)"""

from __future__ import annotations

import os
import secrets
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select

from portal.db import make_engine
from portal.models import AccessLogSeal


class BackupRefused(Exception):
    pass


def sqlite_path(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupRefused("this command backs up a SQLite database; for PostgreSQL use pg_dump (README, "
                            "\"Backup and restore\")")
    if not url.database or url.database == ":memory:":
        raise BackupRefused("the database is not a file")
    return Path(url.database)


def back_up(database_url: str, target: Path) -> AccessLogSeal | None:
    """Copy the database to `target` (never over an existing file); returns
    the copy's newest access-log seal, which a restore names as its checkpoint."""
    source = sqlite_path(database_url)
    if not source.exists():
        raise BackupRefused(f"{source} does not exist")
    if target.exists():
        raise BackupRefused(f"{target} exists already; choose a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    draft = target.with_name(f".{target.name}.{secrets.token_hex(8)}")
    try:
        with sqlite3.connect(source) as reading, sqlite3.connect(draft) as writing:
            # Page by page; writers may go on meanwhile, and the copy is one
            # consistent moment of the database.
            reading.backup(writing)
        reading.close()
        writing.close()
        os.link(draft, target)  # never replaces a file that appeared meanwhile
    except FileExistsError:
        raise BackupRefused(f"{target} exists already; choose a new file") from None
    finally:
        draft.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{target}")
    try:
        with Session(engine) as session:
            return session.exec(select(AccessLogSeal).order_by(col(AccessLogSeal.id).desc()).limit(1)).first()
    finally:
        engine.dispose()
