"""scripts/launch_links.py: Binder and nbgitpuller links for a class."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("launch_links", ROOT / "scripts" / "launch_links.py")
ll = importlib.util.module_from_spec(_spec)
sys.modules["launch_links"] = ll
_spec.loader.exec_module(ll)


def fake_git(stdout: str = "", returncode: int = 0):
    calls = []

    def run(cmd, **kwargs):
        calls.append((cmd, kwargs))
        return SimpleNamespace(stdout=stdout, returncode=returncode)

    run.calls = calls
    return run


@pytest.mark.parametrize(
    "remote",
    [
        "nurse-ed/itb-edu",
        "https://github.com/nurse-ed/itb-edu",
        "https://github.com/nurse-ed/itb-edu.git",
        "https://github.com/nurse-ed/itb-edu/",
        "http://www.github.com/nurse-ed/itb-edu",
        "git@github.com:nurse-ed/itb-edu.git",
        "ssh://git@github.com/nurse-ed/itb-edu.git",
        "  https://github.com/nurse-ed/itb-edu.git\n",
    ],
)
def test_parse_github_repo_accepts_the_usual_remotes(remote):
    assert ll.parse_github_repo(remote) == ("nurse-ed", "itb-edu")


def test_parse_keeps_dots_inside_a_name():
    assert ll.parse_github_repo("git@github.com:a-b/course.v2.git") == ("a-b", "course.v2")


@pytest.mark.parametrize(
    "remote",
    [
        "",
        "itb-edu",
        "https://gitlab.com/nurse-ed/itb-edu",
        "https://github.com/nurse-ed",
        "https://github.com/nurse-ed/itb-edu/tree/main",
        "owner/../x",
        "-bad/itb-edu",
        "a/b/c",
    ],
)
def test_parse_github_repo_rejects_other_values(remote):
    with pytest.raises(ValueError, match=r"repo must be OWNER/NAME or a GitHub URL"):
        ll.parse_github_repo(remote)


def test_binder_lab_link_opens_start_here():
    assert ll.binder_lab_link("nurse-ed", "itb-edu") == (
        "https://mybinder.org/v2/gh/nurse-ed/itb-edu/main"
        "?urlpath=lab%2Ftree%2Fnotebooks%2F00_start_here.ipynb"
    )


def test_binder_voila_link_opens_the_simulator():
    assert ll.binder_voila_link("nurse-ed", "itb-edu", ref="v1.0") == (
        "https://mybinder.org/v2/gh/nurse-ed/itb-edu/v1.0"
        "?urlpath=voila%2Frender%2Fnotebooks%2F02_reservoir_simulator.ipynb"
    )


def test_binder_link_on_another_binderhub():
    link = ll.binder_lab_link("o", "r", "main", binder="https://binder.example.edu/")
    assert link.startswith("https://binder.example.edu/v2/gh/o/r/main?urlpath=")


def test_hub_links_match_the_nbgitpuller_format():
    lab = ll.hub_lab_link("https://hub.example.org/", "nurse-ed", "itb-edu")
    assert lab == (
        "https://hub.example.org/hub/user-redirect/git-pull"
        "?repo=https%3A%2F%2Fgithub.com%2Fnurse-ed%2Fitb-edu"
        "&urlpath=lab%2Ftree%2Fitb-edu%2Fnotebooks%2F00_start_here.ipynb"
        "&branch=main"
    )
    voila = ll.hub_voila_link("https://hub.example.org", "nurse-ed", "itb-edu", "spring")
    query = parse_qs(urlsplit(voila).query)
    assert query == {
        "repo": ["https://github.com/nurse-ed/itb-edu"],
        "urlpath": ["voila/render/itb-edu/notebooks/02_reservoir_simulator.ipynb"],
        "branch": ["spring"],
    }


def test_hub_under_a_path_prefix():
    link = ll.hub_lab_link("https://uni.example/jupyter", "o", "r")
    assert link.startswith("https://uni.example/jupyter/hub/user-redirect/git-pull?repo=")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ll.hub_lab_link("hub.example.org", "o", "r"), r"hub must be an http\(s\) address"),
        (lambda: ll.hub_lab_link("ftp://hub", "o", "r"), r"hub must be an http\(s\) address"),
        (lambda: ll.hub_lab_link("https://h/?x=1", "o", "r"), r"hub must be an http\(s\) address"),
        (lambda: ll.binder_lab_link("o", "r", binder="mybinder.org"), r"binder must be an http"),
        (lambda: ll.binder_lab_link("o", "r", ref="my branch"), r"ref must be a branch, tag or"),
        (lambda: ll.binder_lab_link("o", "r", ref=""), r"ref must be a branch, tag or commit"),
        (lambda: ll.hub_lab_link("https://h", "o", "r", ref="a..b"), r"ref must be a branch"),
    ],
)
def test_bad_addresses_and_refs_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@given(
    owner=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9-]{0,20}", fullmatch=True),
    name=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,20}", fullmatch=True),
    ref=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,15}", fullmatch=True),
)
def test_links_round_trip(owner, name, ref):
    assert ll.parse_github_repo(f"https://github.com/{owner}/{name}.git") == (owner, name)
    binder = urlsplit(ll.binder_voila_link(owner, name, ref))
    assert binder.path == f"/v2/gh/{owner}/{name}/{ref}"
    assert unquote(binder.query) == f"urlpath=voila/render/{ll.SIMULATOR}"
    hub = parse_qs(urlsplit(ll.hub_lab_link("https://h.example", owner, name, ref)).query)
    assert hub["repo"] == [f"https://github.com/{owner}/{name}"]
    assert hub["urlpath"] == [f"lab/tree/{name}/{ll.START_HERE}"]
    assert hub["branch"] == [ref]


def test_repo_from_git_reads_origin_read_only():
    run = fake_git("git@github.com:nurse-ed/itb-edu.git\n")
    assert ll.repo_from_git(Path("/somewhere"), run=run) == ("nurse-ed", "itb-edu")
    ((cmd, kwargs),) = run.calls
    assert cmd == ["git", "remote", "get-url", "origin"]
    assert kwargs["cwd"] == Path("/somewhere")


def test_repo_from_git_without_origin_says_what_to_do():
    with pytest.raises(ValueError, match=r"no 'origin' remote: pass --repo OWNER/NAME"):
        ll.repo_from_git(run=fake_git("", returncode=2))


def test_main_prints_binder_and_hub_links(capsys):
    code = ll.main(["--repo", "nurse-ed/itb-edu", "--hub", "https://hub.example.org"])
    out = capsys.readouterr().out
    assert code == 0
    assert "https://mybinder.org/v2/gh/nurse-ed/itb-edu/main?urlpath=lab%2Ftree%2F" in out
    assert "voila%2Frender%2Fnotebooks%2F02_reservoir_simulator.ipynb" in out
    assert out.count("https://hub.example.org/hub/user-redirect/git-pull?") == 2


def test_main_uses_git_origin_and_hints_at_hub(capsys):
    code = ll.main([], run=fake_git("https://github.com/nurse-ed/itb-edu.git"))
    out = capsys.readouterr().out
    assert code == 0
    assert "/v2/gh/nurse-ed/itb-edu/main?" in out
    assert "add --hub" in out


def test_main_reports_a_bad_repo_in_plain_words(capsys):
    assert ll.main(["--repo", "not a repo"]) == 2
    assert "launch_links: repo must be OWNER/NAME" in capsys.readouterr().err


def test_script_runs_from_the_command_line():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "launch_links.py"), "--repo", "o/r"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "https://mybinder.org/v2/gh/o/r/main?urlpath=lab%2Ftree%2Fnotebooks" in result.stdout


# --- the Binder (repo2docker) files the links rely on ---------------------------------------


def test_binder_uses_the_root_files():
    # repo2docker ignores root files when a binder/ or .binder/ folder exists.
    assert not (ROOT / "binder").exists()
    assert not (ROOT / ".binder").exists()
    environment = (ROOT / "environment.yml").read_text()
    # A local pip requirement makes repo2docker copy the whole repository before installing
    # environment.yml, so that `-e .` finds pyproject.toml.
    assert "      - -e .\n" in environment
    assert "voila==" in environment  # the Voilà server extension for the app link


def test_post_build_is_executable_and_installs_lab_settings():
    post_build = ROOT / "postBuild"
    assert post_build.stat().st_mode & 0o111
    text = post_build.read_text()
    assert text.startswith("#!/bin/bash\n")
    assert "set -euo pipefail" in text
    assert "python scripts/lab_settings.py" in text
    assert (ROOT / "scripts" / "lab_settings.py").is_file()
    assert 'cp etc/lab/jupyter_server_config.py "$config_dir/jupyter_server_config.py"' in text
    assert (ROOT / "etc" / "lab" / "jupyter_server_config.py").is_file()


def test_linked_notebooks_are_in_the_repository():
    assert ll.START_HERE == "notebooks/00_start_here.ipynb"
    assert ll.SIMULATOR == "notebooks/02_reservoir_simulator.ipynb"
    assert (ROOT / ll.START_HERE).is_file()
    assert (ROOT / ll.SIMULATOR).is_file()
