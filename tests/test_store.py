"""Tests for compass_widgets.store: answers survive restarts, crashes and two kernels at once."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import signal
import time
import warnings
from pathlib import Path

import pytest

from compass_widgets.store import LearnerStore, StoreWarning, default_home

# Real separate processes, started fresh as a second Jupyter kernel would be.
SPAWN = multiprocessing.get_context("spawn")


# -- round trips -------------------------------------------------------------------


def test_save_then_load(store_home):
    store = LearnerStore(store_home)
    store.save("02", "reflection", "Start with repairs.")
    assert store.load("02", "reflection") == "Start with repairs."


def test_load_missing_gives_the_default(store_home):
    store = LearnerStore(store_home)
    assert store.load("02", "nothing") is None
    assert store.load("02", "nothing", "") == ""
    store.save("02", "other", 1)
    assert store.load("02", "nothing", 42) == 42


@pytest.mark.parametrize("value", [
    "text with “quotes” and £", 3, 2.5, True, None, [1, "two", None], {"answer": "Yes", "ok": True},
])
def test_values_of_every_json_kind_round_trip(store_home, value):
    LearnerStore(store_home).save("02", "k", value)
    assert LearnerStore(store_home).load("02", "k", "default") == value


def test_saving_again_replaces_the_value(store_home):
    store = LearnerStore(store_home)
    store.save("02", "k", "first")
    store.save("02", "k", "second")
    assert store.load("02", "k") == "second"
    assert store.answers("02") == {"k": "second"}


def test_answers_gives_every_key_of_a_module_only(store_home):
    store = LearnerStore(store_home)
    store.save("02", "a", 1)
    store.save("02", "b", [2])
    store.save("03", "a", "other module")
    assert store.answers("02") == {"a": 1, "b": [2]}
    assert store.answers("03") == {"a": "other module"}
    assert store.answers("04") == {}


def test_modules_lists_saved_modules_sorted(store_home):
    store = LearnerStore(store_home)
    assert store.modules() == []  # the folder does not even exist yet
    for module in ("10", "02", "03"):
        store.save(module, "k", 1)
    assert store.modules() == ["02", "03", "10"]


def test_saved_at_is_utc_iso_time_of_the_save(store_home):
    store = LearnerStore(store_home)
    assert store.saved_at("02", "k") is None
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    store.save("02", "k", "v")
    after = dt.datetime.now(dt.UTC)
    stamp = dt.datetime.fromisoformat(store.saved_at("02", "k"))
    assert stamp.utcoffset() == dt.timedelta(0)
    assert before <= stamp <= after


def test_a_new_store_on_the_same_folder_sees_saved_values(store_home):
    # A kernel restart: nothing survives but the files.
    LearnerStore(store_home).save("02", "check:q1", {"answer": "Yes", "correct": True})
    LearnerStore(store_home).save("02", "reflection:r1", "With repairs.")
    restarted = LearnerStore(store_home)
    assert restarted.answers("02") == {"check:q1": {"answer": "Yes", "correct": True},
                                       "reflection:r1": "With repairs."}
    assert restarted.modules() == ["02"]
    assert restarted.saved_at("02", "reflection:r1") is not None


def test_compass_home_is_honoured(monkeypatch, tmp_path):
    monkeypatch.setenv("COMPASS_HOME", str(tmp_path / "elsewhere"))
    assert default_home() == tmp_path / "elsewhere"
    store = LearnerStore()
    assert store.home == tmp_path / "elsewhere"
    store.save("02", "k", 1)
    assert (tmp_path / "elsewhere" / "02.json").is_file()


def test_without_compass_home_the_store_is_in_the_home_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("COMPASS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert LearnerStore().home == tmp_path / ".compass"


def test_module_names_cannot_leave_the_folder(store_home):
    store = LearnerStore(store_home)
    path = store.path("../../etc/passwd")
    assert path.parent == store_home
    with pytest.raises(ValueError, match="module name"):
        store.path("")


def test_saved_file_is_readable_json(store_home):
    store = LearnerStore(store_home)
    store.save("02", "k", "v")
    data = json.loads(store.path("02").read_text(encoding="utf-8"))
    assert data["answers"]["k"]["value"] == "v"


# -- refusals and damage ------------------------------------------------------------


@pytest.mark.parametrize("value", [object(), {1, 2}, b"bytes", dt.date(2026, 3, 31)])
def test_value_json_cannot_hold_raises_type_error_and_leaves_the_file(store_home, value):
    store = LearnerStore(store_home)
    store.save("02", "kept", "earlier answer")
    before = store.path("02").read_bytes()
    with pytest.raises(TypeError):
        store.save("02", "bad", value)
    assert store.path("02").read_bytes() == before
    assert store.answers("02") == {"kept": "earlier answer"}


def test_value_json_cannot_hold_in_a_new_module_creates_nothing(store_home):
    store = LearnerStore(store_home)
    with pytest.raises(TypeError):
        store.save("05", "bad", object())
    assert not store.path("05").exists()
    assert store.modules() == []


def _damaged_files(home: Path, module: str) -> list[Path]:
    return sorted(home.glob(f"{module}.damaged-*.json"))


def _check_set_aside(store: LearnerStore, damaged: bytes, record: list) -> None:
    path = store.path("02")
    [aside] = _damaged_files(store.home, "02")
    assert aside.read_bytes() == damaged  # nothing the learner wrote is lost
    assert not path.exists()
    [warning] = record
    message = str(warning.message)
    assert str(path) in message and str(aside) in message
    assert store.answers("02") == {}  # the module starts empty
    store.save("02", "k", "new")  # and can be saved to again
    assert LearnerStore(store.home).answers("02") == {"k": "new"}
    assert aside.read_bytes() == damaged
    assert store.modules() == ["02"]  # the damaged copy is not a module


@pytest.mark.parametrize("damaged", [
    b'{"format": 1, "answers": {"k": {"value": "half wri',
    b"",
    b"[]",
    b'{"format": 1}',
    b'{"format": 1, "answers": {"k": "not an entry"}}',
], ids=["truncated", "empty", "list", "no-answers", "bad-entry"])
def test_damaged_file_is_set_aside_with_a_warning(store_home, damaged):
    store = LearnerStore(store_home)
    store_home.mkdir(parents=True)
    store.path("02").write_bytes(damaged)
    with pytest.warns(StoreWarning) as record:
        assert store.load("02", "k", "default") == "default"
    _check_set_aside(store, damaged, list(record))


def test_damaged_file_with_bytes_that_are_not_utf8_is_set_aside(store_home):
    # Edited by hand in Notepad and saved as Windows-1252 (the £ is byte 0xA3).
    damaged = b'{"format": 1, "answers": {"k": {"value": "\xa35 a week", "saved_at": "x"}}}'
    store = LearnerStore(store_home)
    store_home.mkdir(parents=True)
    store.path("02").write_bytes(damaged)
    with pytest.warns(StoreWarning) as record:
        assert store.load("02", "k", "default") == "default"
    _check_set_aside(store, damaged, list(record))


def test_damaged_module_leaves_other_modules_alone(store_home):
    store = LearnerStore(store_home)
    store.save("03", "k", "safe")
    store.path("02").write_text("{oops", encoding="utf-8")
    with pytest.warns(StoreWarning):
        store.answers("02")
    assert store.answers("03") == {"k": "safe"}


def test_saving_into_a_damaged_module_sets_it_aside_first(store_home):
    store = LearnerStore(store_home)
    store_home.mkdir(parents=True)
    store.path("02").write_text("{oops", encoding="utf-8")
    with pytest.warns(StoreWarning):
        store.save("02", "k", "v")
    assert store.answers("02") == {"k": "v"}
    [aside] = _damaged_files(store_home, "02")
    assert aside.read_text(encoding="utf-8") == "{oops"


# -- two kernels at once -------------------------------------------------------------


def _save_keys(home: str, prefix: str, count: int, go) -> None:
    store = LearnerStore(home)
    go.wait(30)
    for i in range(count):
        store.save("02", f"{prefix}-{i}", i)


def test_two_processes_saving_to_the_same_module_keep_all_keys(store_home):
    go = SPAWN.Event()
    workers = [SPAWN.Process(target=_save_keys, args=(str(store_home), prefix, 50, go))
               for prefix in ("a", "b")]
    for worker in workers:
        worker.start()
    go.set()  # both start saving at the same moment
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    answers = LearnerStore(store_home).answers("02")
    assert len(answers) == 100
    assert answers == {f"{p}-{i}": i for p in ("a", "b") for i in range(50)}


def _save_forever(home: str, prefix: str, done) -> None:
    store = LearnerStore(home)
    padding = "x" * 2000  # a bigger file takes longer to write: more chances to die mid-save
    i = 0
    while True:
        store.save("02", f"{prefix}-{i}", {"n": i, "padding": padding})
        i += 1
        done.value = i


def test_a_writer_killed_mid_save_never_damages_the_file_or_loses_earlier_saves(store_home):
    store = LearnerStore(store_home)
    store.save("02", "before", "saved before the writer started")
    store.save("02", "other", [1, 2, 3])
    for round_, wait in enumerate([0.0, 0.013, 0.031, 0.057]):
        done = SPAWN.Value("i", 0)
        writer = SPAWN.Process(target=_save_forever, args=(str(store_home), f"r{round_}", done))
        writer.start()
        deadline = time.monotonic() + 30
        while done.value < 5 and time.monotonic() < deadline:
            time.sleep(0.002)
        assert done.value >= 5, "the writer never got going"
        time.sleep(wait)
        os.kill(writer.pid, signal.SIGKILL)
        writer.join(10)
        assert writer.exitcode == -signal.SIGKILL
        finished = done.value

        # The file parses as it is, without the store's repairs.
        data = json.loads(store.path("02").read_text(encoding="utf-8"))
        assert data["answers"]["before"]["value"] == "saved before the writer started"
        assert data["answers"]["other"]["value"] == [1, 2, 3]
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a StoreWarning here would mean the file was damaged
            answers = store.answers("02")
        saved = sorted(int(k.split("-")[1]) for k in answers if k.startswith(f"r{round_}-"))
        # Every save that finished is there, in order, with at most one more that
        # finished just before the kill landed.
        assert saved == list(range(len(saved)))
        assert finished <= len(saved) <= finished + 1
        assert not _damaged_files(store_home, "02")

    # The dead writer's lock is gone: saving still works.
    store.save("02", "after", True)
    assert LearnerStore(store_home).load("02", "after") is True
    assert store.modules() == ["02"]
