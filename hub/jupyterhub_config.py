# JupyterHub settings for a classroom: `make hub` (scripts/hub.py) starts JupyterHub with this
# file. Every setting a trainer may change comes from an HSL_HUB_* environment variable that
# scripts/hub.py sets from its options (see `python scripts/hub.py --help` and
# docs/deployment.md). Nothing here reaches the internet: the proxy, the hub, every learner's
# server and the lessons (a git repository on this machine) stay on this computer.
# ruff: noqa: F821 - `c` is JupyterHub's config object
import os
import sys
from pathlib import Path

HUB_DIR = Path(__file__).resolve().parent
REPO_ROOT = HUB_DIR.parent
sys.path.insert(0, str(HUB_DIR))
sys.path.insert(0, str(REPO_ROOT / "scripts"))

import app  # noqa: E402 - scripts/app.py: the lab's Jupyter paths and offline flags
import hsl_hub  # noqa: E402

env = os.environ.get
DATA = Path(env("HSL_HUB_DATA", str(REPO_ROOT / "hub-data")))

# -- where the hub listens ------------------------------------------------------------------
c.JupyterHub.ip = env("HSL_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(env("HSL_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env("HSL_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env('HSL_HUB_PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.command = [hsl_hub.proxy_path(REPO_ROOT) or "configurable-http-proxy"]
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.db_url = f"sqlite:///{DATA / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(DATA / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(DATA / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner's server
c.JupyterHub.cleanup_proxy = True
c.JupyterHub.active_server_limit = int(env("HSL_HUB_MAX_LEARNERS", "0"))

# -- login: a list of participants (own passwords) or one class password ----------------------
participants = env("HSL_HUB_PARTICIPANTS", "")
if participants:
    c.JupyterHub.authenticator_class = hsl_hub.ParticipantsAuthenticator
    c.ParticipantsAuthenticator.participants_file = participants
else:
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = env("HSL_HUB_PASSWORD", "")
    c.Authenticator.allow_all = True
c.Authenticator.username_pattern = hsl_hub.USERNAME_PATTERN
c.Authenticator.blocked_users = {"root", "admin", "nobody"}

# -- one server per learner: JupyterLab with Voilà, nbgitpuller, the lab's offline settings ----
c.JupyterHub.spawner_class = hsl_hub.LearnerSpawner
c.LearnerSpawner.home_root = env("HSL_HUB_HOMES", "/home")
c.Spawner.cmd = [env("HSL_HUB_PYTHON", sys.executable), "-m", "jupyterhub.singleuser"]
c.Spawner.args = list(app.LAB_OFFLINE_FLAGS)
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
c.Spawner.mem_limit = env("HSL_HUB_MEM_LIMIT", "1G")
c.Spawner.cpu_limit = float(env("HSL_HUB_CPU_LIMIT", "1"))
# The lab's Voilà template (offline) and settings, then this environment's Jupyter files
# (extensions), also when learners run another interpreter (scripts/hub.py:learner_python).
_paths = app.app_env({
    "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter"),
    "JUPYTER_CONFIG_PATH": os.pathsep.join([
        # JupyterLab never offers to fetch news; Voilà (as an extension) loads no MathJax from a CDN
        str(HUB_DIR / "jupyter-config"),
        str(Path(sys.prefix) / "etc" / "jupyter"),
    ]),
})
c.Spawner.environment = {
    "JUPYTER_PATH": _paths["JUPYTER_PATH"],
    "JUPYTER_CONFIG_PATH": _paths["JUPYTER_CONFIG_PATH"],
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    # The offline chart bundle, built once by scripts/hub.py (read-only for learners).
    "HSL_CACHE_DIR": str(DATA / "cache"),
    # The lessons' git repository belongs to the hub's user: this config (written by
    # scripts/hub.py) tells learners' git it is safe to read.
    "GIT_CONFIG_GLOBAL": str(DATA / "gitconfig"),
}

# -- services: idle culling (and, for tests and the load test, an admin token) -----------------
cull_timeout = env("HSL_HUB_CULL_TIMEOUT", "3600")
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={cull_timeout}",
                "--cull-every=300"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
if env("HSL_HUB_ADMIN_TOKEN"):
    c.JupyterHub.services.append({"name": "class-admin", "api_token": env("HSL_HUB_ADMIN_TOKEN")})
    c.JupyterHub.load_roles.append({
        "name": "class-admin",
        "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "list:users"],
        "services": ["class-admin"],
    })
