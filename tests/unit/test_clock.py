"""The portal's one clock (portal.clock): today in Helsinki, moved by tests,
started elsewhere by PORTAL_CLOCK_START; and no business code reads the
system clock past it."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from portal import clock
from portal.schedule import calendar_days

PORTAL = Path(__file__).resolve().parents[2] / "portal"
# Protocol times: the other side checks them against its own system clock.
SYSTEM_CLOCK_ALLOWED = {"clock.py", "auth/oidc.py", "auth/keys.py", "auth/suomifi_mandates.py",
                        "test_idp/state.py", "test_idp/profile.py"}


def test_today_is_the_date_in_helsinki_not_in_utc() -> None:
    # 23.30 UTC on 31 December is already New Year's Day in Finland.
    with clock.moved_to(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)):
        assert clock.today() == date(2027, 1, 1)
        assert calendar_days.today() == date(2027, 1, 1)


def test_the_night_the_clocks_go_back_is_one_day() -> None:
    # 2027-10-31: 04.00 summer time becomes 03.00 winter time; 03.30 comes twice.
    first = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 03.30 +03:00
    second = first + timedelta(hours=1)  # 03.30 +02:00
    for moment in (first, second):
        with clock.moved_to(moment):
            assert clock.today() == date(2027, 10, 31)
            assert clock.now().astimezone(clock.HELSINKI).strftime("%H.%M") == "03.30"


def test_a_moved_clock_runs_on_and_comes_back() -> None:
    real = clock.now()
    with clock.moved_to(clock.at_helsinki(date(2028, 2, 29), 23, 59)):
        first = clock.now()
        assert clock.today() == date(2028, 2, 29)
        assert clock.now() >= first  # it runs on from there
    assert abs(clock.now() - real) < timedelta(minutes=1)


def test_the_start_moment_must_say_its_offset() -> None:
    assert clock.start_moment("2026-12-06T12:00+02:00") == datetime(2026, 12, 6, 10, tzinfo=UTC)
    for wrong in ("2026-12-06T12:00", "sunday", ""):
        with pytest.raises(clock.ClockError):
            clock.start_moment(wrong)


def test_portal_clock_start_starts_a_process_at_that_moment() -> None:
    code = "from portal import clock; print(clock.today().isoformat())"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={"PORTAL_CLOCK_START": "2027-01-01T00:10+02:00", "PATH": ""}).stdout
    assert output.strip() == "2027-01-01"


def test_no_business_code_reads_the_system_clock() -> None:
    readers = re.compile(r"datetime\.now\(|datetime\.utcnow\(|date\.today\(|time\.time\(")
    found = [f"{path.relative_to(PORTAL)}:{number}"
             for path in sorted(PORTAL.rglob("*.py")) if "migrations" not in path.parts
             and str(path.relative_to(PORTAL)) not in SYSTEM_CLOCK_ALLOWED
             for number, line in enumerate(path.read_text().splitlines(), 1) if readers.search(line)]
    assert found == []
