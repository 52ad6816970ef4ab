"""nbgrader settings for everyone on the cohort hub: learners, tutors and the grader.

The hub puts this folder on every server's JUPYTER_CONFIG_PATH, so the Assignments tab
and ``nbgrader`` typed in a terminal or notebook both use it. (To use it in a shell
outside the hub as well, link it as /etc/jupyter/nbgrader_config.py.)
"""

import importlib.util
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when it runs this file)

c.CourseDirectory.course_id = "compass"
c.Exchange.root = os.environ.get("COMPASS_EXCHANGE", "/srv/nbgrader/exchange")

# Submissions readable by the grader only: nbgrader's own submit leaves them
# world-readable, hidden only by an unguessable folder name (see private_exchange.py).
if "compass_private_exchange" not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        "compass_private_exchange", Path(__file__).resolve().parent / "private_exchange.py"
    )
    _module = importlib.util.module_from_spec(_spec)
    sys.modules["compass_private_exchange"] = _module
    _spec.loader.exec_module(_module)
c.ExchangeFactory.submit = "compass_private_exchange.PrivateExchangeSubmit"
