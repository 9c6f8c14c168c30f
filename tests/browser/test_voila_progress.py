"""The learner record across kernels in the app view: answer in one page, see it in another."""

from __future__ import annotations

from datetime import date

from itb_edu import data
from tests.support.browser import SCREENSHOTS

EMERGENCIES = "voila/render/05_emergencies.ipynb"
PROGRESS = "voila/render/06_my_progress.ipynb"


def test_an_answer_in_one_page_shows_in_my_progress_after_a_new_kernel(page, module_voila_server):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Page 1 (its own kernel): answer the first self-check of notebook 05.
    page.goto(module_voila_server.url(EMERGENCIES), timeout=180_000)
    card = page.locator(".itb-quiz .itb-quiz-question").first
    card.wait_for(timeout=120_000)
    card.locator("label", has_text="The pump card").click()
    card.get_by_role("button", name="Check").click()
    card.get_by_text("✔ Correct.").wait_for(timeout=30_000)
    assert page.locator(".itb-quiz .itb-record-notice").first.inner_text() == ""

    # Page 2: a new kernel reads the record from the file.
    page.goto(module_voila_server.url(PROGRESS), timeout=180_000)
    table = page.locator(".itb-progress .itb-progress-table")
    table.locator("table").wait_for(timeout=120_000)
    objective = (
        data.objectives().set_index("objective_id").loc["emergency-first-actions", "objective"]
    )
    row = table.locator("tr", has_text=objective.split(":")[0])
    assert "not yet seen" not in row.inner_text()

    # The dated summary to print.
    page.get_by_role("button", name="Prepare my summary to print").click()
    link = page.locator(".itb-progress a[download]")
    link.wait_for(timeout=30_000)
    assert link.get_attribute("download") == f"itb-edu-progress-{date.today():%Y-%m-%d}.html"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".itb-progress").screenshot(path=str(SCREENSHOTS / "my-progress.png"))
    assert errors == []
