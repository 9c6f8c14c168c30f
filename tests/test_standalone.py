"""The project stands alone: nothing in it reads a file outside the repository.

A learner's clone, a fork, Binder, a hub and ``pip install`` have nothing beside the
repository, so the package, tests, scripts, notebooks and Makefile must not reach out of it.
``.ci/run`` also runs the test command in a fresh clone with nothing beside it; this test
catches the mistake earlier, on every ``make test``.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# What climbs out of the repository: the team's reference folder beside the checkout, by path
# or by name, or a package file climbing more parents than <repo>/src/itb_edu/<module>.py has.
# The folder's name is spelled in two parts so that this file is not itself a reference to it.
_FOLDER = "sha" + "red"
OUTSIDE = re.compile(
    r"\.\./+(?:\.\./+)*" + _FOLDER + r"\b"  # the reference folder by a path above the checkout
    r"|[\"']" + _FOLDER + r"[\"']"  # Path(...) / "<folder>"
    r"|parents\[(?:[3-9]|\d\d)\]"  # <repo>/..
)
CHECKED = ("src", "tests", "scripts", "notebooks", "etc", "Makefile", ".ci", "postBuild")


def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--", *CHECKED],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    this_file = Path(__file__).resolve()
    paths = [ROOT / name for name in listed.split("\0") if name]
    return [path for path in paths if path.resolve() != this_file]


def test_no_file_reaches_outside_the_repository():
    files = tracked_files()
    assert any(f.name == "Makefile" for f in files)
    assert any(f.suffix == ".ipynb" for f in files)
    hits = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    assert hits == []


def test_the_pattern_catches_what_it_is_for():
    folder = _FOLDER
    for bad in (
        f'Path(__file__).resolve().parents[3] / "{folder}" / "seed-faq.txt"',
        f"cat ../{folder}/seed-faq.txt",
        "root = here.parents[4]",
    ):
        assert OUTSIDE.search(bad), bad
    for fine in ("data/faq.csv", "parents[1]", "notebooks/../data", "shared_state = 1", "sharedx"):
        assert not OUTSIDE.search(fine), fine


def test_ci_runs_the_test_command_in_a_fresh_clone_with_nothing_beside_it():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "git clone" in script
    assert "mktemp -d" in script
    assert script.rstrip().endswith("make test")
