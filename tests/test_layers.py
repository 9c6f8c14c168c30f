"""The layer walls, checked on every import statement, lazy ones (inside functions) included.

domain -> figures and presentation -> figure_widget -> apps and notebook -> serving

- domain modules (numbers, dates, tables in and out) import no plotly, ipywidgets, IPython or
  anywidget, and nothing from a layer above;
- figure builders and the presentation module import no widgets and nothing above them;
- apps and the notebook helpers do not import each other, nor the servers;
- no module imports a private name (``_x``) or a private module of another layer.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "itb_edu"

DOMAIN = {
    "itb_edu._store",
    "itb_edu._validate",
    "itb_edu.errors",
    "itb_edu.cases",
    "itb_edu.course",
    "itb_edu.data",
    "itb_edu.faq",
    "itb_edu.moments",
    "itb_edu.parts",
    "itb_edu.pumps",
    "itb_edu.quiz",
    "itb_edu.record",
    "itb_edu.reservoir",
    "itb_edu.room",
    "itb_edu.scheduling",
    "itb_edu.side_effects",
    "itb_edu.teaching",
    "itb_edu.visit",
}
WIDGET_LIBRARIES = ("ipywidgets", "anywidget", "IPython", "ipykernel")
PLOTTING = ("plotly",)


def layer(module: str) -> str:
    if module in DOMAIN:
        return "domain"
    if module.startswith("itb_edu.figures") or module in (
        "itb_edu.presentation",
        "itb_edu.case_presentation",
        "itb_edu.answer_key",
        "itb_edu.progress_view",
        "itb_edu.room_presentation",
    ):
        return "figures"
    if module == "itb_edu.figure_widget":
        return "figure_widget"
    if module.startswith("itb_edu.apps"):
        return "apps"
    if module == "itb_edu.notebook" or module.startswith("itb_edu.notebook."):
        return "notebook"
    if module == "itb_edu.serving":
        return "serving"
    if module == "itb_edu":
        return "package"
    raise AssertionError(f"{module} belongs to no layer: add it to tests/test_layers.py")


#: What each layer may import from the package (by layer).
ALLOWED = {
    "domain": {"domain", "package"},
    "figures": {"domain", "figures", "package"},
    "figure_widget": {"figure_widget", "package"},
    "apps": {"domain", "figures", "figure_widget", "apps", "package"},
    "notebook": {"domain", "figures", "figure_widget", "notebook", "package"},
    "serving": {"figure_widget", "serving", "package"},
}
#: Outside libraries each layer must not import.
FORBIDDEN = {
    "domain": WIDGET_LIBRARIES + PLOTTING,
    "figures": ("ipywidgets", "anywidget", "ipykernel"),
    "figure_widget": ("ipywidgets",),
    "apps": (),
    "notebook": ("ipywidgets",),
    "serving": ("ipywidgets",),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """Every import in the file: (line, absolute module, imported names)."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            names = [alias.name for alias in node.names]
            if target.startswith("itb_edu"):
                # "from itb_edu import data" imports the module itb_edu.data.
                for name in names:
                    candidate = f"{target}.{name}"
                    if (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).exists() or (
                        PACKAGE.parent / candidate.replace(".", "/")
                    ).is_dir():
                        found.append((node.lineno, candidate, []))
                    else:
                        found.append((node.lineno, target, [name]))
            else:
                found.append((node.lineno, target, names))
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def violations(path: Path) -> list[str]:
    here = module_name(path)
    mine = layer(here)
    problems = []
    for line, target, names in imports(path):
        where = f"{path.relative_to(PACKAGE)}:{line}"
        if target.startswith("itb_edu"):
            theirs = layer(target)
            if theirs not in ALLOWED[mine]:
                problems.append(f"{where}: {mine} module imports {theirs} module {target}")
            crossing = theirs != mine
            private_module = any(part.startswith("_") for part in target.split(".")[1:])
            if crossing and private_module and theirs != "package":
                problems.append(f"{where}: imports private module {target} of another layer")
            private = [n for n in names if n.startswith("_")]
            if crossing and private:
                problems.append(f"{where}: imports private {private} from {target}")
        elif target.split(".")[0] in FORBIDDEN[mine]:
            problems.append(f"{where}: {mine} module imports {target}")
    return problems


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layer_walls(path: Path) -> None:
    assert violations(path) == []


def test_every_module_has_a_layer() -> None:
    layers = {module_name(p): layer(module_name(p)) for p in MODULES}
    assert {"domain", "figures", "figure_widget", "apps", "notebook", "serving"} <= set(
        layers.values()
    )


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("reservoir.py", "def f():\n    import plotly.graph_objects as go\n", "imports plotly"),
        ("scheduling.py", "from itb_edu.apps import quiz\n", "imports apps module"),
        ("figures/x.py", "import ipywidgets\n", "figures module imports ipywidgets"),
        ("apps/x.py", "from itb_edu.figures.reservoir import _layout\n", "imports private"),
        ("apps/x.py", "from itb_edu import notebook\n", "imports notebook module"),
        ("notebook.py", "from .apps import quiz\n", "imports apps module"),
        ("apps/x.py", "from itb_edu._validate import ParameterError\n", "private module"),
    ],
)
def test_the_walls_catch_what_they_are_for(tmp_path, monkeypatch, module, source, expected):
    fake = tmp_path / "itb_edu"
    target = fake / module
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source, encoding="utf-8")
    for real in PACKAGE.rglob("*.py"):  # so that "from itb_edu import notebook" resolves
        copy = fake / real.relative_to(PACKAGE)
        if not copy.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text("", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    found = violations(target)
    assert any(expected in problem for problem in found), found


def test_every_domain_module_is_type_checked_strictly() -> None:
    import tomllib

    config = tomllib.loads((PACKAGE.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    mypy = config["tool"]["mypy"]
    assert mypy["files"] == ["src/itb_edu"]
    (strict,) = [o for o in mypy["overrides"] if o.get("disallow_untyped_defs")]
    assert set(strict["module"]) == DOMAIN
    domain_files = {module_name(p) for p in MODULES if layer(module_name(p)) == "domain"}
    assert domain_files == DOMAIN
