"""Serve the lessons as apps (Voilà): code hidden, widgets live, nothing from the internet.

Usage (``make app`` runs the first form)::

    python scripts/app.py                 # http://localhost:8866/?token=… on this computer only
    python scripts/app.py --port 9000     # another port
    python scripts/app.py --lan           # share on the room's network

Every server has an access token (random, or ``HSL_APP_TOKEN``): it is in the
address the command prints and opens, never on a command line (where ``ps``
would show it to every user of the computer), and it keeps web pages from
reaching the server through the browser (DNS rebinding: Voilà accepts any Host
header). Each learner's saved work goes to a folder of their own under the
class folder (``--class-dir``, default ``class-work/``): ``learners/<work
code>/``; scenario teams share ``teams/``; put files for learners to load in
``shared/``.

The index page lists every lesson; a lesson opens at
``/voila/render/NN-name.ipynb``. Settings live in ``etc/jupyter/voila.json``
(template without CDN links, sources stripped, no tracebacks, idle kernels of
closed pages culled) and the template in ``share/jupyter/voila/templates/hsl``.
The browser tests and the benchmark start their servers through
:func:`voila_command` / :func:`lab_command`, so they check exactly this setup.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LESSONS_DIR = REPO_ROOT / "lessons"
CONFIG_DIR = REPO_ROOT / "etc" / "jupyter"
DATA_DIR = REPO_ROOT / "share" / "jupyter"

#: Flags that keep JupyterLab itself from calling home (news feed, update check).
LAB_OFFLINE_FLAGS = [
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
]


def app_env(base: dict[str, str] | None = None, token: str = "") -> dict[str, str]:
    """Environment that makes Jupyter find the lab's Voilà config and template.

    ``token`` (if any) travels here, as ``JUPYTER_TOKEN``, not on the command line.
    """
    env = dict(os.environ if base is None else base)
    if token:
        env["JUPYTER_TOKEN"] = token
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        p for p in (str(CONFIG_DIR), env.get("JUPYTER_CONFIG_PATH", "")) if p
    )
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(DATA_DIR), env.get("JUPYTER_PATH", "")) if p
    )
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def voila_command(root: Path, port: int, token: str = "", ip: str = "127.0.0.1",
                  extra: list[str] | None = None, open_browser: bool = False) -> list[str]:
    """The Voilà command line serving every notebook under ``root`` as an app.

    With a ``token``, the server requires it; the token itself is read from the
    environment (:func:`app_env` with the same ``token``), so ``ps`` never shows it.
    """
    cmd = [
        sys.executable, "-m", "voila", str(root),
        f"--port={port}", f"--Voila.ip={ip}",
        f"--Voila.config_file_paths={CONFIG_DIR}",
    ]
    if not open_browser:
        cmd.append("--no-browser")
    if token:
        cmd.append("--Voila.auto_token=True")   # the token: JUPYTER_TOKEN in app_env()
    return cmd + list(extra or [])


def lab_command(root: Path, port: int, token: str, extra: list[str] | None = None) -> list[str]:
    """The JupyterLab command line used by the browser tests (no calls home)."""
    return [
        sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}",
        f"--port={port}", "--ServerApp.ip=127.0.0.1", "--no-browser",
        f"--IdentityProvider.token={token}", "--ServerApp.password=",
        "--allow-root", *LAB_OFFLINE_FLAGS, *(extra or []),
    ]


#: Kernel culling for a Jupyter server (JupyterLab, or Voilà as a server
#: extension on Binder / JupyterHub): kernels idle 15 min with no browser
#: connected are stopped.
SERVER_CULLING = {"MappingKernelManager": {"cull_idle_timeout": 900, "cull_interval": 60,
                                           "cull_connected": False, "cull_busy": False}}


def install(prefix: Path) -> list[Path]:
    """Copy the app settings into an environment (``sys.prefix``) for server use.

    Binder and JupyterHub run Voilà as a JupyterLab server extension
    (``/voila/render/...``), which reads ``voila.json`` and templates from the
    environment's Jupyter paths, not from this repository.
    """
    import json
    import shutil

    written = []
    etc = prefix / "etc" / "jupyter"
    etc.mkdir(parents=True, exist_ok=True)
    shutil.copy2(CONFIG_DIR / "voila.json", etc / "voila.json")
    written.append(etc / "voila.json")
    conf_d = etc / "jupyter_server_config.d"
    conf_d.mkdir(parents=True, exist_ok=True)
    (conf_d / "human-security-lab.json").write_text(json.dumps(SERVER_CULLING, indent=2) + "\n")
    written.append(conf_d / "human-security-lab.json")
    template = prefix / "share" / "jupyter" / "voila" / "templates" / "hsl"
    shutil.copytree(DATA_DIR / "voila" / "templates" / "hsl", template, dirs_exist_ok=True)
    written.append(template)
    return written


CLASS_DIR = REPO_ROOT / "class-work"
#: Seconds without a new page before a kernel pool refills (scripts/hsl_server.py, QuietPool).
POOL_QUIET_S = 10.0


def preheat_settings(notebooks: list[str], pool_size: int, fill_delay: float = 0.0
                     ) -> list[str]:
    """Voilà flags that keep ``pool_size`` kernels ready for each notebook in ``notebooks``.

    A pre-heated kernel has already run the lesson up to the first cell that
    needs the learner's work code (``widgets._paths.learner_code`` waits for the
    page request there), so a page opens in the time the rest of the lesson
    takes. When a pool is empty, a page gets a new kernel as without a pool.
    Names are paths relative to the served folder; other notebooks get no pool.

    >>> preheat_settings(["04-risk.ipynb"], 3)[:2]
    ['--preheat_kernel=True', '--pool_size=0']
    >>> preheat_settings([], 3)
    []
    """
    import json

    if not notebooks or pool_size <= 0:
        return []
    pools = {"default": {"pool_size": 0}, **{nb: {"pool_size": pool_size} for nb in notebooks}}
    return ["--preheat_kernel=True", "--pool_size=0",
            f"--VoilaKernelManager.kernel_pools_config={json.dumps(pools)}",
            f"--VoilaKernelManager.fill_delay={fill_delay}"]


def limit_settings(max_learners: int, environ: dict[str, str] | None = None
                   ) -> tuple[list[str], dict[str, str]]:
    """Voilà flags and environment that cap the open lesson pages at ``max_learners``.

    Past the cap a new page gets "The server is full — try again in a minute"
    (HTTP 503; the page retries by itself) from ``scripts/hsl_server.py``.
    ``max_learners`` 0 means no cap.

    >>> flags, env = limit_settings(25, {})
    >>> flags, env["HSL_MAX_KERNELS"]
    (['--VoilaConfiguration.multi_kernel_manager_class=hsl_server.ClassKernelManager'], '25')
    >>> limit_settings(0, {})
    ([], {})
    """
    if max_learners <= 0:
        return [], {}
    environ = dict(os.environ if environ is None else environ)
    scripts = str(Path(__file__).resolve().parent)
    path = os.pathsep.join(p for p in (scripts, environ.get("PYTHONPATH", "")) if p)
    return (["--VoilaConfiguration.multi_kernel_manager_class=hsl_server.ClassKernelManager"],
            {"HSL_MAX_KERNELS": str(max_learners), "PYTHONPATH": path})


def server_settings(environ: dict[str, str] | None = None
                    ) -> tuple[list[str], dict[str, str]]:
    """Voilà flags and environment that load ``scripts/hsl_server.py`` into the app server.

    Its kernel manager (no cap unless ``HSL_MAX_KERNELS`` is set) and its
    template cache: every page reuses the compiled app template instead of
    compiling it again (issue #16).

    >>> flags, env = server_settings({})
    >>> flags, "HSL_MAX_KERNELS" in env, env["PYTHONPATH"].endswith("scripts")
    (['--VoilaConfiguration.multi_kernel_manager_class=hsl_server.ClassKernelManager'], False, True)
    """
    flags, env = limit_settings(1, environ)
    env.pop("HSL_MAX_KERNELS")
    return flags, env


def prepare_class_dir(folder: Path) -> Path:
    """Create the class folder: ``learners/`` (one folder per work code), ``teams/``, ``shared/``."""
    for sub in ("learners", "teams", "shared"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return folder.resolve()


def server_plan(args: argparse.Namespace, environ: dict[str, str] | None = None
                ) -> tuple[list[str], dict[str, str], str]:
    """The command, environment and address of the app server for these options."""
    environ = dict(os.environ if environ is None else environ)
    ip = "0.0.0.0" if args.lan else "127.0.0.1"
    token = environ.get("HSL_APP_TOKEN") or secrets.token_urlsafe(12)
    cmd = voila_command(args.root, args.port, token=token, ip=ip,
                        open_browser=not (args.no_browser or args.lan))
    env = app_env(environ, token=token)
    env.pop("HSL_APP_TOKEN", None)
    # The trainer's key opens the class report on the whole room (widgets._paths.is_trainer).
    env["HSL_TRAINER_KEY"] = environ.get("HSL_TRAINER_KEY") or secrets.token_urlsafe(12)
    env.pop("HSL_WORK_DIR", None)          # in a class, each learner has their own folder
    env.pop("HSL_LEARNER", None)           # ... named by their own work code
    env["HSL_CLASS_DIR"] = str(prepare_class_dir(args.class_dir))
    flags, limit_env = limit_settings(getattr(args, "max_learners", 0) or 0, env)
    if not flags:   # no cap: the server-side pieces still load (one compiled template)
        flags, limit_env = server_settings(env)
    cmd += flags
    preheat = [p.name for number in (getattr(args, "preheat", None) or [])
               for p in sorted(Path(args.root).glob(f"{number}-*.ipynb"))]
    cmd += preheat_settings(preheat, getattr(args, "pool_size", 0) or 0,
                            getattr(args, "pool_refill_delay", 0.0) or 0.0)
    env.update(limit_env)
    host = socket.gethostname() if args.lan else "localhost"
    return cmd, env, f"http://{host}:{args.port}/?token={token}"


def trainer_url(url: str, env: dict[str, str]) -> str:
    """The trainer's address of the class report (the app address plus the trainer's key)."""
    base, _, query = url.partition("?")
    return (f"{base.rstrip('/')}/voila/render/facilitator/class-report.ipynb?{query}"
            f"&trainer={env['HSL_TRAINER_KEY']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("HSL_APP_PORT", 8866)))
    parser.add_argument("--lan", action="store_true",
                        help="listen on every network interface (a classroom)")
    parser.add_argument("--no-browser", action="store_true",
                        help="do not open a browser tab (always the case with --lan)")
    parser.add_argument("--root", type=Path, default=LESSONS_DIR,
                        help="folder of notebooks to serve (default: lessons/)")
    parser.add_argument("--class-dir", type=Path,
                        default=Path(os.environ.get("HSL_CLASS_DIR") or CLASS_DIR),
                        help="where learners' work is kept, one folder per learner "
                             "(default: class-work/)")
    parser.add_argument("--max-learners", type=int,
                        default=int(os.environ.get("HSL_MAX_LEARNERS") or 0),
                        help="the most lesson pages open at once; past it a learner sees "
                             "'The server is full — try again in a minute' (default: no limit; "
                             "see docs/deployment.md for the figure that fits your server)")
    parser.add_argument("--preheat", nargs="*", metavar="NN", default=[],
                        help="lesson numbers to keep kernels ready for (e.g. --preheat 04 05): "
                             "pages of these lessons open in seconds; each ready kernel holds "
                             "memory (see docs/deployment.md)")
    parser.add_argument("--pool-size", type=int, default=5,
                        help="ready kernels per pre-heated lesson (default 5)")
    parser.add_argument("--pool-refill-delay", type=float, default=POOL_QUIET_S,
                        help="the pool replaces used kernels, one at a time and at low CPU "
                             "priority, once no page has opened for this many seconds "
                             f"(default {POOL_QUIET_S:.0f})")
    parser.add_argument("--install", action="store_true",
                        help="copy the app settings and template into this Python environment "
                             "(Binder postBuild, JupyterHub) instead of starting a server")
    args = parser.parse_args(argv)

    if args.install:
        for path in install(Path(sys.prefix)):
            print(f"installed {path}")
        return 0

    cmd, env, url = server_plan(args)
    print(f"Human Security Lab apps: {url}", flush=True)
    print("Give learners this address (with its token). Each learner's work is saved under "
          f"{env['HSL_CLASS_DIR']}/learners/.", flush=True)
    print(f"For the trainer only (the class report on everyone's work): {trainer_url(url, env)}",
          flush=True)
    print("Press Ctrl+C to stop.", flush=True)
    # Become the Voilà process (no wrapper left behind when the server is stopped).
    os.chdir(args.root)
    os.execve(cmd[0], cmd, env)


if __name__ == "__main__":
    raise SystemExit(main())
