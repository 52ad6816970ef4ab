"""JupyterLab settings for every server on the cohort hub, as ``compass lab`` has them.

No news feed, no update check, no extension manager downloads: all reach the internet,
and the course is meant to work on a hub with no way out.
"""

import importlib.util
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when it runs this file)

c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.LabApp.extension_manager = "readonly"
_spec = importlib.util.find_spec("compass_widgets")
if _spec is not None and _spec.submodule_search_locations:
    # The course's JupyterLab settings: answer "fetch news?" with no.
    c.LabApp.app_settings_dir = str(Path(list(_spec.submodule_search_locations)[0]) / "lab")

# A kernel left idle for an hour is shut down: each one holds about 300 MB (module 02's
# kernel measured 304 MB RSS), and a learner's answers are saved on disk, not in it.
c.MappingKernelManager.cull_idle_timeout = 3600
c.MappingKernelManager.cull_interval = 300
