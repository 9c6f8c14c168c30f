"""Execute course notebooks top to bottom and store them with their outputs.

Usage: ``python scripts/run_notebooks.py notebooks/01_x.ipynb [...]`` (``make notebooks`` runs
all). Each notebook runs in a fresh kernel from its own folder. Widget state is not stored
(it would add anywidget's ~5 MB bundle), cell timing metadata is not recorded, and the run
fails if any cell raises or if the stored notebook would exceed 1 MB.

Before running, the presentation metadata is set from the notebook's own structure, so every
notebook presents the same way: the setup cell (the first code cell) is collapsed in
JupyterLab and skipped in slides; ``#``/``##`` headings start a slide and ``###`` headings a
sub-slide; RISE scrolls long slides.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

MAX_BYTES = 1_000_000


RISE_SETTINGS = {
    "scroll": True,
    "theme": "simple",
    "transition": "none",
    "enable_chalkboard": False,
}


def slide_type(cell: dict) -> str:
    """Return the RISE slide type for a cell from its first line."""
    if cell["cell_type"] != "markdown":
        return "-"
    first = cell["source"].lstrip().splitlines()[0] if cell["source"].strip() else ""
    if first.startswith(("# ", "## ")):
        return "slide"
    if first.startswith("### "):
        return "subslide"
    return "-"


def apply_presentation_metadata(nb: nbformat.NotebookNode) -> None:
    """Collapse the setup cell and set slide metadata on every cell (idempotent)."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    setup = code[0] if code else None
    for cell in nb.cells:
        kind = "skip" if cell is setup else slide_type(cell)
        cell.metadata["slideshow"] = {"slide_type": kind}
        if cell is setup:
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
            tags = cell.metadata.setdefault("tags", [])
            if "setup" not in tags:
                tags.append("setup")
    nb.metadata["rise"] = dict(RISE_SETTINGS)


def execute(nb: nbformat.NotebookNode, folder: Path, timeout: int) -> float:
    """Run ``nb`` top to bottom in a fresh python3 kernel started in ``folder``; return seconds.

    No widget state and no cell timing are recorded. Also used by make_handouts.py.
    """
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
        store_widget_state=False,
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def run(path: Path, timeout: int) -> tuple[float, int]:
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    apply_presentation_metadata(nb)
    elapsed = execute(nb, path.parent, timeout)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    text = nbformat.writes(nb) + "\n"
    size = len(text.encode())
    if size > MAX_BYTES:
        raise SystemExit(f"{path}: {size / 1e6:.2f} MB after execution; the limit is 1 MB")
    path.write_text(text, encoding="utf-8")
    return elapsed, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        try:
            elapsed, size = run(path, args.timeout)
        except CellExecutionError as exc:
            print(f"{path}: a cell failed\n{exc}", file=sys.stderr)
            return 1
        print(f"{path}: executed in {elapsed:.1f} s, stored {size / 1e3:.0f} kB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
