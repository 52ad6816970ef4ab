"""Drive a JupyterHub and Jupyter servers from Python, the way a browser does.

Used by ``tests/test_jupyterhub.py`` and ``benchmarks/learner_memory.py``; also handy
to smoke-test a new hub from the machine it runs on::

    from hubclient import Hub
    hub = Hub("http://127.0.0.1:8000")
    token = hub.login("alice", "her password")
    server = hub.start_server("alice", token)
    kernel = server.start_kernel("compass-course/02-failure-demand.ipynb")
    print(kernel.run("print(1 + 1)"))

Only ``requests`` and ``websocket-client`` (both installed with JupyterLab) are needed.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from typing import Any

import requests
import websocket


class KernelError(RuntimeError):
    """Code sent to a kernel raised an exception; the message is its traceback."""


class KernelDied(RuntimeError):
    """The kernel stopped (or was restarted) while running code."""


class Hub:
    """A JupyterHub, reached at ``url`` (its public address, through the proxy)."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def login(self, username: str, password: str, note: str = "hubclient") -> str:
        """Log in through the hub's login form and return a new API token.

        Raises ``PermissionError`` if the hub turns the password down.
        """
        session = requests.Session()
        session.get(f"{self.url}/hub/login", timeout=30).raise_for_status()
        xsrf = session.cookies.get("_xsrf", path="/hub/") or session.cookies.get("_xsrf")
        reply = session.post(
            f"{self.url}/hub/login?next=",
            data={"username": username, "password": password, "_xsrf": xsrf},
            allow_redirects=False, timeout=60,
        )
        if reply.status_code != 302:
            raise PermissionError(f"login as {username} refused ({reply.status_code})")
        # Logging in starts a session, with an XSRF token of its own.
        xsrf = session.cookies.get("_xsrf", path="/hub/") or session.cookies.get("_xsrf")
        reply = session.post(
            f"{self.url}/hub/api/users/{username}/tokens",
            json={"note": note, "expires_in": 3600},
            headers={"X-XSRFToken": xsrf or ""}, timeout=30,
        )
        reply.raise_for_status()
        return str(reply.json()["token"])

    def api(self, method: str, path: str, token: str, **kwargs: Any) -> requests.Response:
        """Call the hub's REST API (``path`` after ``/hub/api``) with ``token``."""
        return requests.request(
            method, f"{self.url}/hub/api{path}",
            headers={"Authorization": f"token {token}"}, timeout=60, **kwargs,
        )

    def start_server(self, username: str, token: str, timeout: float = 180) -> Server:
        """Start ``username``'s server (if it is not running) and wait until it is ready."""
        reply = self.api("POST", f"/users/{username}/server", token)
        if reply.status_code not in (201, 202, 400):  # 400: already running
            reply.raise_for_status()
        self.wait_for_server(username, token, timeout)
        return Server(f"{self.url}/user/{username}", token)

    def wait_for_server(self, username: str, token: str, timeout: float = 180) -> None:
        """Wait until ``username``'s server is ready."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.api("GET", f"/users/{username}", token).json()
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                return
            if not server and model.get("pending") is None:
                raise RuntimeError(f"{username}'s server stopped while starting")
            time.sleep(0.5)
        raise TimeoutError(f"{username}'s server was not ready after {timeout:.0f} s")

    def stop_server(self, username: str, token: str, timeout: float = 60) -> None:
        """Stop ``username``'s server and wait until the hub reports it stopped."""
        reply = self.api("DELETE", f"/users/{username}/server", token)
        if reply.status_code not in (202, 204, 400):
            reply.raise_for_status()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.api("GET", f"/users/{username}", token).json()
            if not model.get("servers") and model.get("pending") is None:
                return
            time.sleep(0.5)
        raise TimeoutError(f"{username}'s server had not stopped after {timeout:.0f} s")


class Server:
    """A Jupyter server (single-user server, hub service or plain ``jupyter server``)."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/")
        self.token = token

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Call the server at ``path`` (for example ``/api/contents``) with the token."""
        kwargs.setdefault("timeout", 60)
        return requests.request(
            method, f"{self.url}{path}",
            headers={"Authorization": f"token {self.token}"}, allow_redirects=False, **kwargs,
        )

    def read_notebook(self, path: str) -> dict[str, Any]:
        """Return the notebook at ``path`` (relative to the server's root) as a dict."""
        reply = self.request("GET", f"/api/contents/{path}", params={"content": "1"})
        reply.raise_for_status()
        return dict(reply.json()["content"])

    def write_notebook(self, path: str, notebook: dict[str, Any]) -> None:
        """Save ``notebook`` at ``path``, as JupyterLab does when the learner saves."""
        reply = self.request(
            "PUT", f"/api/contents/{path}",
            json={"type": "notebook", "format": "json", "content": notebook},
        )
        reply.raise_for_status()

    def start_kernel(self, notebook_path: str | None = None) -> Kernel:
        """Start a Python kernel, for a notebook (as opening it does) or on its own."""
        if notebook_path is None:
            reply = self.request("POST", "/api/kernels", json={"name": "python3"})
            reply.raise_for_status()
            kernel_id = reply.json()["id"]
        else:
            reply = self.request("POST", "/api/sessions", json={
                "path": notebook_path, "name": notebook_path.rsplit("/", 1)[-1],
                "type": "notebook", "kernel": {"name": "python3"},
            })
            reply.raise_for_status()
            kernel_id = reply.json()["kernel"]["id"]
        return Kernel(self, kernel_id)


class Kernel:
    """A running kernel of a :class:`Server`, driven over its websocket."""

    def __init__(self, server: Server, kernel_id: str) -> None:
        self.server = server
        self.id = kernel_id
        self.session = uuid.uuid4().hex
        ws_url = server.url.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
        self.ws = websocket.create_connection(
            f"{ws_url}/api/kernels/{kernel_id}/channels?session_id={self.session}",
            header=[f"Authorization: token {server.token}"], timeout=60,
        )

    def run(self, code: str, timeout: float = 120) -> str:
        """Run ``code`` and return what it printed; raise ``KernelError`` if it failed."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "hubclient",
                       "session": self.session, "version": "5.3",
                       "date": dt.datetime.now(dt.UTC).isoformat()},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
        }))
        printed: list[str] = []
        error: str | None = None
        idle = replied = False
        deadline = time.monotonic() + timeout
        while not (idle and replied):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"code did not finish in {timeout:.0f} s:\n{code}")
            self.ws.settimeout(remaining)
            try:
                frame = self.ws.recv()
            except websocket.WebSocketConnectionClosedException as err:
                raise KernelDied("the kernel's connection closed") from err
            if isinstance(frame, bytes):  # messages with binary buffers (widget data)
                continue
            msg = json.loads(frame)
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content.get("execution_state") in ("restarting", "dead"):
                raise KernelDied(f"the kernel is {content['execution_state']}")
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if kind == "stream":
                printed.append(content["text"])
            elif kind == "error":
                error = "\n".join(content["traceback"])
            elif kind == "execute_reply":
                replied = True
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
        if error is not None:
            raise KernelError(error)
        return "".join(printed)

    def shutdown(self) -> None:
        """Close the connection and shut the kernel down."""
        try:
            self.ws.close()
        finally:
            self.server.request("DELETE", f"/api/kernels/{self.id}")
