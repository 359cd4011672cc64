"""A JupyterHub for a room, on one machine: every learner their own server (``make hub``).

Usage (``make hub`` runs the first form)::

    sudo python scripts/hub.py                          # http://localhost:8000/, class password
    sudo python scripts/hub.py --lan                    # for the room's network
    sudo python scripts/hub.py --participants names.txt # a list of participants, own passwords

What it starts: JupyterHub (``hub/jupyterhub_config.py``) behind
configurable-http-proxy (installed into ``hub/node_modules`` by ``make hub``).
Each learner logs in, gets their own JupyterLab server with Voilà (the lab's
offline app template) and nbgitpuller, as their own system user with a private
home folder, within the class's memory and CPU limit; servers idle for an hour
are stopped. The lessons come from a git repository on this machine
(``hub-data/lessons.git``, a copy of this repository refreshed at each start):
the printed link copies them into a learner's home, and clicking it again later
brings the trainer's updates without overwriting the learner's own edits.
Nothing is fetched from the internet.

Run it as root (``sudo``) so learners are kept apart by the operating system;
without root every server runs as your own user (the hub says so).
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

REPO_ROOT = Path(__file__).resolve().parent.parent
HUB_DIR = REPO_ROOT / "hub"
CONFIG = HUB_DIR / "jupyterhub_config.py"
DEFAULT_DATA = REPO_ROOT / "hub-data"
#: The folder nbgitpuller makes in a learner's home (the name of the lessons' repository).
CLONE_NAME = "human-security-lab"

sys.path.insert(0, str(Path(__file__).resolve().parent))
import app  # noqa: E402


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


def current_branch(repo: Path = REPO_ROOT) -> str:
    return git("rev-parse", "--abbrev-ref", "HEAD", cwd=repo)


def publish_lessons(data: Path, source: Path = REPO_ROOT) -> Path:
    """Make (or refresh) ``data/lessons.git``: a bare copy of ``source`` that learners pull from.

    Only committed work is published: commit a lesson change, start the hub
    again (or run this), and learners get it with their next pull.
    """
    bare = data / "lessons.git"
    branch = current_branch(source)
    if not (bare / "HEAD").exists():
        git("init", "--quiet", "--bare", str(bare))
    git("fetch", "--quiet", "--force", str(source), f"+refs/heads/{branch}:refs/heads/{branch}",
        cwd=bare)
    git("symbolic-ref", "HEAD", f"refs/heads/{branch}", cwd=bare)
    share_read_only(bare)
    # Learners' git refuses a repository another user owns unless their global config
    # says it is safe: the hub gives their servers this file as that config.
    (data / "gitconfig").write_text(f"[safe]\n\tdirectory = {bare}\n", encoding="utf-8")
    (data / "gitconfig").chmod(0o644)
    return bare


def share_read_only(folder: Path) -> None:
    """Let every user read ``folder`` (learners' servers run as other users)."""
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | (0o055 if path.is_dir() else 0o044))


def build_chart_cache(data: Path) -> Path:
    """Build the offline chart bundle once into ``data/cache`` (learners read it)."""
    cache = data / "cache"
    env = dict(os.environ, HSL_CACHE_DIR=str(cache), PYTHONPATH=str(REPO_ROOT))
    subprocess.run([sys.executable, "-c", "import widgets._offline as o; o._load_bundle()"],
                   env=env, check=True, cwd=REPO_ROOT)
    share_read_only(cache)
    return cache


def reachable_by_everyone(path: Path) -> bool:
    """True if any user may run/read ``path``: every folder above it is open to others."""
    path = Path(path).resolve()
    try:
        if not path.stat().st_mode & 0o005:
            return False
        return all(parent.stat().st_mode & 0o001 for parent in path.parents)
    except OSError:
        return False


def learner_python(data: Path) -> str:
    """A Python that learners' servers (other system users) may run, with the lab's packages.

    Normally the hub's own interpreter. Where that one sits in a folder only its
    owner may enter (a ``pyenv`` under ``/root``), the system's Python of the
    same version gets a small environment in ``data/learner-python`` whose
    packages are this environment's (a ``.pth`` file; nothing is installed).
    """
    exe = Path(sys.executable)
    if reachable_by_everyone(exe):
        return str(exe)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site_packages = next(p for p in map(Path, sys.path) if p.name == "site-packages"
                         and p.is_relative_to(sys.prefix))
    for candidate in (Path("/usr/bin") / version, Path("/usr/local/bin") / version):
        if not reachable_by_everyone(candidate):
            continue
        venv = data / "learner-python"
        python = venv / "bin" / "python"
        if not python.exists():
            subprocess.run([str(candidate), "-m", "venv", "--without-pip", str(venv)], check=True)
        target = venv / "lib" / version / "site-packages" / "human-security-lab-hub.pth"
        target.write_text(f"import site; site.addsitedir({str(site_packages)!r})\n")
        share_read_only(venv)
        return str(python)
    raise SystemExit(f"Learners' servers cannot run {exe} (a folder above it is closed to other "
                     f"users) and there is no {version} in /usr/bin or /usr/local/bin. Install "
                     "the lab in an environment every user may read (e.g. under /opt).")


def gitpull_path(bare: Path, branch: str, urlpath: str) -> str:
    """The hub path of an nbgitpuller link: copy/update the lessons, then open ``urlpath``."""
    query = urlencode({"repo": f"file://{bare}", "branch": branch, "targetpath": CLONE_NAME,
                       "urlpath": urlpath}, quote_via=quote)
    return f"hub/user-redirect/git-pull?{query}"


def lesson_urlpath(lesson: str, mode: str = "lab") -> str:
    """Where a lesson opens inside a learner's server: JupyterLab or the app (Voilà)."""
    if mode == "app":
        return f"voila/render/{CLONE_NAME}/lessons/{lesson}"
    return f"lab/tree/{CLONE_NAME}/lessons/{lesson}"


def make_participants(names_file: Path, out: Path) -> Path:
    """A CSV of participants with a new password each (to print and hand out)."""
    words = [line.strip().lower() for line in names_file.read_text(encoding="utf-8").splitlines()]
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "password"])
        for name in filter(None, words):
            writer.writerow([name, secrets.token_urlsafe(6)])
    out.chmod(0o600)
    return out


def hub_env(data: Path, port: int, ip: str = "127.0.0.1", password: str = "",
            participants: Path | None = None, homes: Path | None = None,
            python: str = "", extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment ``hub/jupyterhub_config.py`` reads (with free internal ports)."""
    env = dict(os.environ)
    env.update({
        "HSL_HUB_DATA": str(data), "HSL_HUB_PORT": str(port), "HSL_HUB_IP": ip,
        "HSL_HUB_API_PORT": str(app.free_port()), "HSL_HUB_PROXY_API_PORT": str(app.free_port()),
        "HSL_HUB_PASSWORD": password,
        "HSL_HUB_PARTICIPANTS": str(participants or ""),
        "HSL_HUB_HOMES": str(homes or "/home"),
        "HSL_HUB_PYTHON": python or sys.executable,
        "PYTHONPATH": os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p),
    })
    env.update(extra or {})
    return env


def hub_command() -> list[str]:
    return [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)]


def prepare(data: Path) -> tuple[Path, str, str]:
    """Everything the hub needs on disk: published lessons, chart bundle, learners' Python.

    Returns the lessons' repository, its branch and the learners' Python.
    """
    data.mkdir(parents=True, exist_ok=True)
    data.chmod(0o755)
    if os.geteuid() == 0:  # learners' servers run as other users: they must reach these
        for folder, option in ((REPO_ROOT, "install the lab in a folder every user may read "
                                           "(e.g. /opt/human-security-lab)"),
                               (data, "use --data-dir in a folder every user may read "
                                      "(e.g. /srv/hsl-hub)")):
            if not reachable_by_everyone(folder):
                raise SystemExit(f"Learners cannot reach {folder}: {option}.")
    bare = publish_lessons(data)
    build_chart_cache(data)
    python = learner_python(data) if os.geteuid() == 0 else sys.executable
    return bare, current_branch(), python


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("HSL_HUB_PORT", 8000)))
    parser.add_argument("--lan", action="store_true",
                        help="listen on every network interface (the room), not only this computer")
    parser.add_argument("--password", default=os.environ.get("HSL_HUB_PASSWORD", ""),
                        help="the class password (default: a new random one, printed)")
    parser.add_argument("--participants", type=Path, default=None,
                        help="a text file of login names, one a line: each gets their own "
                             "password (written to hub-data/participants.csv to hand out)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--homes", type=Path, default=Path("/home"),
                        help="where learners' home folders are created (default /home)")
    args = parser.parse_args(argv)

    if not (HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy").exists() \
            and not shutil.which("configurable-http-proxy"):
        print("configurable-http-proxy is missing: run `make hub` (it installs it with npm).",
              file=sys.stderr)
        return 1
    bare, branch, python = prepare(args.data_dir)
    participants = None
    password = ""
    if args.participants:
        participants = make_participants(args.participants, args.data_dir / "participants.csv")
    else:
        password = args.password or secrets.token_urlsafe(6)
    ip = "0.0.0.0" if args.lan else "127.0.0.1"
    host = socket.gethostname() if args.lan else "localhost"
    base = f"http://{host}:{args.port}/"
    print(f"Human Security Lab hub: {base}", flush=True)
    if participants:
        print(f"Login: each participant's name and password from {participants}", flush=True)
    else:
        print(f"Login: any name (letters and digits) and the class password: {password}",
              flush=True)
    print("Lessons (copies them into each learner's folder, or updates them):", flush=True)
    print("  JupyterLab: " + base + gitpull_path(bare, branch,
                                                  lesson_urlpath("00-start-here.ipynb")))
    print("  as an app:  " + base + gitpull_path(bare, branch,
                                                  "voila/tree/" + CLONE_NAME + "/lessons"))
    if os.geteuid() != 0:
        print("Not running as root: every learner's server runs as your user, so learners are "
              "NOT kept apart by the operating system. Use `sudo make hub` for a class.",
              flush=True)
    env = hub_env(args.data_dir, args.port, ip=ip, password=password,
                  participants=participants, homes=args.homes, python=python)
    os.chdir(args.data_dir)
    cmd = hub_command()
    os.execve(cmd[0], cmd, env)


if __name__ == "__main__":
    raise SystemExit(main())
