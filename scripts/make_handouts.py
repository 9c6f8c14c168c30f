"""Write a static HTML handout of each notebook, with its figures visible, for print or sharing.

Usage: ``python scripts/make_handouts.py [notebooks ...] [--out handouts]`` (``make handouts``).

Each notebook is executed afresh with plotly's ``notebook`` renderer, which inlines plotly.js
once per page, so every figure built by the course draws in the HTML file with no network
and no Jupyter server. The interactive apps need a running kernel: in a handout they appear as
a note pointing to the live course. The setup cell is left out.
"""

from __future__ import annotations

import argparse
import html
import os
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from run_notebooks import execute
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
LIVE_NOTE = (
    '<div style="border:1px dashed #1f4e79;padding:0.6em 0.9em;color:#1f4e79;'
    'background:#f4f7fa">Interactive control: open this notebook in JupyterLab or the Voilà app '
    "(<code>make lab</code> or <code>make app</code>) to use it.</div>"
)


def replace_widgets(nb: nbformat.NotebookNode) -> None:
    """Swap widget views (which need a live kernel) for a short note.

    A widget that gives a static form of itself (a quiz lists its questions and choices as
    HTML) keeps it, so the handout can be printed and used in class, with the note after it.
    """
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_MIME in data:
                static = data.get("text/html", "")
                output["data"] = {
                    "text/html": static + LIVE_NOTE,
                    "text/plain": data.get("text/plain", "interactive control"),
                }


def build(path: Path, out_dir: Path, timeout: int) -> tuple[Path, float, int]:
    nb = nbformat.read(path, as_version=4)
    os.environ["ITB_EDU_PLOTLY_RENDERER"] = "notebook"  # the kernel inherits it
    elapsed = execute(nb, path.parent, timeout)
    replace_widgets(nb)
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = ("setup",)
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    exporter = HTMLExporter(config=config, template_name="lab")
    title = nb.cells[0].source.lstrip("# ").splitlines()[0] if nb.cells else path.stem
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    footer = (
        f"<footer style='margin:2em;color:#555'>itb-edu handout: {html.escape(path.name)}. "
        "For education only, not for programming a real pump.</footer></body>"
    )
    body = body.replace("</body>", footer, 1)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{path.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target, elapsed, len(body.encode())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "handouts")
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in notebooks:
        target, elapsed, size = build(path, args.out, args.timeout)
        print(
            f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: "
            f"{size / 1e6:.1f} MB, executed in {elapsed:.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
