"""Tests for the self-study learner's commands: ``compass progress`` and ``compass reset``.

(``compass portfolio`` is tested in test_learner_portfolio.py.)
"""

from __future__ import annotations

import fcntl
import io
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from compass_widgets import cli
from compass_widgets.store import LearnerStore

from .learner_support import COURSE, answer_check, finish_module_00, half_module_02

COMPASS = Path(sys.executable).parent / "compass"  # the console script installed in the venv


@pytest.fixture
def learner_home(store_home, monkeypatch):
    """An empty learner store, used by the command line (COMPASS_HOME points at it)."""
    monkeypatch.setenv("COMPASS_HOME", str(store_home))
    return store_home


@pytest.fixture
def module_00_done_02_half(learner_home):
    """Module 00 finished; module 02: 3 of 4 self-checks right, a reflection, the analyser used."""
    store = LearnerStore(learner_home)
    finish_module_00(store)
    half_module_02(store)
    return store


# -- compass progress -----------------------------------------------------------------------


def test_progress_prints_a_table_a_summary_and_a_next_step(module_00_done_02_half, capsys):
    assert cli.main(["progress", "--course", str(COURSE)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[0].startswith("Module  Title")
    row_00 = next(line for line in lines if line.startswith("00 "))
    row_01 = next(line for line in lines if line.startswith("01 "))
    row_02 = next(line for line in lines if line.startswith("02 "))
    assert "finished" in row_00 and "CompassSelfAssessment (8 of 8 statements)" in row_00
    assert "not started" in row_01 and "0 of 4" in row_01
    assert "started" in row_02 and "not started" not in row_02
    assert "3 of 4" in row_02 and "1 of 1" in row_02 and row_02.endswith("DemandAnalyser")
    assert ("1 of 13 modules finished, 1 started, 11 not started; 4 of 55 self-checks passed, "
            "2 of 18 reflections written.") in lines
    assert lines[-1] == ("Next step: open module 01 (01-commissioning-cycle.ipynb) and work "
                         "through it.")


def test_progress_json(module_00_done_02_half, capsys):
    assert cli.main(["progress", "--course", str(COURSE), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["course"] == str(COURSE)
    assert data["summary"]["finished"] == 1 and data["summary"]["started"] == 1
    failure = next(m for m in data["modules"] if m["module"] == "02")
    assert failure["status"] == "started"
    assert failure["checks"]["correct"] == ["missed-bin", "forecast", "highest-share"]
    assert failure["checks"]["answered"][-1] == "listen"
    assert failure["tools"]["used"] == ["DemandAnalyser"]
    assert failure["missing"] == "answer self-check 'listen' correctly"


def test_progress_without_a_course_folder_says_so_and_shows_the_store(module_00_done_02_half,
                                                                      tmp_path, capsys):
    assert cli.main(["progress", "--course", str(tmp_path / "nowhere")]) == 0
    out, err = capsys.readouterr()
    assert f"no course notebooks found in {tmp_path / 'nowhere'}" in err
    assert "--course PATH" in err
    rows = [line for line in out.splitlines() if line[:3] in ("00 ", "01 ", "02 ")]
    assert [row[:2] for row in rows] == ["00", "02"]
    assert "3 right of 4 answered" in rows[1]


def test_progress_with_nothing_saved(learner_home, capsys):
    assert cli.main(["progress", "--course", str(COURSE)]) == 0
    out = capsys.readouterr().out
    assert "0 of 13 modules finished, 0 started, 13 not started" in out
    assert "Next step: open module 00 (00-orientation.ipynb)" in out
    assert cli.main(["progress", "--course", str(learner_home / "none")]) == 0
    assert "Nothing is saved yet" in capsys.readouterr().out


# -- the store's clear and restore --------------------------------------------------------------


def test_clear_keeps_a_byte_for_byte_backup_and_empties_the_module(module_00_done_02_half):
    store = module_00_done_02_half
    before = store.path("02").read_bytes()
    backup = store.clear("02")
    assert backup.parent == store.home / "backups"
    assert backup.name.startswith("02-") and backup.suffix == ".json"
    assert backup.read_bytes() == before
    assert not store.path("02").exists()
    assert store.answers("02") == {}
    assert store.modules() == ["00"]  # the backup folder is not a module
    assert not list(store.backups.glob(".*.tmp"))


def test_clear_an_unknown_module_raises(store_home):
    with pytest.raises(KeyError):
        LearnerStore(store_home).clear("05")


def test_restore_keeps_answers_saved_since_as_a_backup_too(module_00_done_02_half):
    store = module_00_done_02_half
    old = store.answers("02")
    backup = store.clear("02")
    store.save("02", "reflection:failure-demand", "A fresh start.")
    assert store.restore(backup) == "02"
    assert store.answers("02") == old
    kept = sorted(store.backups.glob("02-*.json"))
    assert len(kept) == 2
    newest = LearnerStore(store.home)
    assert json.loads(kept[-1].read_text())["answers"]["reflection:failure-demand"]["value"] == (
        "A fresh start.")
    assert newest.load("02", "reflection:failure-demand") != "A fresh start."


def test_clear_waits_for_a_kernel_that_holds_the_lock(module_00_done_02_half):
    store = module_00_done_02_half
    cleared: list[Path] = []
    with open(store.path("02").with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a kernel does while it saves
        worker = threading.Thread(target=lambda: cleared.append(store.clear("02")))
        worker.start()
        worker.join(0.5)
        assert worker.is_alive() and store.path("02").exists() and not cleared
        fcntl.flock(lock, fcntl.LOCK_UN)
    worker.join(10)
    assert cleared and not store.path("02").exists()


# -- compass reset ------------------------------------------------------------------------------


def test_reset_with_yes_clears_and_says_how_to_restore(module_00_done_02_half, capsys):
    store = module_00_done_02_half
    before = store.path("02").read_bytes()
    assert cli.main(["reset", "02", "--yes"]) == 0
    out = capsys.readouterr().out
    [backup] = store.backups.glob("02-*.json")
    assert f"Cleared module 02. Its answers were kept in {backup}" in out
    assert f"To put them back: compass reset --restore {backup}" in out
    assert backup.read_bytes() == before
    assert store.answers("02") == {} and store.modules() == ["00"]


def test_reset_asks_for_the_module_number(module_00_done_02_half, monkeypatch, capsys):
    store = module_00_done_02_half
    monkeypatch.setattr("sys.stdin", io.StringIO("2\n"))
    assert cli.main(["reset", "02"]) == 0
    out = capsys.readouterr().out
    assert "This clears all 6 saved answers of module 02" in out
    assert "Type the module number to confirm: " in out
    assert "02" not in store.modules()


@pytest.mark.parametrize("typed", ["00\n", "yes\n", ""])
def test_reset_refuses_without_the_right_confirmation(module_00_done_02_half, monkeypatch,
                                                      capsys, typed):
    store = module_00_done_02_half
    before = store.path("02").read_bytes()
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    assert cli.main(["reset", "02"]) == 1
    assert "not confirmed, so nothing was cleared" in capsys.readouterr().err
    assert store.path("02").read_bytes() == before
    assert not store.backups.exists()


def test_reset_of_a_module_with_no_answers_lists_those_with_answers(module_00_done_02_half,
                                                                    capsys):
    assert cli.main(["reset", "05", "--yes"]) == 2
    err = capsys.readouterr().err
    assert "module 05 has no saved answers" in err
    assert "Modules with answers: 00, 02." in err


def test_reset_then_restore_puts_everything_back(module_00_done_02_half, capsys):
    store = module_00_done_02_half
    before = store.answers("02")
    cli.main(["reset", "02", "--yes"])
    [backup] = store.backups.glob("02-*.json")
    capsys.readouterr()
    assert cli.main(["reset", "--restore", str(backup)]) == 0
    assert f"Restored module 02's answers from {backup}" in capsys.readouterr().out
    assert store.answers("02") == before
    answer_check(store, "02", "listen", "Right", "Wrong", correct=True)  # the store still works
    assert store.load("02", "check:listen") == {"answer": "Right", "correct": True}


def test_restore_refuses_what_is_not_a_backup(learner_home, tmp_path, capsys):
    (tmp_path / "notes.json").write_text("{}")
    (tmp_path / "02-20250101T120000000000.json").write_text("not json")
    assert cli.main(["reset", "--restore", str(tmp_path / "notes.json")]) == 2
    assert "is not a backup made by `compass reset`" in capsys.readouterr().err
    assert cli.main(["reset", "--restore", str(tmp_path / "02-20250101T120000000000.json")]) == 2
    assert "is not a file of saved answers" in capsys.readouterr().err
    assert cli.main(["reset", "--restore", str(tmp_path / "02-20250101T999.json")]) == 2
    assert "there is no backup at" in capsys.readouterr().err
    assert not (learner_home / "02.json").exists()


def test_reset_without_a_module(learner_home, capsys):
    assert cli.main(["reset"]) == 2
    assert "say which module to clear" in capsys.readouterr().err


# -- help -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("command", "words"), [
    ("progress", ["--course", "--json", "finished when every self-check"]),
    ("portfolio", ["--out", "--pdf", "--course", "no internet", "Chromium"]),
    ("reset", ["MODULE", "--yes", "--restore", "backup", "type the module number"]),
])
def test_each_learner_command_explains_itself(command, words, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main([command, "--help"])
    assert stopped.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert out.startswith(f"usage: compass {command}")
    for word in words:
        assert word in out


def test_the_compass_script_lists_the_learner_commands():
    result = subprocess.run([str(COMPASS), "--help"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "progress show which modules you have started and finished" in out
    assert "portfolio make a portfolio of your work" in out
    assert "reset clear one module's saved answers (a backup is kept)" in out
