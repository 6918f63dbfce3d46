"""Every query of a list uses an index: run some work, capture its SELECTs,
and ask the database for each one's plan (EXPLAIN on PostgreSQL with
sequential scans off, EXPLAIN QUERY PLAN on SQLite). A full scan of one of
the tables that grow is a problem."""

from __future__ import annotations

from sqlalchemy import event

from portal.db import transaction

BIG_TABLES = ("person", "clientperiod", "accessevent", "accesseventsubject", "mandate")


def captured_selects(engine, work) -> list[tuple[str, object]]:  # type: ignore[no-untyped-def]
    statements: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with transaction(engine) as session:
            work(session)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert statements
    return statements


def full_scans(engine, statements, tables=None) -> list[str]:  # type: ignore[no-untyped-def]
    """`tables`: the tables not to scan whole (BIG_TABLES when not given)."""
    problems, tables = [], tables or BIG_TABLES
    with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:  # tiny test tables: ask whether an index *can* answer, not whether it is cheaper
            connection.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in statements:
            prefix = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            plan = [" ".join(str(part) for part in row) for row in connection.exec_driver_sql(prefix + statement, parameters)]
            for line in plan:
                for table in tables:
                    scan = f"Seq Scan on {table}" if postgres else f"SCAN {table}"
                    if scan in line and (postgres or " USING " not in line):
                        problems.append(f"{table}: {line.strip()} in {statement[:80]}")
    return problems
