"""The course map: each notebook, what it teaches, how long it takes and whom it suits.

The start-here notebook renders this table, and a test checks it against the notebooks that
exist, so the map cannot drift from the course.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["COURSE", "Module"]


@dataclass(frozen=True)
class Module:
    """One notebook of the course."""

    notebook: str
    title: str
    teaches: str
    minutes: int
    suits: str


COURSE: tuple[Module, ...] = (
    Module(
        "00_start_here.ipynb",
        "Start here",
        "What ITB therapy is, the course map, how to use the widgets and how to present.",
        15,
        "Everyone, first.",
    ),
    Module(
        "01_pump_and_catheter_system.ipynb",
        "The pump and catheter system",
        "The parts of the system and where the drug goes; pump types; the life cycle from "
        "screening to replacement; the refill visit and its hazards; alarms; MRI; patients' "
        "frequent questions.",
        60,
        "Nurses and students new to ITB; educators explaining the device.",
    ),
    Module(
        "02_reservoir_simulator.ipynb",
        "Reservoir simulator: when will the pump alarm?",
        "How dose, concentration and volume set the refill interval; the low-reservoir alarm "
        "date and time; flex dosing and boluses; planning refills for a clinic.",
        45,
        "Nurses who refill or schedule refills; students practising the arithmetic.",
    ),
    Module(
        "03_side_effects_and_safety.ipynb",
        "Side effects, withdrawal and overdose",
        "Drug effects, early and severe withdrawal, overdose and device complications; "
        "withdrawal versus overdose; what a missed refill leads to; weight gain; case "
        "scenarios and self-checks.",
        45,
        "Every nurse caring for a patient with a pump, on the ward or in the emergency room.",
    ),
    Module(
        "04_refill_visit.ipynb",
        "The refill visit, step by step",
        "Practise the refill visit and the programming on ten fictional patients, step by "
        "step: the wrong port, pocket fill, an unexplained residual, a dose per hour, the "
        "bridge bolus and the new volume; the debrief and the patient's alarm-date card.",
        60,
        "Nurses who assist at or carry out refills; educators running a practice session.",
    ),
    Module(
        "05_emergencies.ipynb",
        "Emergencies: withdrawal, overdose and their look-alikes",
        "Eight fictional emergencies that unfold while you act: withdrawal (a missed refill, a "
        "catheter fault, severe), overdose (after a refill, after a restart), autonomic "
        "dysreflexia, meningitis and a drug reaction; the first-actions checklist; telling "
        "them apart; teaching families, teach-back and a take-home sheet.",
        60,
        "Nurses on wards, in emergency departments and pump clinics; educators running an "
        "emergency session.",
    ),
    Module(
        "06_my_progress.ipynb",
        "My progress",
        "Your record of self-checks, cases, visits and teach-back by learning objective: "
        "what was right first time and what to revisit; a pre-test and a post-test on the "
        "core objectives; a dated summary to print for a preceptor.",
        20,
        "Students working alone; nurses in training who show their progress to a preceptor.",
    ),
    Module(
        "07_live_room.ipynb",
        "Live room (for educators)",
        "Put any course question, numeric question or emergency-case decision to the class: "
        "everyone answers on their own screen, the projector counts live, the result shows "
        "when you reveal it, and a second vote after discussion sits beside the first.",
        15,
        "Educators presenting to a room (with notebook 08 for the learners).",
    ),
    Module(
        "08_join_room.ipynb",
        "Join a live room",
        "Join your educator's room with its code, answer on your own screen, and see the "
        "class's result, the right answer and its sources after the reveal.",
        5,
        "Students and nurses in a class taught with the course.",
    ),
)
