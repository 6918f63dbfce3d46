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


def explained(engine, statements, *, no_sort: bool = False) -> tuple[bool, list[tuple[str, list[str]]]]:  # type: ignore[no-untyped-def]
    """Whether the database is PostgreSQL, and each statement with its plan's
    lines. On PostgreSQL the tiny test tables make a sequential scan (or a
    sort) cheaper: they are switched off, so the plan says whether an index
    *can* answer (`no_sort`: and give the order)."""
    found = []
    with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.exec_driver_sql("SET enable_seqscan = off")
            if no_sort:
                connection.exec_driver_sql("SET enable_sort = off")
        prefix = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
        for statement, parameters in statements:
            found.append((statement, [" ".join(str(part) for part in row)
                                      for row in connection.exec_driver_sql(prefix + statement, parameters)]))
    return postgres, found


def scans(line: str, tables, *, postgres: bool) -> list[str]:  # type: ignore[no-untyped-def]
    """The tables of `tables` this plan line reads whole."""
    return [table for table in tables
            if (f"Seq Scan on {table}" if postgres else f"SCAN {table}") in line and (postgres or " USING " not in line)]


def full_scans(engine, statements, tables=None) -> list[str]:  # type: ignore[no-untyped-def]
    """`tables`: the tables not to scan whole (BIG_TABLES when not given)."""
    postgres, plans = explained(engine, statements)
    return [f"{table}: {line.strip()} in {statement[:80]}" for statement, lines in plans for line in lines
            for table in scans(line, tables or BIG_TABLES, postgres=postgres)]
