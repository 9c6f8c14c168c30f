"""Print the links an educator sends to a class: Binder (Lab and Voilà) and nbgitpuller.

    .venv/bin/python scripts/launch_links.py                       # owner/repo from git origin
    .venv/bin/python scripts/launch_links.py --repo OWNER/NAME --hub https://hub.example.org

* Binder, JupyterLab at the start-here notebook.
* Binder, the reservoir simulator as a Voilà app (no code on screen).
* With ``--hub``: nbgitpuller links for a JupyterHub (The Littlest JupyterHub or Zero to
  JupyterHub) that already has the course environment installed; the same two targets.

The GitHub owner and repository come from ``git remote get-url origin`` unless ``--repo`` is
given (``OWNER/NAME`` or any GitHub URL). See docs/classroom.md.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
START_HERE = "notebooks/00_start_here.ipynb"
SIMULATOR = "notebooks/02_reservoir_simulator.ipynb"
BINDER = "https://mybinder.org"

_OWNER = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})"
_NAME = r"[A-Za-z0-9._-]+?"
_REMOTE_PATTERNS = [
    re.compile(rf"^(?P<owner>{_OWNER})/(?P<name>{_NAME})$"),
    re.compile(
        rf"^https?://(?:www\.)?github\.com/(?P<owner>{_OWNER})/(?P<name>{_NAME})(?:\.git)?/?$"
    ),
    re.compile(rf"^git@github\.com:(?P<owner>{_OWNER})/(?P<name>{_NAME})(?:\.git)?$"),
    re.compile(rf"^ssh://git@github\.com(?::22)?/(?P<owner>{_OWNER})/(?P<name>{_NAME})(?:\.git)?$"),
]
_REF = re.compile(r"^[A-Za-z0-9._/-]+$")


def parse_github_repo(remote: str) -> tuple[str, str]:
    """Return ``(owner, name)`` from ``OWNER/NAME`` or a GitHub remote URL.

    Raises ``ValueError`` naming the value when it is not a GitHub repository.
    """
    text = remote.strip()
    for pattern in _REMOTE_PATTERNS:
        match = pattern.match(text)
        if match and match["name"] not in {".", ".."}:
            name = match["name"].removesuffix(".git")
            return match["owner"], name
    raise ValueError(
        f"repo must be OWNER/NAME or a GitHub URL (https://github.com/OWNER/NAME), got {remote!r}"
    )


def repo_from_git(cwd: Path = ROOT, run: Callable = subprocess.run) -> tuple[str, str]:
    """Read the GitHub owner and name from ``git remote get-url origin`` (read-only)."""
    try:
        result = run(
            ["git", "remote", "get-url", "origin"],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError as exc:
        raise ValueError("git is not installed: pass --repo OWNER/NAME") from exc
    if result.returncode != 0 or not result.stdout.strip():
        raise ValueError(
            "this checkout has no 'origin' remote: pass --repo OWNER/NAME "
            "(the GitHub repository the class will use)"
        )
    return parse_github_repo(result.stdout)


def _check_ref(ref: str) -> str:
    if not _REF.match(ref) or ".." in ref:
        raise ValueError(f"ref must be a branch, tag or commit name, got {ref!r}")
    return ref


def _check_base_url(name: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise ValueError(f"{name} must be an http(s) address such as https://host, got {url!r}")
    return url.rstrip("/")


def binder_link(owner: str, name: str, ref: str, urlpath: str, binder: str = BINDER) -> str:
    """Binder launch link that opens ``urlpath`` (``lab/tree/...`` or ``voila/render/...``)."""
    base = _check_base_url("binder", binder)
    return f"{base}/v2/gh/{owner}/{name}/{_check_ref(ref)}?urlpath={quote(urlpath, safe='')}"


def binder_lab_link(owner: str, name: str, ref: str = "main", binder: str = BINDER) -> str:
    """Binder link: JupyterLab with the start-here notebook open."""
    return binder_link(owner, name, ref, f"lab/tree/{START_HERE}", binder)


def binder_voila_link(owner: str, name: str, ref: str = "main", binder: str = BINDER) -> str:
    """Binder link: the reservoir simulator as a Voilà app."""
    return binder_link(owner, name, ref, f"voila/render/{SIMULATOR}", binder)


def nbgitpuller_link(hub: str, owner: str, name: str, ref: str, urlpath: str) -> str:
    """nbgitpuller link: clone or update the repository in the student's home, open urlpath.

    ``urlpath`` is relative to the student's home, so it starts with the clone's folder,
    which nbgitpuller names after the repository.
    """
    base = _check_base_url("hub", hub)
    query = urlencode(
        {
            "repo": f"https://github.com/{owner}/{name}",
            "urlpath": urlpath,
            "branch": _check_ref(ref),
        }
    )
    return f"{base}/hub/user-redirect/git-pull?{query}"


def hub_lab_link(hub: str, owner: str, name: str, ref: str = "main") -> str:
    """nbgitpuller link opening the start-here notebook in JupyterLab."""
    return nbgitpuller_link(hub, owner, name, ref, f"lab/tree/{name}/{START_HERE}")


def hub_voila_link(hub: str, owner: str, name: str, ref: str = "main") -> str:
    """nbgitpuller link opening the simulator as a Voilà app on the hub."""
    return nbgitpuller_link(hub, owner, name, ref, f"voila/render/{name}/{SIMULATOR}")


def links(owner: str, name: str, ref: str, hub: str | None, binder: str) -> list[tuple[str, str]]:
    """All links as ``(label, url)`` pairs, Binder first, then the hub if given."""
    result = [
        (
            "Binder, JupyterLab at the start-here notebook",
            binder_lab_link(owner, name, ref, binder),
        ),
        ("Binder, the reservoir simulator in Voilà", binder_voila_link(owner, name, ref, binder)),
    ]
    if hub:
        result += [
            (
                "JupyterHub (nbgitpuller), JupyterLab at start-here",
                hub_lab_link(hub, owner, name, ref),
            ),
            (
                "JupyterHub (nbgitpuller), the simulator in Voilà",
                hub_voila_link(hub, owner, name, ref),
            ),
        ]
    return result


def main(argv: list[str] | None = None, run: Callable = subprocess.run) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", help="OWNER/NAME or GitHub URL (default: git origin)")
    parser.add_argument("--ref", default="main", help="branch, tag or commit (main)")
    parser.add_argument("--hub", help="JupyterHub address, e.g. https://hub.example.org")
    parser.add_argument("--binder", default=BINDER, help=f"BinderHub address ({BINDER})")
    args = parser.parse_args(argv)
    try:
        owner, name = parse_github_repo(args.repo) if args.repo else repo_from_git(run=run)
        pairs = links(owner, name, args.ref, args.hub, args.binder)
    except ValueError as exc:
        print(f"launch_links: {exc}", file=sys.stderr)
        return 2
    for label, url in pairs:
        print(f"{label}:\n  {url}")
    if not args.hub:
        print("(add --hub https://your-hub to print the nbgitpuller links)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
