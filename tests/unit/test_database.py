"""Migrations match the models, and the demo data loads once, deterministically."""

from __future__ import annotations

import functools

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import Session, SQLModel, func, select

from sqlalchemy import bindparam

from portal.db import rows, table, transaction
from tests.support.helpers import old_sqlite_database
from portal.demo import DEMO_PEOPLE, load_demo_data
from portal.demo.client_lists import EXTRA_CLIENTS
from portal.identity_code import IdentityCodeVault
from portal.models import AccessEvent, ClientPeriod, Organisation, Person, Service, StaffMembership, StaffRole, Unit


def test_migrations_create_exactly_the_models(engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_demo_data_has_every_service_and_role(engine, demo_data) -> None:
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Organisation)).one() == 1
        assert session.exec(select(func.count()).select_from(Unit)).one() == 2
        services = set(session.exec(select(ClientPeriod.service)).all())
        roles = set(session.exec(select(StaffMembership.role)).all())
        people = session.exec(select(Person)).all()
    assert services == {service.value for service in Service}
    assert roles == {role.value for role in StaffRole}
    assert len(people) == len(DEMO_PEOPLE) + EXTRA_CLIENTS + 1  # and Kalle, whose mandate waits for his first login


def test_identity_codes_are_stored_encrypted(engine, settings, demo_data) -> None:
    vault = IdentityCodeVault(settings.identity_key)
    with Session(engine) as session:
        aino = session.exec(
            select(Person).where(Person.identity_code_hash == vault.lookup_hash("010280-952L"))
        ).one()
    assert aino.given_name == "Aino"
    assert "010280" not in aino.identity_code_cipher
    assert vault.decrypt(aino.identity_code_cipher) == "010280-952L"


def test_demo_data_loads_only_once(engine, settings, demo_data) -> None:
    with transaction(engine) as session:
        assert load_demo_data(session, vault=IdentityCodeVault(settings.identity_key)) is False


def test_failed_transaction_stores_nothing(engine) -> None:
    try:
        with transaction(engine) as session:
            session.add(Organisation(name="Kesken jäänyt"))
            session.flush()
            raise RuntimeError("interrupted")
    except RuntimeError:
        pass
    with Session(engine) as session:
        assert session.exec(select(Organisation)).all() == []


def test_migration_0005_keys_existing_events_and_goes_back(tmp_path) -> None:
    """Events written before 0005 get a uid and a MAC and then verify; the
    downgrade brings back the old columns."""
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import inspect, text

    from portal.access_log import verify_chain

    engine, migrate = old_sqlite_database(tmp_path / "old.sqlite3")

    migrate(command.upgrade, "0004")
    with engine.begin() as connection:
        for number in range(3):
            connection.execute(
                text("INSERT INTO accessevent (occurred_at, actor_role, action, object_type, object_id, request_id,"
                     " ip_address, previous_hash, row_hash) VALUES (:at, 'instructor', 'read', 'client_start_page',"
                     " :object_id, '', '', :previous, :hash)"),
                {"at": datetime(2026, 11, 1, 12, number, tzinfo=UTC).isoformat(sep=" "), "object_id": str(number),
                 "previous": str(number).zfill(64), "hash": str(number + 1).zfill(64)},
            )
    migrate(command.upgrade, "head")
    with Session(engine) as session:
        result = verify_chain(session)
    assert (result.ok, result.checked) == (True, 3)
    migrate(command.downgrade, "0004")
    columns = {column["name"] for column in inspect(engine).get_columns("accessevent")}
    assert {"previous_hash", "row_hash"} <= columns and "mac" not in columns
    engine.dispose()


def errors_in_threads(works) -> list[BaseException]:  # type: ignore[no-untyped-def]
    """Run each function in a thread of its own, all at once; what they raised."""
    import threading

    errors: list[BaseException] = []

    def guarded(work) -> None:  # type: ignore[no-untyped-def]
        try:
            work()
        except BaseException as error:  # reported to the test
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_sqlite_writers_queue_in_the_process_not_in_sqlites_busy_loop(tmp_path) -> None:
    """With SQLite's busy timeout at zero, any writer that met another's lock
    inside SQLite would fail at once ("database is locked"). The process's
    writer lock makes them wait their turn instead: every write lands."""
    from sqlalchemy import event

    from portal import access_log
    from portal.db import make_engine
    from portal.migrate import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'busy.sqlite3'}")
    upgrade(engine)
    event.listen(engine, "connect", lambda connection, _record: connection.execute("PRAGMA busy_timeout = 0"))
    engine.dispose()  # new connections get the zero timeout

    def write() -> None:
        for _ in range(25):
            with transaction(engine) as session:
                session.exec(select(func.count()).select_from(Organisation)).one()  # a read first, as pages do
                access_log.record(session, action="read", object_type="client_start_page")

    assert errors_in_threads([write] * 8) == []
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(AccessEvent)).one() == 200
    engine.dispose()


def test_sqlite_a_savepoint_waits_for_the_writer_lock_before_its_reads(tmp_path) -> None:
    """A savepoint opens SQLite's transaction, and its reads fix what the
    transaction sees; a write after another writer committed in between fails
    at once (SQLITE_BUSY_SNAPSHOT: no busy timeout helps). So a savepoint
    takes the writer lock, as a first write does: the message form's rate
    limit (a savepoint, reads, then writes) raced the access-log sealer so."""
    from portal import access_log
    from portal.db import make_engine
    from portal.migrate import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'savepoint.sqlite3'}")
    upgrade(engine)

    def counted_write() -> None:  # the shape of threads.allowed and rate_limit.allow
        for _ in range(25):
            with transaction(engine) as session:
                savepoint = session.begin_nested()
                session.exec(select(func.count()).select_from(AccessEvent)).one()
                access_log.record(session, action="read", object_type="client_start_page")
                savepoint.commit()

    def plain_write() -> None:  # the sealer's shape: no savepoint
        for _ in range(25):
            with transaction(engine) as session:
                access_log.record(session, action="read", object_type="client_start_page")

    assert errors_in_threads([counted_write, plain_write] * 4) == []
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(AccessEvent)).one() == 200
    engine.dispose()


def test_sqlite_writers_of_two_processes_queue_without_sqlites_busy_loop(tmp_path) -> None:
    """The worker processes of one instance (`--workers`) share the SQLite
    file. Two engines stand for two processes here: each has its own thread
    lock and opens the lock file itself, so only the file lock can keep their
    writers apart. With SQLite's busy timeout at zero, a writer that met the
    other engine's write inside SQLite would fail at once; every write lands."""
    from sqlalchemy import event

    from portal import access_log
    from portal.db import make_engine
    from portal.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'two.sqlite3'}"
    engines = [make_engine(url), make_engine(url)]
    upgrade(engines[0])
    for engine in engines:
        event.listen(engine, "connect", lambda connection, _record: connection.execute("PRAGMA busy_timeout = 0"))
        engine.dispose()

    def write(engine) -> None:  # type: ignore[no-untyped-def]
        for _ in range(40):
            with transaction(engine) as session:
                session.exec(select(func.count()).select_from(Organisation)).one()
                access_log.record(session, action="read", object_type="client_start_page")

    assert errors_in_threads([functools.partial(write, engines[number % 2]) for number in range(6)]) == []
    with Session(engines[0]) as session:
        assert session.exec(select(func.count()).select_from(AccessEvent)).one() == 240
    assert (tmp_path / "two.sqlite3-writer.lock").exists()
    for engine in engines:
        engine.dispose()


def test_a_process_has_at_most_its_transaction_slots_open_at_once(engine) -> None:
    """Requests beyond PORTAL_DATABASE_TRANSACTIONS wait their turn in the event
    loop, not in a thread of their own; each still gets its work done."""
    import threading
    from types import SimpleNamespace

    import anyio
    from anyio.lowlevel import checkpoint

    from portal import db
    from portal.settings import Settings

    app = SimpleNamespace(state=SimpleNamespace(engine=engine, settings=Settings(database_transactions=2)))
    release = threading.Event()
    lock = threading.Lock()
    inside = {"now": 0, "most": 0, "done": 0}

    def work(session: Session) -> int:
        with lock:
            inside["now"] += 1
            inside["most"] = max(inside["most"], inside["now"])
        assert release.wait(timeout=30), "the test never let the work finish"
        result = session.exec(select(func.count()).select_from(Person)).one()
        with lock:
            inside["now"] -= 1
            inside["done"] += 1
        return result

    async def main() -> None:
        slots = db.transaction_slots(app)
        async with anyio.create_task_group() as tasks:
            for _ in range(6):
                tasks.start_soon(db.run, SimpleNamespace(app=app, state=SimpleNamespace()), work)
            # Until two are inside their work, the other four wait for a slot
            # (without the slots all six would be inside, and this would time out).
            with anyio.fail_after(20):
                while slots.statistics().tasks_waiting < 4 or inside["now"] < 2:
                    await checkpoint()
                    await anyio.to_thread.run_sync(lambda: None)  # let the worker threads run
            assert inside["now"] == 2 and slots.value == 0
            release.set()
        assert inside == {"now": 0, "most": 2, "done": 6}

    anyio.run(main)


def test_a_long_request_does_not_hold_up_the_ordinary_pages(engine) -> None:
    """A report, export or import works in a lane of its own: while one is
    inside its transaction, an ordinary page still gets a slot and its work
    done, with one ordinary slot (the default)."""
    from types import SimpleNamespace

    import anyio

    from portal import db
    from portal.settings import Settings

    app = SimpleNamespace(state=SimpleNamespace(engine=engine, settings=Settings(database_transactions=1)))

    def count(session: Session) -> int:
        return session.exec(select(func.count()).select_from(Person)).one()

    async def main() -> None:
        inside, release = anyio.Event(), anyio.Event()

        async def long_request() -> None:
            async with db.transaction_slots(app, long=True):
                inside.set()
                await release.wait()

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(long_request)
            await inside.wait()
            with anyio.fail_after(20):  # with one shared lane this would wait for the release, and time out
                assert await db.run(SimpleNamespace(app=app, state=SimpleNamespace()), count) >= 0
            assert db.transaction_slots(app, long=True).value == 0  # the long one is still inside
            release.set()

    anyio.run(main)


def test_the_reports_exports_and_imports_work_in_the_long_lane() -> None:
    from portal.app import create_app

    app = create_app()
    long = {route.name for route in app.routes if getattr(getattr(route, "endpoint", None), "access", None)
            and route.endpoint.access.long}
    assert long == {"staff_import", "staff_money_report", "staff_money_csv", "staff_close_month", "staff_followup",
                    "staff_followup_csv", "client_my_data", "client_my_data_json"}


def test_ordinary_slots_follow_the_database_unless_set() -> None:
    """SQLite works in the process: one thread at a time. PostgreSQL works in
    its own process: a second request runs while the first waits for it."""
    from portal.settings import Settings

    assert Settings(database_url="sqlite:///var/portal.sqlite3").database_transactions == 1
    assert Settings(database_url="postgresql+psycopg://postgres@127.0.0.1/test").database_transactions == 2
    environment = {"PORTAL_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1/test"}
    assert Settings.from_environment(environment).database_transactions == 2
    assert Settings.from_environment({**environment, "PORTAL_DATABASE_TRANSACTIONS": "3"}).database_transactions == 3


def test_transaction_slots_are_bounded_by_the_pool() -> None:
    import pytest

    from portal.db import POOL_SIZE
    from portal.settings import MAX_DATABASE_TRANSACTIONS, Settings, SettingsError

    assert MAX_DATABASE_TRANSACTIONS < POOL_SIZE  # the sealer and the health check have room too
    for wrong in (0, MAX_DATABASE_TRANSACTIONS + 1):
        with pytest.raises(SettingsError, match="PORTAL_DATABASE_TRANSACTIONS"):
            Settings(database_transactions=wrong).check()


def test_a_read_built_once_sees_what_the_transaction_has_not_written_yet(engine) -> None:
    """db.rows runs a Core statement on the connection, past the ORM's
    autoflush: it writes the session's pending changes first itself."""
    people = table(Person)
    by_name = select(people.c.given_name).where(people.c.family_name == bindparam("family_name"))
    with transaction(engine) as session:
        session.add(Person(given_name="Veera", family_name="Vasta-Lisätty", identity_code_hash="h" * 64,
                           identity_code_cipher="c"))
        assert [row.given_name for row in rows(session, by_name, family_name="Vasta-Lisätty")] == ["Veera"]
        session.rollback()
    with transaction(engine) as session:
        assert rows(session, by_name, family_name="Vasta-Lisätty") == []


def test_postgresql_plans_for_the_values_only_where_a_read_asks_for_it(engine) -> None:
    """A connection keeps PostgreSQL's default plan cache (plans kept for
    prepared statements: planning every statement cost /home a fifth of its
    throughput). The access-log read asks for plans made for its values, for
    its own transaction only: with a kept generic plan it missed its partial
    index (0.2 ms became 12 ms at 1,000,000 log rows)."""
    from sqlalchemy import text

    from portal.access_log import processed_by_others, two_years_before

    def plan_mode(session: Session) -> str | None:
        if engine.dialect.name != "postgresql":
            return None
        return session.execute(text("SHOW plan_cache_mode")).scalar_one()

    with transaction(engine) as session:
        assert plan_mode(session) in (None, "auto")
        page = processed_by_others(session, subject_person_id=1, since=two_years_before())
        assert page.entries == [] and page.next_before is None
        assert plan_mode(session) in (None, "force_custom_plan")
    with transaction(engine) as session:
        assert plan_mode(session) in (None, "auto")
