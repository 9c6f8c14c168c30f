"""The pinned environment: pyproject.toml, environment.yml and constraints.txt agree."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.+\-]+)$")


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += extra
    pins = {}
    for spec in specs:
        match = PIN.match(spec)
        assert match, f"pyproject.toml: {spec!r} is not pinned to an exact version (name==x.y.z)"
        pins[norm(match[1])] = match[2]
    return pins


def environment_pins() -> dict[str, str]:
    pins = {}
    in_pip = False
    for raw in (ROOT / "environment.yml").read_text().splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if line.strip() == "- pip:":
            in_pip = True
            continue
        if in_pip and line.strip().startswith("- "):
            item = line.strip()[2:].strip()
            if item == "-e .":
                continue
            match = PIN.match(item)
            assert match, f"environment.yml: {item!r} is not an exact pin"
            pins[norm(match[1])] = match[2]
    return pins


def constraint_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            match = PIN.match(line.strip())
            assert match, f"constraints.txt: {line!r} is not an exact pin"
            pins[norm(match[1])] = match[2]
    return pins


def test_every_dependency_is_pinned_exactly():
    pins = pyproject_pins()
    for needed in [
        "jupyterlab",
        "ipywidgets",
        "plotly",
        "anywidget",
        "pandas",
        "nbval",
        "pytest",
        "voila",
        "jupyterlab-rise",
        "ruff",
    ]:
        assert needed in pins, f"{needed} is missing from pyproject.toml"
    assert pins["jupyterlab"].startswith("4.")
    assert pins["ipywidgets"].startswith("8.")


def test_environment_yml_mirrors_pyproject():
    assert environment_pins() == pyproject_pins()


def test_environment_yml_installs_the_package_and_python():
    text = (ROOT / "environment.yml").read_text()
    assert "- -e ." in text
    assert re.search(r"^\s*- python=3\.1[1-9]\s*$", text, re.MULTILINE)


def test_constraints_lock_agrees_with_direct_pins():
    locked = constraint_pins()
    for name, version in pyproject_pins().items():
        assert locked.get(name) == version, f"constraints.txt pins {name} to {locked.get(name)}"


def test_build_backend_is_pinned():
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]
    assert all(PIN.match(req) for req in build["requires"])


def test_readme_commands_are_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make lab" in readme
    assert "make test" in readme
    assert re.search(r"^make test$", ci, re.MULTILINE)
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: \$\(STAMP\) system-deps lint typecheck$", makefile, re.MULTILINE)
    assert "--doctest-modules" in makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "--ServerApp.ip=127.0.0.1" in makefile
    assert "notebooks/00_start_here.ipynb" in makefile
