"""A two-vote round with 30 learners, end to end, on this machine (``make room-rehearsal``).

Starts Voilà on 127.0.0.1 with the live-room configuration (``etc/room`` over ``etc``: 30
pre-heated join pages), a fresh token and a store of its own; opens the educator's page in
chromium and a room on a course question; opens 30 learner pages from the join link (each its
own kernel); every learner answers (vote 1), the educator reveals, every learner answers again
(vote 2, most changing to the right answer), the educator reveals and closes the room. It
prints a table: learners in the room, answers counted on the projector for each vote against
those sent, the time from the last learner's *Send* to the projector showing every answer, and
the time to join. Exits 1 if any count differs. Servers are ended by their PIDs.

    .venv/bin/python scripts/room_rehearsal.py [--learners 30] [--question em-04]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from itb_edu.room import ROOM_URL_ENV, room_question  # noqa: E402
from tests.support import browser, servers  # noqa: E402

EDUCATOR = "voila/render/07_live_room.ipynb"
WORDS = ".itb-room-educator .itb-room-words"


def wait_words(page, text: str, timeout_ms: int = 120_000) -> float:
    """Wait until the projector's words contain ``text``; return when [perf_counter]."""
    page.wait_for_function(
        "([sel, text]) => (document.querySelector(sel)?.innerText || '').includes(text)",
        arg=[WORDS, text],
        polling=100,
        timeout=timeout_ms,
    )
    return time.perf_counter()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--question", default="em-04")
    args = parser.parse_args()
    question = room_question(args.question)
    right = question.right[0]
    wrong = next(c for c in question.choices if c != right)
    letters = {c: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i] for i, c in enumerate(question.choices)}
    executable = browser.chromium_path()
    if executable is None:
        print(browser.INSTALL_HINT)
        return 1
    from playwright.sync_api import sync_playwright

    rows: list[tuple[str, str]] = []
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        os.environ[ROOM_URL_ENV] = f"sqlite:///{tmp}/rooms.sqlite"
        server = servers.start_voila(
            Path(tmp),
            config_dir=ROOT / "etc" / "room",
            extra_args=[f"--Voila.config_file_paths={ROOT / 'etc'}"],
        )
        try:
            print("waiting 90 s for the pool of pre-heated join pages to fill ...", flush=True)
            time.sleep(90)
            with sync_playwright() as pw:
                chromium = browser.launch(pw, executable)
                projector = chromium.new_page(viewport={"width": 1280, "height": 900})
                projector.goto(server.url(EDUCATOR), timeout=180_000)
                from itb_edu.apps.room import _question_options

                label = next(t for t, q in _question_options() if q == args.question)
                projector.get_by_label("Question").select_option(label=label, timeout=180_000)
                projector.get_by_role("button", name="Open a room on this question").click(
                    timeout=180_000
                )
                link = projector.locator(".itb-room-join a").get_attribute("href")
                code = projector.locator(".itb-room-code").inner_text().strip()
                learners = []
                joins = []
                for _ in range(args.learners):
                    page = chromium.new_page(viewport={"width": 420, "height": 800})
                    start = time.perf_counter()
                    page.goto(link, timeout=180_000)
                    try:
                        page.get_by_text(f"You are in room {code}").wait_for(timeout=180_000)
                    except Exception:
                        page.screenshot(path=str(Path(tmp) / "stuck.png"))
                        print("stuck at:", link, page.locator("body").inner_text()[-800:])
                        raise
                    joins.append(time.perf_counter() - start)
                    learners.append(page)
                rows.append(("learners in the room", f"{len(learners)} of {args.learners}"))
                rows.append(
                    (
                        "open the join link to 'You are in room' (one after another)",
                        f"median {statistics.median(joins):.2f} s, max {max(joins):.2f} s",
                    )
                )
                plans = (
                    ("vote 1", [right if n % 3 == 0 else wrong for n in range(args.learners)]),
                    ("vote 2", [wrong if n % 10 == 0 else right for n in range(args.learners)]),
                )
                for vote, (name, answers) in enumerate(plans, 1):
                    if vote == 2:
                        projector.get_by_role(
                            "button", name="Vote again (after discussion)"
                        ).click()
                    for page, answer in zip(learners, answers, strict=True):
                        page.locator(".itb-room-learner b", has_text=f"Vote {vote}").first.wait_for(
                            timeout=60_000
                        )
                        page.get_by_role(
                            "radio", name=re.compile("^" + re.escape(f"{letters[answer]}. "))
                        ).check()
                        page.get_by_role("button", name="Send my answer").click()
                    sent = time.perf_counter()
                    wait_words(projector, f"Vote {vote}: {args.learners} answers;")
                    counted = time.perf_counter() - sent
                    projector.get_by_role("button", name="Reveal the result").click()
                    expected = ", ".join(
                        f"{letters[c]}{' (right)' if c == right else ''} {answers.count(c)}"
                        for c in question.choices
                    )
                    shown = f"Vote {vote}: {args.learners} answers: {expected}."
                    try:
                        wait_words(projector, shown, 30_000)
                        result = "as sent"
                    except Exception:
                        result = "DIFFERENT"
                        ok = False
                    rows.append((f"{name}: projector after the reveal", f"{shown} ({result})"))
                    rows.append(
                        (
                            f"{name}: last learner's Send to all {args.learners} counted",
                            f"{counted:.2f} s",
                        )
                    )
                    for page in learners[:3]:
                        page.locator(".itb-room-learner h4", has_text="The result").wait_for(
                            timeout=30_000
                        )
                projector.get_by_role("button", name="Close the room…").click()
                projector.get_by_role("button", name="Yes, close it and delete the answers").click()
                for page in learners:
                    page.get_by_text("The educator has closed the room.").wait_for(timeout=60_000)
                rows.append(("room closed on every learner's page", "yes"))
                chromium.close()
        finally:
            server.stop()
    width = max(len(name) for name, _ in rows)
    print(f"| {'measure':<{width}} | value |\n|{'-' * (width + 2)}|---|")
    for name, value in rows:
        print(f"| {name:<{width}} | {value} |")
    print("all counts as sent" if ok else "COUNTS DIFFER")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
