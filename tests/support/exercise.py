"""Drive every control of a widget tree, as a learner clicking through it would."""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets


def walk(widget: widgets.Widget):
    """Yield the widget and every widget below it."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def exercise(app: widgets.Widget, rounds: int = 1) -> int:
    """Change every control of ``app`` and press every button; return how many actions ran.

    Selection controls step through each of their options, number boxes are doubled and reset,
    check boxes toggled, date pickers moved a day, buttons clicked. Any exception raised by an
    observer propagates to the caller.
    """
    actions = 0
    for _ in range(rounds):
        for widget in list(walk(app)):
            if getattr(widget, "disabled", False):
                continue
            if isinstance(widget, widgets.widgets.widget_selection._Selection):
                original = widget.value
                for option in list(widget.options):
                    value = option[1] if isinstance(option, tuple) else option
                    widget.value = value
                    actions += 1
                if original is not None:
                    widget.value = original
            elif isinstance(
                widget,
                widgets.FloatText
                | widgets.IntText
                | widgets.BoundedFloatText
                | widgets.BoundedIntText
                | widgets.FloatSlider
                | widgets.IntSlider,
            ):
                original = widget.value
                widget.value = original * 2 if original else 1
                widget.value = original
                actions += 2
            elif isinstance(widget, widgets.Checkbox | widgets.ToggleButton):
                widget.value = not widget.value
                widget.value = not widget.value
                actions += 2
            elif isinstance(widget, widgets.DatePicker) and widget.value is not None:
                original = widget.value
                widget.value = original + dt.timedelta(days=1)
                widget.value = original
                actions += 2
            elif isinstance(widget, widgets.Button):
                widget.click()
                actions += 1
    return actions
