"""Argument checks shared by the domain modules.

Every check raises :class:`itb_edu.errors.ParameterError`, a ``ValueError`` whose message names
the parameter and the value in plain words and whose ``.parameter`` and ``.value`` attributes
say the same to code.
"""

from __future__ import annotations

import math
from numbers import Real

from .errors import ParameterError, parameter_error, parameter_of

__all__ = [
    "ParameterError",
    "parameter_error",
    "parameter_of",
    "require_at_most",
    "require_finite",
    "require_non_negative",
    "require_positive",
]


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise parameter_error(name, value, f"{name} must be a number, got {value!r}")
    return float(value)


def require_finite(name: str, value: object) -> float:
    """Return ``value`` as a float, or raise if it is not a finite number.

    Parameters
    ----------
    name : str
        Parameter name used in the error message.
    value : object
        The value to check.

    Returns
    -------
    float
        The value, converted to ``float``.

    Raises
    ------
    ParameterError
        If ``value`` is not a real number, or is NaN or infinite.
    """
    number = _number(name, value)
    if not math.isfinite(number):
        raise parameter_error(name, value, f"{name} must be a finite number, got {value!r}")
    return number


def require_non_negative(name: str, value: object) -> float:
    """Return ``value`` as a float, or raise if it is not finite and >= 0.

    Parameters
    ----------
    name : str
        Parameter name used in the error message.
    value : object
        The value to check.

    Returns
    -------
    float
        The value, converted to ``float``.

    Raises
    ------
    ParameterError
        If ``value`` is not finite or is negative.
    """
    number = require_finite(name, value)
    if number < 0:
        raise parameter_error(name, value, f"{name} must not be negative, got {value!r}")
    return number


def require_positive(name: str, value: object) -> float:
    """Return ``value`` as a float, or raise if it is not finite and > 0.

    Parameters
    ----------
    name : str
        Parameter name used in the error message.
    value : object
        The value to check.

    Returns
    -------
    float
        The value, converted to ``float``.

    Raises
    ------
    ParameterError
        If ``value`` is not finite or is zero or negative.
    """
    number = require_finite(name, value)
    if number <= 0:
        raise parameter_error(name, value, f"{name} must be greater than zero, got {value!r}")
    return number


def require_at_most(name: str, value: float, limit: float, limit_name: str) -> float:
    """Return ``value``, or raise if it exceeds ``limit``.

    Parameters
    ----------
    name : str
        Parameter name used in the error message.
    value : float
        The value to check (already validated as finite).
    limit : float
        The largest allowed value.
    limit_name : str
        What the limit is, for the message (for example ``"reservoir_ml"``).

    Returns
    -------
    float
        ``value`` unchanged.

    Raises
    ------
    ParameterError
        If ``value > limit``.
    """
    if value > limit:
        raise parameter_error(
            name, value, f"{name} ({value!r}) is more than {limit_name} ({limit!r})"
        )
    return value
