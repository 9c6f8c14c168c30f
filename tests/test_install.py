"""A plain ``pip install .`` finds the data outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_pip_install_outside_checkout(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-c",
            str(ROOT / "constraints.txt"),
            str(ROOT),
        ],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import itb_edu, itb_edu.data as d; "
        "p = d.pumps(); s = d.sources(); "
        "print(itb_edu.__file__); print(d.course_data_dir()); print(len(p), len(s))"
    )
    out = subprocess.run(
        [str(python), "-c", code],
        cwd=elsewhere,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert str(ROOT) not in out[0], "imported the checkout, not the installed package"
    assert out[1].endswith(os.path.join("itb_edu", "_data"))
    n_pumps, n_sources = map(int, out[2].split())
    assert n_pumps >= 4
    assert n_sources >= 2
