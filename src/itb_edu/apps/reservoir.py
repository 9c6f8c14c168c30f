"""Reservoir simulator apps: explore when the pump alarms and runs empty, compare two scenarios.

:func:`simulator_app` and :func:`compare_app` wire ipywidgets controls to one
``go.FigureWidget`` each (created once, updated inside ``batch_update``). A bad value shows a
plain message beside its control; the last valid result stays on screen and the entry is kept.

For education only: not for programming, refilling or managing a real pump.
"""

from __future__ import annotations

import html
from datetime import datetime, time
from typing import Any

import ipywidgets as widgets

from itb_edu import DISCLAIMER
from itb_edu.apps import controls
from itb_edu.apps.controls import ERROR_STYLE, Field, FieldSpec, StaticView, download_link
from itb_edu.figure_widget import figure_widget
from itb_edu.figures.reservoir import (
    apply_trace_data,
    compare_figure,
    reservoir_figure,
    volume_trace_data,
)
from itb_edu.presentation import compare_html, headline_html
from itb_edu.pumps import PumpFacts, all_pump_facts
from itb_edu.reservoir import (
    RefillPlan,
    parse_boluses,
    parse_schedule,
    plan_refill,
)
from itb_edu.scheduling import (
    DEFAULT_MARGIN_DAYS,
    alarm_ical,
    book_refill_date,
)

__all__ = [
    "COMPARE_CONTROLS",
    "COMPARE_FIELDS",
    "PRESETS",
    "SIMULATOR_CONTROLS",
    "SIMULATOR_FIELDS",
    "CompareApp",
    "FieldSpec",
    "SimulatorApp",
    "compare_app",
    "control_for",
    "download_link",
    "simulator_app",
]

#: Dosing presets (author-derived teaching examples): name -> (schedule text, bolus text).
#: Simple continuous uses the daily dose box; the others use the editable steps.
PRESETS: dict[str, tuple[str, str]] = {
    "Simple continuous": ("", ""),
    "Day/night flex": ("07:00 300; 21:00 600", ""),
    "Simple continuous with boluses": ("", "day 7 08:00 50\nday 14 08:00 50\nday 21 08:00 50"),
}

_LABELS = {
    "fill_volume_ml": "fill volume",
    "concentration_mcg_per_ml": "concentration",
    "daily_dose_mcg": "daily dose",
    "low_alarm_ml": "alarm volume",
    "reservoir_ml": "reservoir size",
    "refill_at": "refill date",
    "rate_mcg_per_day": "rate (mcg/day)",
}


#: How the learner calls one item of a list parameter.
_ITEM_WORDS = {"boluses": "bolus", "schedule": "step"}


#: Which control of the simulator shows an error about each engine parameter: the one table
#: that routes errors. Errors are routed by their ``.parameter``, never by their wording.
SIMULATOR_CONTROLS: dict[str, str] = {
    "fill_volume_ml": "fill_volume",
    "low_alarm_ml": "alarm_volume",
    "reservoir_ml": "fill_volume",
    "daily_dose_mcg": "daily_dose",
    "schedule": "schedule",
    "boluses": "boluses",
    "concentration_mcg_per_ml": "concentration",
    "refill_at": "refill_date",
}
#: The same for the concentration comparison (each concentration control is added per plan).
COMPARE_CONTROLS: dict[str, str] = {
    "fill_volume_ml": "fill_volume",
    "low_alarm_ml": "alarm_volume",
    "daily_dose_mcg": "daily_dose",
}


def control_for(error: Exception, controls: dict[str, str], default: str = "fill_volume") -> str:
    """Name the control that shows ``error``, from its ``.parameter`` and a routing table.

    Parameters
    ----------
    error : Exception
        Usually an :class:`itb_edu.errors.ParameterError`; anything else goes to
        ``default``.
    controls : dict
        ``{parameter: control name}``.
    default : str
        Control for an error whose parameter is not in the table.

    Returns
    -------
    str
        A control name.
    """
    return controls.get(getattr(error, "parameter", ""), default)


def learner_message(problem: str | Exception) -> str:
    """Words for a message beside a simulator control (see :func:`controls.learner_message`)."""
    return controls.learner_message(problem, _LABELS, _ITEM_WORDS)


def _concentrations(products: Any) -> list[float]:
    refill = products[products["use"] == "refill"]
    return sorted({float(c) for c in refill["concentration_mcg_per_ml"]})


#: The simulator's controls, in screen order.
SIMULATOR_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("pump", widgets.Dropdown, "Pump"),
    FieldSpec("concentration", widgets.Dropdown, "Concentration"),
    FieldSpec("daily_dose", widgets.FloatText, "Daily dose (mcg/day)", {"value": 150.0}),
    FieldSpec("fill_volume", widgets.FloatText, "Fill volume (mL)", {"value": 20.0}),
    FieldSpec("alarm_volume", widgets.FloatText, "Alarm volume (mL)", {"value": 2.0}),
    FieldSpec("refill_date", widgets.DatePicker, "Refill date"),
    FieldSpec("refill_time", widgets.Text, "Refill time (HH:MM)"),
    FieldSpec(
        "preset",
        widgets.Dropdown,
        "Dosing",
        {"options": list(PRESETS), "value": "Simple continuous"},
    ),
    FieldSpec(
        "schedule",
        widgets.Textarea,
        "Flex steps",
        {"value": PRESETS["Day/night flex"][0], "placeholder": "HH:MM rate_mcg_per_day; ..."},
        height="60px",
    ),
    FieldSpec(
        "boluses",
        widgets.Textarea,
        "Boluses",
        {"value": "", "placeholder": "day 7 08:00 50  (one per line, dose in mcg)"},
        height="70px",
    ),
    FieldSpec(
        "margin_days",
        widgets.BoundedIntText,
        "Book days before",
        {"value": DEFAULT_MARGIN_DAYS, "min": 0, "max": 60},
    ),
)


#: The comparison's controls, in screen order (values come from :func:`compare_app`).
COMPARE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("concentration_a", widgets.Dropdown, "Scenario A", width=None),
    FieldSpec("concentration_b", widgets.Dropdown, "Scenario B", width=None),
    FieldSpec("daily_dose", widgets.FloatText, "Daily dose (mcg/day)", width=None),
    FieldSpec("fill_volume", widgets.FloatText, "Fill volume (mL)", width=None),
    FieldSpec("alarm_volume", widgets.FloatText, "Alarm volume (mL)", width=None),
)


class SimulatorApp(StaticView, widgets.VBox):
    """The reservoir simulator widget returned by :func:`simulator_app`.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        ``pump``, ``concentration``, ``daily_dose``, ``fill_volume``, ``alarm_volume``,
        ``refill_date``, ``refill_time``, ``preset``, ``schedule``, ``boluses``,
        ``margin_days``.
    messages : dict of str to ipywidgets.HTML
        The message beside each control (empty when the value is fine).
    figure : plotly.graph_objects.FigureWidget
        The volume plot, updated in place.
    headline : ipywidgets.HTML
        The headline numbers.
    exports : ipywidgets.HTML
        Download links, filled by the ``Prepare downloads`` button.
    plan : RefillPlan
        The last valid plan (the one on screen).
    """

    def static_text(self) -> str:
        """Return what the simulator is, in words."""
        return (
            "Reservoir simulator (run the notebook, or open the app view, to use it): choose the "
            "pump, the concentration, the daily dose (or a flex schedule and boluses), the fill "
            "and alarm volumes and the refill date; it shows the daily volume, the days to the "
            "low-reservoir alarm, the alarm and empty moments, the day to refill by, and the "
            "reservoir volume over time. For education, not for programming a real pump."
        )

    def __init__(self, pumps: Any, products: Any, facts: Any, refill_at: datetime) -> None:
        self._pumps = {p.pump_id: p for p in all_pump_facts(pumps, facts)}
        self._refill_at = refill_at
        pump_options = [(p.label, p.pump_id) for p in self._pumps.values()]
        concentrations = _concentrations(products)
        first_pump = pump_options[0][1]
        default_conc = 500.0 if 500.0 in concentrations else concentrations[0]
        live: dict[str, dict[str, Any]] = {
            "pump": {"options": pump_options, "value": first_pump},
            "concentration": {
                "options": [(f"{c:g} mcg/mL", c) for c in concentrations],
                "value": default_conc,
            },
            "refill_date": {"value": refill_at.date()},
            "refill_time": {"value": f"{refill_at:%H:%M}"},
        }
        self.fields: dict[str, Field] = {
            spec.name: Field(spec.build(live.get(spec.name, {}))) for spec in SIMULATOR_FIELDS
        }
        self.controls = {name: f.control for name, f in self.fields.items()}
        self.messages = {name: f.message for name, f in self.fields.items()}
        self.headline = widgets.HTML()
        self.headline.add_class("itb-simulator-headline")
        self.status = widgets.HTML()
        self.exports = widgets.HTML()
        self.export_button = widgets.Button(description="Prepare downloads", icon="download")
        self.export_button.on_click(self._export)
        self._use_schedule = False
        self.plan = self._initial_plan()
        initial = reservoir_figure(self.plan)
        self.figure = figure_widget(data=initial.data, layout=initial.layout)
        self._set_pump_defaults()
        self._apply_preset_visibility()
        self.update()
        for name, control in self.controls.items():
            if name == "pump":
                control.observe(self._on_pump, names="value")
            elif name == "preset":
                control.observe(self._on_preset, names="value")
            else:
                control.observe(self.update, names="value")
        left = widgets.VBox([f.box for f in self.fields.values()])
        note = widgets.HTML(f"<small><i>{html.escape(DISCLAIMER)}</i></small>")
        super().__init__(
            [
                left,
                self.status,
                self.headline,
                self.figure,
                widgets.HBox([self.export_button, self.exports]),
                note,
            ]
        )
        self.add_class("itb-simulator")

    # -- reading the controls ----------------------------------------------------------------
    def _initial_plan(self) -> RefillPlan:
        c = self.controls
        return plan_refill(
            fill_volume_ml=c["fill_volume"].value,
            concentration_mcg_per_ml=c["concentration"].value,
            daily_dose_mcg=c["daily_dose"].value,
            refill_at=self._refill_at,
        )

    def _pump(self) -> PumpFacts:
        return self._pumps[self.controls["pump"].value]

    def _set_pump_defaults(self) -> None:
        pump = self._pump()
        note = pump.alarm_note
        if pump.alarm_ml is not None:
            self.controls["alarm_volume"].value = pump.alarm_ml
        self.fields["pump"].message.value = f"<small>{html.escape(note)}</small>" if note else ""

    def _on_pump(self, change: Any = None) -> None:
        self._set_pump_defaults()
        self.update()

    def _apply_preset_visibility(self) -> None:
        self._use_schedule = bool(PRESETS[self.controls["preset"].value][0])
        self.controls["schedule"].disabled = not self._use_schedule
        self.controls["daily_dose"].disabled = self._use_schedule

    def _on_preset(self, change: Any = None) -> None:
        schedule_text, bolus_text = PRESETS[self.controls["preset"].value]
        if schedule_text:
            self.controls["schedule"].value = schedule_text
        self.controls["boluses"].value = bolus_text
        self._apply_preset_visibility()
        self.update()

    def read_inputs(self) -> tuple[dict[str, Any] | None, dict[str, str | Exception]]:
        """Read the controls into :func:`plan_refill` arguments, or messages per control."""
        c = self.controls
        errors: dict[str, str | Exception] = {}
        kwargs: dict[str, Any] = {
            "concentration_mcg_per_ml": c["concentration"].value,
            "fill_volume_ml": c["fill_volume"].value,
            "low_alarm_ml": c["alarm_volume"].value,
            "reservoir_ml": self._pump().reservoir_ml,
        }
        refill_day = c["refill_date"].value
        clock = None
        if refill_day is None:
            errors["refill_date"] = "Choose a refill date."
        try:
            text = c["refill_time"].value.strip()
            hours, minutes = (int(p) for p in text.split(":"))
            clock = time(hours, minutes)
        except ValueError:
            got = c["refill_time"].value
            errors["refill_time"] = (
                f"Type the refill time as HH:MM, for example 09:30 (got {got!r})."
            )
        if refill_day is not None and clock is not None:
            kwargs["refill_at"] = datetime.combine(refill_day, clock)
        if self._use_schedule:
            try:
                kwargs["schedule"] = parse_schedule(c["schedule"].value)
            except ValueError as error:
                errors["schedule"] = error
        else:
            kwargs["daily_dose_mcg"] = c["daily_dose"].value
        if "refill_at" in kwargs:
            try:
                kwargs["boluses"] = parse_boluses(c["boluses"].value, kwargs["refill_at"])
            except ValueError as error:
                errors["boluses"] = error
        return (None if errors else kwargs), errors

    # -- the callback --------------------------------------------------------------------------
    def update(self, change: Any = None) -> None:
        """Recompute the plan from the controls and update figure and headline in place."""
        kwargs, errors = self.read_inputs()
        plan = None
        if kwargs is not None:
            try:
                plan = plan_refill(**kwargs)
            except ValueError as error:
                errors[control_for(error, SIMULATOR_CONTROLS)] = error
        for name, field in self.fields.items():
            if name in errors:
                field.error(learner_message(errors[name]))
            elif name != "pump":
                field.clear()
        if plan is None:
            self.status.value = (
                f"<div style='{ERROR_STYLE}'>Fix the value marked ⚠ above; the last valid "
                "result is still shown below.</div>"
            )
            return
        self.status.value = ""
        self.plan = plan
        self.exports.value = ""
        data = volume_trace_data(plan)
        top = plan.reservoir_ml if plan.reservoir_ml is not None else plan.fill_volume_ml
        with self.figure.batch_update():
            apply_trace_data(self.figure, data)
            if tuple(self.figure.layout.yaxis.range) != (0, top * 1.05):
                self.figure.layout.yaxis.range = [0, top * 1.05]
        self.headline.value = headline_html(plan, margin_days=self.controls["margin_days"].value)

    # -- exports -------------------------------------------------------------------------------
    def _export(self, button: Any = None) -> None:
        plan = self.plan
        parts = []
        table = plan.volume_table()
        csv = table.to_csv(index=False).encode()
        parts.append(download_link(csv, "reservoir_volume.csv", "text/csv", "Volume table (CSV)"))
        if plan.low_alarm_at is not None:
            book_on = book_refill_date(
                plan.low_alarm_at, margin_days=self.controls["margin_days"].value
            )
            ics = alarm_ical(plan, book_on=book_on, patient_label="teaching example")
            parts.append(
                download_link(ics, "pump_alarm_date.ics", "text/calendar", "Alarm date (.ics)")
            )
        self.exports.value = " &middot; ".join(parts)


class CompareApp(StaticView, widgets.VBox):
    """Two scenarios side by side, returned by :func:`compare_app`.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        ``concentration_a``, ``concentration_b``, ``daily_dose``, ``fill_volume``,
        ``alarm_volume``.
    messages : dict of str to ipywidgets.HTML
        Message beside each control.
    figure : plotly.graph_objects.FigureWidget
        Two panels, updated in place.
    headline : ipywidgets.HTML
        A table with one column per scenario.
    plans : tuple of RefillPlan
        The last valid pair.
    """

    def static_text(self) -> str:
        """Return what the comparison is, in words."""
        return (
            "Two concentrations compared (run the notebook, or open the app view, to use it): "
            "the same dose and fill at two concentrations, side by side: daily volume, days to "
            "the alarm, alarm and empty moments, and the reservoir volume over time."
        )

    def __init__(
        self,
        products: Any,
        refill_at: datetime,
        concentrations: tuple[float, float],
        daily_dose_mcg: float,
        fill_volume_ml: float,
        low_alarm_ml: float,
    ) -> None:
        options = [(f"{c:g} mcg/mL", c) for c in _concentrations(products)]
        self._refill_at = refill_at
        live: dict[str, dict[str, Any]] = {
            "concentration_a": {"options": options, "value": concentrations[0]},
            "concentration_b": {"options": options, "value": concentrations[1]},
            "daily_dose": {"value": daily_dose_mcg},
            "fill_volume": {"value": fill_volume_ml},
            "alarm_volume": {"value": low_alarm_ml},
        }
        self.fields = {spec.name: Field(spec.build(live[spec.name])) for spec in COMPARE_FIELDS}
        self.controls = {n: f.control for n, f in self.fields.items()}
        self.messages = {n: f.message for n, f in self.fields.items()}
        self.headline = widgets.HTML()
        self.status = widgets.HTML()
        first = self._plans()
        if first is None:
            raise ValueError("the starting values of the comparison are not valid")
        self.plans: tuple[RefillPlan, RefillPlan] = first
        fig = compare_figure(*self.plans, labels=self._labels())
        self.figure = figure_widget(data=fig.data, layout=fig.layout)
        self._render()
        for control in self.controls.values():
            control.observe(self.update, names="value")
        super().__init__(
            [
                widgets.VBox([f.box for f in self.fields.values()]),
                self.status,
                self.headline,
                self.figure,
            ]
        )
        self.add_class("itb-compare")

    def _labels(self) -> tuple[str, str]:
        c = self.controls
        return (
            f"A: {c['concentration_a'].value:g} mcg/mL",
            f"B: {c['concentration_b'].value:g} mcg/mL",
        )

    def _plans(self) -> tuple[RefillPlan, RefillPlan] | None:
        c = self.controls
        common = {
            "fill_volume_ml": c["fill_volume"].value,
            "daily_dose_mcg": c["daily_dose"].value,
            "low_alarm_ml": c["alarm_volume"].value,
            "refill_at": self._refill_at,
        }
        errors: dict[str, str | Exception] = {}
        plans = []
        for key in ("concentration_a", "concentration_b"):
            try:
                plans.append(plan_refill(concentration_mcg_per_ml=c[key].value, **common))
            except ValueError as error:
                controls = {**COMPARE_CONTROLS, "concentration_mcg_per_ml": key}
                errors[control_for(error, controls, default=key)] = error
                break
        for name, field in self.fields.items():
            if name in errors:
                field.error(learner_message(errors[name]))
            else:
                field.clear()
        if errors:
            return None
        return plans[0], plans[1]

    def update(self, change: Any = None) -> None:
        """Recompute both plans; keep the last valid pair on a bad value."""
        plans = self._plans()
        if plans is None:
            self.status.value = (
                f"<div style='{ERROR_STYLE}'>Fix the value marked ⚠ above; the last valid "
                "result is still shown below.</div>"
            )
            return
        self.status.value = ""
        self.plans = plans
        self._render()

    def _render(self) -> None:
        until = max(p.horizon_days() for p in self.plans)
        data = volume_trace_data(self.plans[0], until) + volume_trace_data(self.plans[1], until)
        labels = self._labels()
        with self.figure.batch_update():
            apply_trace_data(self.figure, data)
            for annotation, label in zip(self.figure.layout.annotations, labels, strict=True):
                annotation.text = label
        self.headline.value = compare_html(self.plans, labels)


def _tables(pumps: Any, products: Any, facts: Any) -> tuple[Any, Any, Any]:
    from itb_edu import data

    return (
        data.pumps() if pumps is None else pumps,
        data.drug_products() if products is None else products,
        data.facts() if facts is None else facts,
    )


def simulator_app(
    *,
    pumps: Any = None,
    products: Any = None,
    facts: Any = None,
    refill_at: datetime | None = None,
) -> SimulatorApp:
    """Build the reservoir simulator.

    Parameters
    ----------
    pumps, products, facts : pandas.DataFrame, optional
        ``data/pumps.csv``, ``data/drug_products.csv`` and ``data/facts.csv``; default the
        course tables. Pump alarm volumes and reservoir sizes come from the pump table.
    refill_at : datetime, optional
        Initial refill date and time; default 5 January 2026 at 09:00 (a fixed date keeps the
        stored notebook reproducible).

    Returns
    -------
    SimulatorApp
        The widget (an ``ipywidgets.VBox``); its ``controls``, ``messages``, ``figure``,
        ``headline`` and ``plan`` are there for tests and for the notebook.
    """
    pumps, products, facts = _tables(pumps, products, facts)
    return SimulatorApp(pumps, products, facts, refill_at or datetime(2026, 1, 5, 9, 0))


def compare_app(
    *,
    concentrations: tuple[float, float] = (500.0, 2000.0),
    daily_dose_mcg: float = 400.0,
    fill_volume_ml: float = 20.0,
    low_alarm_ml: float = 2.0,
    products: Any = None,
    refill_at: datetime | None = None,
) -> CompareApp:
    """Build the side-by-side comparison of two concentrations.

    Parameters
    ----------
    concentrations : pair of float, default (500, 2000)
        Scenario A and B [mcg/mL]; each must be a refill strength in the product table.
    daily_dose_mcg : float, default 400
        Daily dose [mcg/day] (author-derived teaching example).
    fill_volume_ml : float, default 20
        Fill volume [mL].
    low_alarm_ml : float, default 2.0
        Alarm volume [mL].
    products : pandas.DataFrame, optional
        ``data/drug_products.csv``; default the course table.
    refill_at : datetime, optional
        Refill moment; default 5 January 2026 at 09:00.

    Returns
    -------
    CompareApp
        The widget (an ``ipywidgets.VBox``).
    """
    if products is None:
        from itb_edu import data

        products = data.drug_products()
    return CompareApp(
        products,
        refill_at or datetime(2026, 1, 5, 9, 0),
        concentrations,
        daily_dose_mcg,
        fill_volume_ml,
        low_alarm_ml,
    )
