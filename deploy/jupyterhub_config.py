"""JupyterHub for one compass cohort: learners, tutors, and a formgrader for the tutors.

Start it as root (it starts each person's server as their own Unix user)::

    jupyterhub -f deploy/jupyterhub_config.py

Who is who comes from Unix groups that ``deploy/setup-cohort.sh`` creates: members of
``compass-learners`` and ``compass-tutors`` log in with their Unix password (PAM) and
are put in the hub groups ``learners`` and ``tutors``. Each server gets the course
copied into the home (``~/compass-course``, never over the learner's work), its own
``COMPASS_HOME``, the cohort's nbgrader settings, and a memory limit. The course's
nbgrader directory belongs to a separate account, ``compass-grader``, whose server
is the hub service ``formgrader-compass``: tutors open it at
``/services/formgrader-compass/``; learners cannot.

Everything that differs between machines is an environment variable, with the
defaults below; setup-cohort.sh writes them to ``/etc/compass/hub.env`` and
``jupyterhub.service`` reads that file. deploy/README.md explains each one.
"""

import grp
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from compass_hub import CohortSpawner  # noqa: E402

c = get_config()  # noqa: F821 (provided by traitlets when it runs this file)
env = os.environ.get

REPO = Path(env("COMPASS_REPO", str(HERE.parent)))
STATE = Path(env("COMPASS_HUB_STATE", "/srv/jupyterhub"))
PYTHON_BIN = env("COMPASS_PYTHON_BIN", str(Path(sys.executable).parent))
EXCHANGE = env("COMPASS_EXCHANGE", "/srv/nbgrader/exchange")
LEARNERS_GROUP = env("COMPASS_LEARNERS_GROUP", "compass-learners")
TUTORS_GROUP = env("COMPASS_TUTORS_GROUP", "compass-tutors")
GRADER = env("COMPASS_GRADER_USER", "compass-grader")
GRADER_HOME = env("COMPASS_GRADER_HOME", "/srv/nbgrader/compass-grader")
# Measured: see "Sizing" in deploy/README.md.
MEM_LIMIT = env("COMPASS_MEM_LIMIT", "1G")
PATH = os.pathsep.join([PYTHON_BIN, "/usr/local/bin", "/usr/bin", "/bin"])
FORMGRADER = "formgrader-compass"

# --- Network: the hub listens on loopback; put a TLS proxy (nginx, Caddy) in front ----
c.JupyterHub.bind_url = env("COMPASS_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env("COMPASS_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env('COMPASS_PROXY_API_PORT', '8001')}"
_local_proxy = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [
    env("COMPASS_PROXY_COMMAND", str(_local_proxy) if _local_proxy.exists()
        else "configurable-http-proxy")
]

# --- State: the hub's database and cookie secret, root only ------------------------------
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")

# --- Who may log in: the cohort's Unix accounts, with their Unix passwords ---------------
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {LEARNERS_GROUP, TUTORS_GROUP}
c.Authenticator.admin_users = set(filter(None, env("COMPASS_HUB_ADMINS", "").split(",")))


def _members(group: str) -> list[str]:
    try:
        return sorted(grp.getgrnam(group).gr_mem)
    except KeyError:
        return []


# Hub groups mirror the Unix groups when the hub starts; after setup-cohort.sh adds
# people, restart the hub (learners' running servers carry on, see README.md).
c.JupyterHub.load_groups = {
    "learners": {"users": _members(LEARNERS_GROUP)},
    "tutors": {"users": _members(TUTORS_GROUP)},
}
c.JupyterHub.load_roles = [
    {
        "name": "compass-tutor",
        "description": "Tutors: open the formgrader, and see which learners are active.",
        "groups": ["tutors"],
        "scopes": [
            f"access:services!service={FORMGRADER}",
            "list:users!group=learners",
            "read:users:activity!group=learners",
            "read:servers!group=learners",
        ],
    },
]

# --- Each person's server ------------------------------------------------------------------
c.JupyterHub.spawner_class = CohortSpawner
c.Spawner.cmd = [str(Path(PYTHON_BIN) / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.mem_limit = MEM_LIMIT
c.Spawner.environment = {"COMPASS_EXCHANGE": EXCHANGE}
# Two cores shared by a cohort: starting a server can take a while at 9 o'clock.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
c.CohortSpawner.python_bin = PYTHON_BIN
c.CohortSpawner.course_source = env("COMPASS_COURSE_SOURCE", str(REPO / "course"))
c.CohortSpawner.course_folder = "compass-course"
c.CohortSpawner.compass_home = "{home}/.compass"
c.CohortSpawner.config_dirs = [str(HERE / "jupyter" / "user"), str(HERE / "jupyter" / "common")]

# --- The formgrader: one grader account's server, as a hub service for tutors ------------
c.JupyterHub.services = [
    {
        "name": FORMGRADER,
        "display": True,
        "info": {"description": "nbgrader formgrader for the compass cohort (tutors only)"},
        "url": f"http://127.0.0.1:{env('COMPASS_FORMGRADER_PORT', '9999')}",
        "command": [str(Path(PYTHON_BIN) / "jupyterhub-singleuser"),
                    f"--ServerApp.root_dir={GRADER_HOME}"],
        "user": GRADER,
        "cwd": GRADER_HOME,
        "environment": {
            "PATH": PATH,
            "HOME": GRADER_HOME,
            "JUPYTERHUB_DEFAULT_URL": "/formgrader",
            "JUPYTER_CONFIG_PATH": os.pathsep.join(
                [str(HERE / "jupyter" / "grader"), str(HERE / "jupyter" / "common")]
            ),
            "COMPASS_EXCHANGE": EXCHANGE,
            "COMPASS_COURSE_ROOT": str(Path(GRADER_HOME) / "workbook"),
            "COMPASS_HOME": str(Path(GRADER_HOME) / ".compass"),
        },
        "oauth_client_allowed_scopes": [f"access:services!service={FORMGRADER}"],
        "oauth_no_confirm": True,
    },
]
