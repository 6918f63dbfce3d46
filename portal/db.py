"""Database engine and sessions: SQLite (WAL) by default, PostgreSQL by URL."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import anyio
from sqlalchemy import Row, Select, Table, event, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

T = TypeVar("T")

# Room for every transaction slot (settings.MAX_DATABASE_TRANSACTIONS), the
# long requests' slot, the sealer and the health check; more only for scripts that share the engine.
POOL_SIZE, POOL_OVERFLOW = 20, 10


def make_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        database = Path(url.database) if url.database and url.database != ":memory:" else None
        if database is not None:
            database.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15},
                               pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
        event.listen(engine, "connect", _sqlite_pragmas)
        _one_writer_at_a_time(engine, database)
        return engine
    # psycopg prepares a statement after five runs, and PostgreSQL may then
    # plan it once for any values. Planning every run instead (the whole
    # connection at plan_cache_mode=force_custom_plan) cost /home a fifth of
    # its throughput; the one read that needs it asks for it itself
    # (portal.access_log.processing, `custom_plans`).
    return create_engine(url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# A savepoint counts as a write: it opens SQLite's transaction, and a write
# after the reads that follow it fails at once if another writer committed
# in between (SQLITE_BUSY_SNAPSHOT). Savepoints only guard writes here.
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT")


def _one_writer_at_a_time(engine: Engine, database: Path | None) -> None:
    """SQLite lets one connection write at a time; the others retry in its
    busy handler with growing sleeps (up to 100 ms each), which is where p99
    spikes came from. Instead, a transaction takes the writer lock just before
    its first write (when the driver opens the write transaction) and gives it
    back at commit or rollback, so writers queue without sleeping. Reads never
    wait for it.

    The lock has two parts: this engine's thread lock, and an exclusive
    `flock` on a file next to the database, so that the worker processes of
    one instance (`--workers`) queue the same way. The kernel wakes the next
    writer when one lets go and frees the lock of a process that dies. Every
    write of the portal commits in the same thread call as the work that made
    it (`run`), so the file is held only while a write is under way.
    """
    lock = threading.Lock()
    writing: set[int] = set()  # DBAPI connections inside a write transaction
    dialect = engine.dialect
    lock_path = f"{database}-writer.lock" if database is not None else None
    held: list[int] = []  # the lock file's descriptor while a write is under way (touched only under `lock`)

    def before_execute(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        connection_id = id(cursor.connection)
        if connection_id not in writing and statement.lstrip()[:9].upper().startswith(_WRITES):
            # Bounded, like SQLite's own busy timeout: past it, SQLite's lock decides.
            if lock.acquire(timeout=15):
                writing.add(connection_id)
                if lock_path is not None:
                    _take_file_lock(lock_path, held)

    def ending(method: Callable[[Any], None]) -> Callable[[Any], None]:
        # The transaction may end in another thread than it began (the
        # request's transaction hops threads), so the lock is not per thread.
        def end(dbapi_connection: Any) -> None:
            raw = id(getattr(dbapi_connection, "dbapi_connection", dbapi_connection))  # the pool wraps it
            try:
                method(dbapi_connection)
            finally:
                if raw in writing:
                    writing.discard(raw)
                    while held:
                        os.close(held.pop())  # closing lets go of the flock
                    lock.release()

        return end

    event.listen(engine, "before_cursor_execute", before_execute)
    dialect.do_commit = ending(dialect.do_commit)  # type: ignore[method-assign]
    dialect.do_rollback = ending(dialect.do_rollback)  # type: ignore[method-assign]


def _take_file_lock(path: str, held: list[int]) -> None:
    """Wait for the instance-wide writer lock; without the file (a read-only
    folder), SQLite's own lock decides, as before."""
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return
    held.append(descriptor)
    fcntl.flock(descriptor, fcntl.LOCK_EX)  # only the thread holding the engine's thread lock waits here


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed whole, or rolled back whole."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def transaction_slots(app: Any, *, long: bool = False) -> anyio.Semaphore:
    """How many requests of this process may have a transaction open at once:
    PORTAL_DATABASE_TRANSACTIONS for ordinary pages (by default 1 on SQLite
    and 2 on PostgreSQL, see settings.transactions_for), and one more lane of
    its own for the long requests (reports, exports, imports), so a long
    request never holds up the pages people are waiting for.

    Every query leaves Python's global interpreter lock while the database
    works and must win it back afterwards. With every waiting request in a
    thread of its own (16 users: 16 threads), each of a page's queries waited
    behind all the others for the lock: measured on /home, 3.7 ms per query
    of which 0.13 ms was work. The other requests wait their turn in the
    event loop. The pool holds more connections than the slots, so a request
    with a slot never waits for one.
    """
    name = "long_transaction_slots" if long else "transaction_slots"
    slots = getattr(app.state, name, None)
    if slots is None:
        slots = anyio.Semaphore(1 if long else app.state.settings.database_transactions)
        setattr(app.state, name, slots)
    return slots


@asynccontextmanager
async def request_transaction(request: Request, *, long: bool = False) -> AsyncIterator[Session]:
    """The session for the rest of the request: the guard's checks begin its
    transaction and the page's first db.run commits it; whatever is still
    pending (a page without database work) is committed at the end. The
    request holds one of the process's transaction slots meanwhile (of the
    long lane for a long request)."""
    async with _slot(request.app, long=long):
        async with _request_session(request) as session:
            yield session


@asynccontextmanager
async def _slot(app: Any, *, long: bool = False) -> AsyncIterator[None]:
    """A transaction slot, its wait counted in the metrics."""
    started = time.perf_counter()
    async with transaction_slots(app, long=long):
        # Imported here, not with this module: `portal serve` chooses where
        # prometheus_client keeps its values before the first import.
        from portal.metrics import instruments

        instruments.slot_waited(long=long, seconds=time.perf_counter() - started)
        yield


@asynccontextmanager
async def _request_session(request: Request) -> AsyncIterator[Session]:
    session = Session(request.app.state.engine, expire_on_commit=False)
    request.state.db_session = session
    try:
        yield session
        if session.in_transaction() or session.dirty or session.new or session.deleted:
            await run_in_threadpool(session.commit)
    except BaseException:
        # close, not rollback: both end the transaction without its writes,
        # but a rollback would also expire the objects the guard loaded, and
        # the error page still shows the logged-in person's name.
        if session.in_transaction():
            await run_in_threadpool(session.close)
        raise
    finally:
        request.state.db_session = None
        if session.in_transaction():
            await run_in_threadpool(session.close)
        else:
            session.close()  # holds no connection: nothing to wait for


async def run(request: Request, work: Callable[..., T], /, **kwargs: Any) -> T:
    """Run one domain function off the event loop, in its own transaction.

    On a guarded route the first call continues the transaction the guard's
    checks began, so they and the page's work commit together. The commit is
    made in the same thread call as the work: a transaction never waits for
    the event loop (a template render, another request) while it holds
    SQLite's write lock.
    """
    shared: Session | None = getattr(request.state, "db_session", None)
    if shared is not None:

        def call_shared() -> T:
            try:
                result = work(shared, **kwargs)
                shared.commit()
                return result
            except BaseException:
                shared.rollback()
                raise

        return await run_in_threadpool(call_shared)
    engine: Engine = request.app.state.engine

    def call() -> T:
        with transaction(engine) as session:
            return work(session, **kwargs)

    async with _slot(request.app):
        return await run_in_threadpool(call)


def custom_plans(session: Session) -> None:
    """Plan this transaction's next statements on PostgreSQL for their own
    values, not with a generic plan kept for a prepared statement: for a read
    whose best index depends on the values (a partial index, a skewed column)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def table(model: type) -> Table:
    """A model's table, for reads built once with `rows`."""
    return model.__table__  # type: ignore[attr-defined,no-any-return]


def rows(session: Session, statement: Select[Any], /, **params: Any) -> list[Row[Any]]:
    """Run a read built once, at import, over tables (`table(Model)`), with
    its values as named bind parameters.

    For the reads every page view makes: building a select on each call cost
    more than running it (0.17 of 0.25 ms on SQLite), and loading ORM objects
    more again. The rows carry the model's column names as attributes, are
    read-only and are not tracked by the session; changes the session has not
    written yet are written first, as an ORM query would. (A row is a tuple:
    a column named `count` or `index` would read as the tuple's method; none
    of the tables read this way has one.)"""
    if session.new or session.dirty or session.deleted:
        session.flush()
    return list(session.connection().execute(statement, params).all())

