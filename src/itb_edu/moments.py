"""One way to turn what a caller passes into a moment: :func:`to_datetime`.

Pure domain code. A ``date`` becomes midnight of that day, a ``datetime`` (pandas
``Timestamp`` included) passes through as a plain ``datetime``, and, where the caller allows
text, an ISO date or date and time (``"2026-04-17"``, ``"2026-04-17 09:30"``) is read.
"""

from __future__ import annotations

from datetime import date, datetime, time

from .errors import parameter_error

__all__ = ["to_datetime"]


def to_datetime(name: str, value: object, *, text: bool = False) -> datetime:
    """Return ``value`` as a ``datetime``, or raise naming ``name``.

    Parameters
    ----------
    name : str
        The parameter (or display name, ``"boluses[0] when"``) for the error.
    value : date, datetime or str
        The moment. Text is read only when ``text`` is true.
    text : bool, default False
        Accept ISO text.

    Returns
    -------
    datetime
        Naive or aware as given; a date becomes midnight.

    Raises
    ------
    itb_edu.errors.ParameterError
        About ``name`` when ``value`` is not a moment.

    Examples
    --------
    >>> to_datetime("at", date(2026, 1, 5))
    datetime.datetime(2026, 1, 5, 0, 0)
    >>> to_datetime("at", "2026-01-05 09:30", text=True)
    datetime.datetime(2026, 1, 5, 9, 30)
    """
    if isinstance(value, datetime):
        if type(value) is datetime:
            return value
        return datetime.fromisoformat(value.isoformat())  # a plain datetime, also from pandas
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0))
    if text and isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    if text:
        raise parameter_error(
            name,
            value,
            f"{name} must be a date such as '2026-04-17' or '2026-04-17 09:30', got {value!r}",
        )
    raise parameter_error(name, value, f"{name} must be a date or a datetime, got {value!r}")
