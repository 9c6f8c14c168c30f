"""Building blocks the apps share: declared controls, a message beside each, download links.

Widgets only: no clinical rule and no engine call here.
"""

from __future__ import annotations

import base64
import dataclasses
import html
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

__all__ = [
    "ERROR_STYLE",
    "RECORD_NOTICE_STYLE",
    "DescribedHBox",
    "DescribedVBox",
    "Field",
    "FieldSpec",
    "StaticView",
    "download_link",
    "learner_message",
    "learner_record",
    "record_attempt",
]

#: Style of a message beside a control (the ⚠ sign and the words carry it, not the colour).
ERROR_STYLE = "color:#b3261e;font-size:0.9em;"


@dataclass(frozen=True)
class FieldSpec:
    """One control of an app, declared: its name, widget class, label and settings.

    Attributes
    ----------
    name : str
        Key in the app's ``controls``, ``messages`` and ``fields``.
    widget : type
        The ipywidgets class.
    label : str
        The description shown beside the control (units in brackets).
    settings : dict
        Fixed keyword arguments (``value``, ``min``, ``placeholder`` ...); values that depend
        on the data (options, dates) are passed to :meth:`build`.
    height : str or None
        CSS height for text areas.
    width : str or None
        CSS width; None for the widget's own.
    description_width : str
        Room for the label.
    """

    name: str
    widget: type
    label: str
    settings: dict[str, Any] = dataclasses.field(default_factory=dict)
    height: str | None = None
    width: str | None = "360px"
    description_width: str = "150px"

    def build(self, live: dict[str, Any]) -> widgets.Widget:
        """Create the control, with ``live`` settings (options, values from the data)."""
        size = {"width": self.width, "height": self.height}
        layout = widgets.Layout(**{key: value for key, value in size.items() if value})
        return self.widget(
            description=self.label,
            style={"description_width": self.description_width},
            layout=layout,
            **{**self.settings, **live},
        )


class Field:
    """A control with its message line beside it (below it for a list of options)."""

    def __init__(self, control: widgets.Widget, below: bool = False) -> None:
        self.control = control
        self.message = widgets.HTML("", layout=widgets.Layout(margin="0 0 0 8px"))
        self.message.add_class("itb-control-message")
        box = widgets.VBox if below else widgets.HBox
        self.box = box([control, self.message])

    def error(self, text: str) -> None:
        """Show ``text`` (plain words) beside the control, with a warning sign."""
        self.message.value = f"<span style='{ERROR_STYLE}'>⚠ {html.escape(text)}</span>"

    def clear(self, change: Any = None) -> None:
        """Remove the message."""
        if self.message.value:
            self.message.value = ""


def learner_message(
    problem: str | Exception,
    labels: dict[str, str],
    item_words: dict[str, str] | None = None,
    *,
    capitalize: bool = False,
) -> str:
    """Words for a message beside a control: the app's own text, or an engine error.

    An engine error names its parameter in code (``fill_volume_ml``, ``boluses[0]``); its
    ``.parameter`` and ``.index`` say which, so the names are replaced by the labels the learner
    sees (``fill volume``, ``bolus 1``). The wording itself is never interpreted.

    Parameters
    ----------
    problem : str or Exception
        A message written by the app, or an :class:`itb_edu.errors.ParameterError`.
    labels : dict
        ``{code name: label}``.
    item_words : dict, optional
        ``{list parameter: word for one item}`` (``{"boluses": "bolus"}``).
    capitalize : bool, default False
        Start with a capital letter.

    Returns
    -------
    str
        Plain words.
    """
    text = str(problem)
    parameter = getattr(problem, "parameter", None)
    index = getattr(problem, "index", None)
    words = item_words or {}
    if parameter in words and index is not None:
        text = text.replace(f"{parameter}[{index}]", f"{words[parameter]} {index + 1}")
    for name, label in labels.items():
        text = text.replace(name, label)
    return text[:1].upper() + text[1:] if capitalize else text


def download_link(content: bytes, filename: str, mime: str, label: str) -> str:
    """HTML link that downloads ``content`` from a data URL (works in JupyterLab and Voilà).

    Parameters
    ----------
    content : bytes
        File content.
    filename : str
        Suggested file name.
    mime : str
        MIME type, for example ``"text/calendar"``.
    label : str
        Link text.

    Returns
    -------
    str
        ``<a download="..." href="data:<mime>;base64,...">label</a>``.
    """
    payload = base64.b64encode(content).decode("ascii")
    return (
        f'<a download="{html.escape(filename, quote=True)}" '
        f'href="data:{mime};base64,{payload}" target="_blank">{html.escape(label)}</a>'
    )


class StaticView:
    """Mixin for an app widget: what it shows where it cannot be drawn.

    A stored notebook opened before it runs, a notebook viewer, a handout: none of them draws
    the widget, and without this they print its Python repr (``VBox(children=...)``). An app
    that mixes this in gives instead its own words: :meth:`static_text` (plain text) and
    :meth:`static_html`, which say what the app is for and how to use it, never the answers.
    """

    def static_text(self) -> str:  # pragma: no cover - every app defines it
        """Return the app's purpose in plain text."""
        raise NotImplementedError

    def static_html(self) -> str:
        """Return the app's purpose as HTML (default: the plain text, escaped)."""
        return f"<p>{html.escape(self.static_text())}</p>"

    def __repr__(self) -> str:
        return self.static_text()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = self.static_text()
        data["text/html"] = self.static_html()
        return bundle


# --------------------------------------------------------------------------------------------
# The learner's record, shared by the apps of one kernel
# --------------------------------------------------------------------------------------------
_RECORDS: dict[str, Any] = {}

#: Style of the line saying progress could not be saved (the ⚠ and the words carry it).
RECORD_NOTICE_STYLE = "border-left:4px solid #9a6700;background:#fff8e5;padding:4px 10px;"


def learner_record() -> Any:
    """Return this kernel's :class:`itb_edu.record.LearnerRecord` for the current file."""
    from itb_edu.record import LearnerRecord, default_path

    path = str(default_path())
    if path not in _RECORDS:
        _RECORDS[path] = LearnerRecord(default_path())
    return _RECORDS[path]


def record_attempt(
    kind: str, item_id: str, objective_ids: Any, correct: bool, detail: str = ""
) -> str:
    """Record one attempt in the learner's record; return ``""`` or a plain notice as HTML.

    The course never stops for the record: a file that cannot be used keeps the answer for
    the session and the notice says so beside the control.
    """
    saved = learner_record().add(kind, item_id, tuple(objective_ids), correct, detail)
    if saved.saved:
        return ""
    return f"<div style='{RECORD_NOTICE_STYLE}' role='status'>⚠ {html.escape(saved.message)}</div>"


class _Described(StaticView):
    """An app box that describes itself in words where it cannot be drawn."""

    def __init__(self, children: Any, text: str, html_text: str = "", **kwargs: Any) -> None:
        super().__init__(children, **kwargs)  # type: ignore[call-arg]
        self._text, self._html = text, html_text

    def static_text(self) -> str:
        """Return the description in plain text."""
        return self._text

    def static_html(self) -> str:
        """Return the description as HTML."""
        return self._html or f"<p>{html.escape(self._text)}</p>"


class DescribedHBox(_Described, widgets.HBox):
    """An ``HBox`` app that describes itself in words where it cannot be drawn."""


class DescribedVBox(_Described, widgets.VBox):
    """A ``VBox`` app that describes itself in words where it cannot be drawn."""
