"""Every app, built and driven inside a real Jupyter kernel.

Unit tests of the apps run without a kernel, where widget updates are never serialised. Here
each app is built in an ipykernel and every control is changed, so an update that cannot be
sent to the browser (for example a numpy datetime in a FigureWidget restyle) fails the test
exactly as it would fail for a learner.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]

APPS = {
    "simulator": "from itb_edu.apps import reservoir\napp = reservoir.simulator_app()",
    "compare": "from itb_edu.apps import reservoir\napp = reservoir.compare_app()",
    "explorer_pump": "from itb_edu.apps import explorer\napp = explorer.part_explorer('pump')",
    "explorer_body": "from itb_edu.apps import explorer\napp = explorer.part_explorer('body')",
    "quiz": "from itb_edu.apps import quiz\napp = quiz.quiz_app('02_reservoir_simulator')",
    "safety_quiz": (
        "from itb_edu.apps import quiz\napp = quiz.quiz_app('03_side_effects_and_safety')"
    ),
    "side_effects": "from itb_edu.apps import side_effects\napp = side_effects.side_effects_app()",
    "visit": "from itb_edu.apps import visit\napp = visit.visit_app()",
    # The refill visit at its port step: the pump picture is drawn, every answer highlights
    # its port and a click on the picture (as the browser sends it) selects an answer.
    "visit_port": (
        "from itb_edu.apps import visit\n"
        "from itb_edu.visit import right_action\n"
        "app = visit.visit_app()\n"
        "while app.state.step_id != 'find-port':\n"
        "    app.choices.value = right_action(app.state).choice_id\n"
        "    app.check_button.click()\n"
        "    app.next_button.click()\n"
        "for _, choice in app.choices.options:\n"
        "    app.choices.value = choice\n"
        "port = [i for i, t in enumerate(app.figure.data) if t.meta == 'catheter_access_port']\n"
        "app.figure._js2py_pointsCallback = {'event_type': 'plotly_click', 'points': {\n"
        "    'trace_indexes': port, 'point_indexes': [None], 'xs': [0], 'ys': [0]}}\n"
        "assert app.choices.value == 'catheter-access-port'\n"
        "app.check_button.click()"
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(APPS))
def test_app_survives_every_control_in_a_kernel(name):
    nb = new_notebook(
        cells=[
            new_code_cell(APPS[name] + "\napp"),
            new_code_cell(
                "from tests.support.exercise import exercise\nprint('actions', exercise(app))"
            ),
        ]
    )
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(ROOT)}},
    )
    client.execute()
    outputs = [o for cell in nb.cells for o in cell.outputs]
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors, "\n".join(f"{o.ename}: {o.evalue}" for o in errors)
    stderr = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, stderr
    printed = "".join(o.text for o in outputs if o.output_type == "stream")
    assert int(printed.split()[-1]) > 3
    assert nbformat.validate(nb) is None
