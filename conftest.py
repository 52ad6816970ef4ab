"""Test-run set-up shared by every test folder, the course notebooks included.

Learner answers never go to the developer's own ``~/.compass``: the run gets a
temporary store, and every notebook that nbval runs gets a fresh, empty one of its
own, as a learner opening it for the first time would (and as
``scripts/refresh_outputs.py`` does when it stores the reference outputs). Without
that, a notebook that reads back another module's saved answers would see whatever
an earlier notebook in the same run happened to save.
"""

from __future__ import annotations

import os
import tempfile

import pytest

os.environ["COMPASS_HOME"] = tempfile.mkdtemp(prefix="compass-test-home-")

_notebook_homes: dict[str, str] = {}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before a notebook's kernel starts (with its first cell), give it a fresh store."""
    notebook = item.parent
    if notebook is None or not str(notebook.path).endswith(".ipynb"):
        return
    key = str(notebook.path)
    if key not in _notebook_homes:
        _notebook_homes[key] = tempfile.mkdtemp(prefix="compass-notebook-home-")
    os.environ["COMPASS_HOME"] = _notebook_homes[key]
