"""itb_edu.moments.to_datetime: the one date and datetime coercion of the package."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from itb_edu.errors import ParameterError
from itb_edu.moments import to_datetime


def test_dates_become_midnight_and_datetimes_pass_through():
    assert to_datetime("at", date(2026, 1, 5)) == datetime(2026, 1, 5, 0, 0)
    moment = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    assert to_datetime("at", moment) is moment


def test_a_pandas_timestamp_becomes_a_plain_datetime():
    value = to_datetime("at", pd.Timestamp("2026-01-05 09:30"))
    assert type(value) is datetime
    assert value == datetime(2026, 1, 5, 9, 30)


def test_text_only_where_the_caller_allows_it():
    assert to_datetime("at", " 2026-01-05 09:30 ", text=True) == datetime(2026, 1, 5, 9, 30)
    with pytest.raises(ParameterError, match=r"at must be a date or a datetime, got '2026-01-05'"):
        to_datetime("at", "2026-01-05")
    with pytest.raises(ParameterError, match=r"at must be a date such as '2026-04-17'") as caught:
        to_datetime("at", "1st March", text=True)
    assert (caught.value.parameter, caught.value.value) == ("at", "1st March")
    with pytest.raises(ParameterError, match=r"boluses\[2\] when must be a date or a datetime"):
        to_datetime("boluses[2] when", 5)
