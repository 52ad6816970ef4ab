"""Tests for the ``compass`` command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from compass_widgets import cli

COMPASS = Path(sys.executable).parent / "compass"  # the console script installed in the venv


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(COMPASS), *args], capture_output=True, text=True, timeout=60)


def test_compass_help_explains_itself():
    result = _run("--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: compass")
    assert "commissioning course" in result.stdout
    assert "lab" in result.stdout
    assert "open the course in JupyterLab" in result.stdout


def test_compass_lab_help_explains_itself():
    result = _run("lab", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: compass lab")
    for option in ("--course", "--port", "--no-browser"):
        assert option in result.stdout
    assert "offline" in result.stdout


def test_compass_alone_prints_help():
    result = _run()
    assert result.returncode == 0, result.stderr
    assert "usage: compass" in result.stdout


def test_unknown_command_fails():
    result = _run("lob")
    assert result.returncode == 2
    assert "invalid choice: 'lob'" in result.stderr


def test_lab_without_a_course_folder_says_what_to_do(tmp_path, capsys, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("JupyterLab must not start")

    monkeypatch.setattr(cli.subprocess, "call", never)
    assert cli.main(["lab", "--course", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert f"no course folder at {tmp_path / 'missing'}" in err
    assert "--course PATH" in err


def test_lab_runs_jupyterlab_with_the_offline_command(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(cli.subprocess, "call", lambda cmd: calls.append(cmd) or 0)
    assert cli.main(["lab", "--course", str(tmp_path), "--port", "8899", "--no-browser"]) == 0
    [cmd] = calls
    assert cmd[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={tmp_path}" in cmd
    assert "--port=8899" in cmd and "--no-browser" in cmd


def test_lab_command_switches_off_news_and_update_checks(monkeypatch):
    monkeypatch.setattr(cli.os, "geteuid", lambda: 1000)
    cmd = cli.lab_command(Path("course"))
    assert "--LabApp.news_url=None" in cmd
    assert "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate" in cmd
    assert "--ServerApp.root_dir=course" in cmd
    assert "--no-browser" not in cmd
    assert not any(arg.startswith("--port") for arg in cmd)


@pytest.mark.parametrize(("uid", "allowed"), [(0, True), (1000, False)])
def test_allow_root_only_when_running_as_root(monkeypatch, uid, allowed):
    monkeypatch.setattr(cli.os, "geteuid", lambda: uid)
    assert ("--allow-root" in cli.lab_command(Path("course"))) is allowed


def test_course_dir_prefers_the_current_folder(tmp_path, monkeypatch):
    (tmp_path / "course").mkdir()
    monkeypatch.chdir(tmp_path)
    assert cli.course_dir() == tmp_path / "course"
