"""Write the class question sheet and the answer key from the question data.

Usage: ``python scripts/answer_key.py [--out handouts]`` (``make answer-key``). Writes
``questions.html`` (every self-check question with its choices, no answers) and
``answer-key.html`` (answers, explanations, objectives, sources, the engine's numeric answers
and the guide to the emergency cases). Print each on its own: the answers are on separate
pages from the questions.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from itb_edu.answer_key import answer_key_html, question_sheet_html

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "handouts")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, page in (
        ("questions.html", question_sheet_html()),
        ("answer-key.html", answer_key_html()),
    ):
        target = args.out / name
        target.write_text(page, encoding="utf-8")
        print(f"{target}: {len(page.encode()) / 1024:.0f} kB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
