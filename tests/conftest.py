"""Shared fixtures: the course's worked refill examples, set up once for every test.

Each fixture stands for one author-derived teaching example; its docstring gives the numbers
worked out by hand, so a test can assert on them without repeating the arithmetic. Plans are
frozen dataclasses, so the fixtures are session-scoped: cheap, and usable from hypothesis
tests (``@given`` refuses function-scoped fixtures).

To vary the routine example, use ``make_plan(**overrides)`` and keep the override in the test,
where it shows what the test is about.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings

from itb_edu.record import RECORD_ENV
from itb_edu.reservoir import RefillPlan, plan_refill
from itb_edu.room import ROOM_URL_ENV
from tests.support import postgres

# No timed tests: speed targets live in `make bench`. Hypothesis's per-example deadline would
# make a property test fail on a busy machine, so it is off for every test.
settings.register_profile("itb-edu", deadline=None)
settings.load_profile("itb-edu")

# The learner record of the test session: a file of its own, never the user's. Set before any
# kernel or server starts, so notebooks run by nbval and the browser tests' servers use it too.
os.environ[RECORD_ENV] = os.path.join(tempfile.mkdtemp(prefix="itb-edu-record-"), "record.sqlite")
# The live rooms of the test session likewise: a store of its own, shared by its kernels.
os.environ[ROOM_URL_ENV] = "sqlite:///" + os.path.join(
    tempfile.mkdtemp(prefix="itb-edu-rooms-"), "rooms.sqlite"
)

#: The routine example's arguments (read-only): 20 mL of 500 mcg/mL at 100 mcg/day (simple
#: continuous dosing), refilled on Monday 5 January 2026 (a date: naive midnight), default
#: 2 mL alarm volume, no reservoir size, no boluses, no maximum interval.
_ROUTINE: Mapping[str, Any] = MappingProxyType(
    {
        "fill_volume_ml": 20,
        "concentration_mcg_per_ml": 500,
        "daily_dose_mcg": 100,
        "refill_at": date(2026, 1, 5),
    }
)

#: The two-step flex example's arguments: 20 mL of 500 mcg/mL, refilled on 5 January 2026 at
#: 09:30, 600 mcg/day from 07:00 and 300 mcg/day from 22:00 (the first step is not at midnight).
_TWO_STEP_FLEX: Mapping[str, Any] = MappingProxyType(
    {
        "fill_volume_ml": 20,
        "concentration_mcg_per_ml": 500,
        "schedule": [("07:00", 600), ("22:00", 300)],
        "refill_at": datetime(2026, 1, 5, 9, 30),
    }
)


# --------------------------------------------------------------------------------------------
# The routine example and its factory
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def routine_kwargs() -> Mapping[str, Any]:
    """Return the routine example's ``plan_refill`` arguments, read-only.

    ``fill_volume_ml=20``, ``concentration_mcg_per_ml=500``, ``daily_dose_mcg=100``,
    ``refill_at=date(2026, 1, 5)``. Copy it (``{**routine_kwargs, ...}``) to change it.
    """
    return _ROUTINE


@pytest.fixture(scope="session")
def make_plan() -> Callable[..., RefillPlan]:
    """Return ``make_plan(**overrides)``: ``plan_refill`` on the routine example's arguments.

    ``make_plan(**overrides)`` is exactly ``plan_refill(**{**routine_kwargs, **overrides})``:
    an override replaces a routine argument (``daily_dose_mcg=None`` removes the dose, for a
    ``schedule``), any other ``plan_refill`` argument is added. Errors propagate, so it also
    serves the validation tests.
    """

    def make(**overrides: Any) -> RefillPlan:
        return plan_refill(**{**_ROUTINE, **overrides})

    return make


@pytest.fixture(scope="session")
def routine_plan(make_plan) -> RefillPlan:
    """20 mL of 500 mcg/mL at 100 mcg/day, refilled on 5 January 2026 (midnight, naive).

    100 / 500 = 0.2 mL/day. Alarm (2 mL): (20 - 2) / 0.2 = 90 days -> Sunday 5 April 2026
    00:00. Empty: 20 / 0.2 = 100 days -> Wednesday 15 April 2026 00:00. Refill due at the
    alarm. On day 30 (4 February) 6.0 mL have been delivered and 14.0 mL are left.
    """
    return make_plan()


@pytest.fixture(scope="session")
def routine_plan_20ml_reservoir(make_plan) -> RefillPlan:
    """The routine plan (:func:`routine_plan`) in a 20 mL reservoir (``reservoir_ml=20``).

    Same numbers: 0.2 mL/day, alarm 5 April 2026 00:00, empty 15 April 2026 00:00; on day 30
    14.0 mL are expected back. A residual above 20 mL is impossible and rejected.
    """
    return make_plan(reservoir_ml=20)


@pytest.fixture(scope="session")
def routine_plan_at_nine(make_plan) -> RefillPlan:
    """Notebook 02's worked example: the routine plan refilled on Monday 5 January 2026 09:00.

    The same as ``sim.plan("2026-01-05 09:00", fill_volume_ml=20, concentration_mcg_per_ml=500,
    daily_dose_mcg=100)``. 0.2 mL/day; alarm after 90.00 days -> Sunday 5 April 2026 at 09:00;
    empty after 100 days -> Wednesday 15 April 2026 at 09:00. On 4 February 2026 09:00 (day
    30) 14.0 mL are expected back.
    """
    return make_plan(refill_at=datetime(2026, 1, 5, 9, 0))


@pytest.fixture(scope="session")
def routine_plan_in_paris(make_plan) -> RefillPlan:
    """The routine plan refilled at 09:00 on 1 March 2026 in Paris (time-zone aware).

    90 days are 2160 elapsed hours: from 09:00 CET (08:00 UTC) to 30 May 2026 08:00 UTC, which
    the Paris wall clock shows as 10:00 CEST (the clocks went forward on 29 March).
    """
    return make_plan(refill_at=datetime(2026, 3, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris")))


@pytest.fixture(scope="session")
def stopped_plan(make_plan) -> RefillPlan:
    """The routine plan with the pump stopped (``daily_dose_mcg=0``).

    0 mL/day: no alarm, never empty, no refill due; the reservoir keeps its 20 mL.
    """
    return make_plan(daily_dose_mcg=0)


@pytest.fixture(scope="session")
def bolus_crossing_plan(make_plan) -> RefillPlan:
    """5 mL of 500 mcg/mL at 100 mcg/day from 5 January 2026, with a 1000 mcg bolus on day 10.

    0.2 mL/day leaves 3 mL on day 10 (15 January); the bolus takes 2 mL and leaves 1 mL, so
    the alarm (2 mL) sounds at the bolus moment, 15 January 00:00 (day 10); empty 1 / 0.2 = 5
    days later, 20 January 00:00 (day 15).
    """
    return make_plan(fill_volume_ml=5, boluses=[(timedelta(days=10), 1000)])


# --------------------------------------------------------------------------------------------
# Flex dosing
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def two_step_flex_plan() -> RefillPlan:
    """20 mL of 500 mcg/mL, 600 mcg/day from 07:00 and 300 from 22:00, refilled 5 Jan 09:30.

    15 h at 600 + 9 h at 300 = 375 + 112.5 = 487.5 mcg/day -> 0.975 mL/day (0.05 mL/h by day,
    0.025 mL/h by night). At 22:00 the same day 20 - 12.5 h x 0.05 = 19.375 mL; at 07:00 on
    6 January 19.375 - 9 h x 0.025 = 19.15 mL. Alarm: 18 whole days take 17.55 mL (to
    23 January 09:30), 0.45 mL more at 0.05 mL/h = 9 h -> 23 January 2026 18:30.
    """
    return plan_refill(**_TWO_STEP_FLEX)


@pytest.fixture(scope="session")
def two_step_flex_plan_with_bolus() -> RefillPlan:
    """The two-step flex plan with a 100 mcg (0.2 mL) bolus on 6 January 2026 at 12:00.

    Volume: 19.375 at 22:00, 19.15 at 07:00, 18.9 just before the bolus (5 h at 0.05 mL/h),
    18.7 after it. At 2 days (7 January 09:30): 18.7 - 10 h x 0.05 - 9 h x 0.025 - 2.5 h x
    0.05 = 17.85 mL.
    """
    return plan_refill(**_TWO_STEP_FLEX, boluses=[(datetime(2026, 1, 6, 12, 0), 100)])


# --------------------------------------------------------------------------------------------
# A real PostgreSQL server (the room store of a hub)
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """Return the URL of a database on a PostgreSQL server started for this test session.

    The server runs from a temporary folder on 127.0.0.1 at a free port, as the unprivileged
    ``postgres`` user when the tests run as root, and is stopped by its PID when the session
    ends. ``tests.support.postgres.create_database(postgres_url)`` makes a fresh database on
    it. Without PostgreSQL's server programs the tests that use it are skipped (failed in CI)
    with the install hint.
    """
    bindir = postgres.bindir()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail(postgres.INSTALL_HINT)
        pytest.skip(postgres.INSTALL_HINT)
    server = postgres.start(bindir)
    try:
        yield server.create_database("itb_edu_test")
    finally:
        server.stop()
