"""The error every domain function raises for a bad argument: :class:`ParameterError`.

It is a ``ValueError`` whose message names the parameter and the value in plain words (for a
learner typing into a widget and for a developer calling a function), and whose
``.parameter``, ``.value`` and ``.index`` attributes say the same to code. An app routes an
error to the control for ``.parameter`` through one table and never reads the wording.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ParameterError", "parameter_error", "parameter_of", "shown"]

_NOTHING: Any = object()


class ParameterError(ValueError):
    """A bad argument: a plain-words message and the parameter it is about.

    Parameters
    ----------
    message : str
        What is wrong, in plain words, naming the parameter and the value.
    parameter : str
        The name of the function parameter at fault (``"fill_volume_ml"``, ``"boluses"``).
    value : object, optional
        The offending value.
    index : int, optional
        For a list parameter, the position (from 0) of the item at fault.

    Examples
    --------
    >>> error = ParameterError("fill_volume_ml must not be negative, got -1",
    ...                        parameter="fill_volume_ml", value=-1)
    >>> isinstance(error, ValueError), error.parameter, error.value
    (True, 'fill_volume_ml', -1)
    """

    def __init__(
        self, message: str, *, parameter: str, value: object = _NOTHING, index: int | None = None
    ) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.value = None if value is _NOTHING else value
        self.index = index

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (str(self), self.parameter, self.value, self.index))


def _rebuild(message: str, parameter: str, value: object, index: int | None) -> ParameterError:
    return ParameterError(message, parameter=parameter, value=value, index=index)


def parameter_of(name: str) -> str:
    """Return the parameter a check's display name is about.

    Checks of items of a list parameter use display names such as ``"boluses[2] dose_mcg"``
    or ``"schedule step 1 start"``; the parameter is the first word before any index.

    Examples
    --------
    >>> parameter_of("boluses[2] dose_mcg"), parameter_of("schedule step 1"), parameter_of("at")
    ('boluses', 'schedule', 'at')
    """
    return name.split("[", 1)[0].split(" ", 1)[0]


def _index_of(name: str) -> int | None:
    if "[" in name:
        inside = name.split("[", 1)[1].split("]", 1)[0]
        if inside.isdigit():
            return int(inside)
    return None


def parameter_error(name: str, value: object, message: str) -> ParameterError:
    """Build the :class:`ParameterError` for a check whose display name is ``name``.

    Parameters
    ----------
    name : str
        The display name used in the message (``"boluses[2] dose_mcg"``); ``.parameter`` is
        :func:`parameter_of` it and ``.index`` the number in brackets, if any.
    value : object
        The offending value.
    message : str
        The plain-words message.

    Returns
    -------
    ParameterError
        Ready to raise.

    Examples
    --------
    >>> error = parameter_error("boluses[2] dose_mcg", -5, "boluses[2] dose_mcg is negative")
    >>> error.parameter, error.index, error.value
    ('boluses', 2, -5)
    """
    return ParameterError(message, parameter=parameter_of(name), value=value, index=_index_of(name))


def shown(value: object) -> str:
    """Write a value for an error message: moments as ISO text, anything else as its repr.

    Examples
    --------
    >>> from datetime import date, datetime
    >>> shown(datetime(2026, 1, 5, 9, 0)), shown(date(2026, 1, 5)), shown("07:00")
    ('2026-01-05 09:00', '2026-01-05', "'07:00'")
    """
    from datetime import date, datetime

    if isinstance(value, datetime):
        return value.isoformat(" ", "minutes")
    if isinstance(value, date):
        return value.isoformat()
    return repr(value)
