"""The classroom pieces of the lab's JupyterHub (``make hub``): login, learners, limits.

Imported by ``hub/jupyterhub_config.py``. Three things a course hub needs that
JupyterHub leaves to its configuration:

* :class:`ParticipantsAuthenticator` — a list of participants, each with their
  own password (``scripts/hub.py --participants names.txt`` makes one to print
  and hand out). The other login, a shared class password, is JupyterHub's own
  ``SharedPasswordAuthenticator``.
* :class:`LearnerSpawner` — JupyterHub's ``LocalProcessSpawner`` (one Jupyter
  server per learner, running as that learner's own system user, as The
  Littlest JupyterHub does) that creates the learner's system user on first
  login (home folder readable by that learner only, mode 0700), refuses to
  start a server as any account it did not create (``root``, ``daemon``...), and
  puts each learner's server in a cgroup with the class's memory and CPU limit.
  When the hub does not run as root it cannot switch users: every server then
  runs as the hub's own user, each in its own home folder, and the hub says so
  in its log — the operating system does not keep learners apart then.
* :func:`cgroup_paths` and friends — the memory/CPU limit, enforced by the
  kernel (cgroup v1 or v2) where the hub may create cgroups.
"""

from __future__ import annotations

import csv
import os
import pwd
import re
import shutil
import subprocess
from hmac import compare_digest
from pathlib import Path

from jupyterhub.auth import Authenticator
from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from traitlets import Unicode

#: The GECOS comment of every system user this hub creates: the only accounts
#: it will start a learner's server as (and the only ones the tests delete).
LEARNER_MARK = "Human Security Lab learner"
#: Login names: lower-case letters, digits, '-' and '_', starting with a letter.
USERNAME_PATTERN = r"^[a-z][a-z0-9_-]{1,30}$"
CGROUP_ROOT = Path("/sys/fs/cgroup")
CGROUP_PREFIX = "hsl-learner-"


# -- login ---------------------------------------------------------------------------------
def read_participants(path: str | Path) -> dict[str, str]:
    """``{name: password}`` from a CSV file with the columns ``name,password``."""
    people: dict[str, str] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = (row.get("name") or "").strip().lower()
            password = (row.get("password") or "").strip()
            if name and password:
                people[name] = password
    return people


class ParticipantsAuthenticator(Authenticator):
    """Only the listed participants log in, each with their own password.

    The list is a CSV file (``name,password``) that the trainer keeps; it is
    read at each login, so a participant added to it can log in at once.
    """

    participants_file = Unicode(config=True, help="CSV file with the columns name,password.")

    async def authenticate(self, handler, data):
        name = self.normalize_username(data.get("username", ""))
        people = read_participants(self.participants_file)
        expected = people.get(name)
        if expected and compare_digest(data.get("password", "").encode(), expected.encode()):
            return {"name": name}
        return None

    def check_allowed(self, username, authentication=None):
        return username in read_participants(self.participants_file)


# -- learners as system users ----------------------------------------------------------------
def is_learner_account(name: str) -> bool:
    """True if ``name`` is a system user this hub created for a learner."""
    try:
        return pwd.getpwnam(name).pw_gecos == LEARNER_MARK
    except KeyError:
        return False


def ensure_learner_account(name: str, home_root: str | Path) -> Path:
    """Create the learner's system user and private home (0700) if missing; return the home.

    Refuses (``PermissionError``) to use an existing account that is not a
    learner's: a class password must never start a server as ``root``.
    """
    if not re.match(USERNAME_PATTERN, name):
        raise PermissionError(f"{name!r} is not a valid learner name")
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        home = Path(home_root) / name
        Path(home_root).mkdir(parents=True, exist_ok=True)
        os.chmod(home_root, 0o755)
        subprocess.run(["useradd", "--create-home", "--home-dir", str(home), "--user-group",
                        "--comment", LEARNER_MARK, "--shell", "/usr/sbin/nologin", name],
                       check=True, capture_output=True)
        entry = pwd.getpwnam(name)
    if entry.pw_gecos != LEARNER_MARK:
        raise PermissionError(f"{name!r} is a system account, not a learner of this class")
    home = Path(entry.pw_dir)
    home.mkdir(parents=True, exist_ok=True)
    os.chown(home, entry.pw_uid, entry.pw_gid)
    os.chmod(home, 0o700)
    return home


def delete_learner_account(name: str) -> None:
    """Remove a learner's system user and home (only accounts this hub created)."""
    if is_learner_account(name):
        subprocess.run(["userdel", "--remove", "--force", name], check=False, capture_output=True)


# -- memory and CPU limits ---------------------------------------------------------------------
def parse_bytes(value: str | int | None) -> int:
    """``"1G"`` / ``"512M"`` / ``1073741824`` -> bytes (0 = no limit)."""
    if not value:
        return 0
    if isinstance(value, int):
        return value
    units = {"K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
    text = str(value).strip().upper().rstrip("B").rstrip("I")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def _own_cgroups() -> dict[str, Path]:
    """Where this process's cgroups are: ``{"unified": path}`` or ``{"memory": .., "cpu": ..}``."""
    lines = Path("/proc/self/cgroup").read_text().splitlines()
    if (CGROUP_ROOT / "cgroup.controllers").exists():  # cgroup v2 only
        rel = next(line.split(":", 2)[2] for line in lines if line.startswith("0::"))
        return {"unified": CGROUP_ROOT / rel.lstrip("/")}
    found: dict[str, Path] = {}
    for line in lines:
        _, controllers, rel = line.split(":", 2)
        for controller in controllers.split(","):
            if controller in ("memory", "cpu") and (CGROUP_ROOT / controller).is_dir():
                found[controller] = CGROUP_ROOT / controller / rel.lstrip("/")
    return found


def cgroup_paths(name: str) -> dict[str, Path]:
    """The cgroup folders of one learner's server (beside the hub's own cgroup)."""
    return {kind: base / f"{CGROUP_PREFIX}{name}" for kind, base in _own_cgroups().items()}


def apply_limits(name: str, mem_bytes: int, cpus: float) -> list[Path]:
    """Create the learner's cgroups with these limits; return the ``cgroup.procs`` files to join.

    Raises ``OSError`` where this process may not create cgroups.
    """
    procs = []
    period = 100_000
    for kind, path in cgroup_paths(name).items():
        path.mkdir(exist_ok=True)
        if kind == "unified":
            parent = path.parent
            (parent / "cgroup.subtree_control").write_text("+memory +cpu")
            if mem_bytes:
                (path / "memory.max").write_text(str(mem_bytes))
                (path / "memory.swap.max").write_text("0")
            if cpus:
                (path / "cpu.max").write_text(f"{int(cpus * period)} {period}")
        elif kind == "memory" and mem_bytes:
            (path / "memory.limit_in_bytes").write_text(str(mem_bytes))
        elif kind == "cpu" and cpus:
            (path / "cpu.cfs_period_us").write_text(str(period))
            (path / "cpu.cfs_quota_us").write_text(str(int(cpus * period)))
        procs.append(path / "cgroup.procs")
    return procs


def leftover_pids(name: str) -> set[int]:
    """Processes still in a learner's cgroups or, for a learner account, owned by it."""
    import psutil

    pids: set[int] = set()
    for path in cgroup_paths(name).values():
        try:
            pids |= {int(p) for p in (path / "cgroup.procs").read_text().split()}
        except (OSError, ValueError):
            pass
    if is_learner_account(name):
        uid = pwd.getpwnam(name).pw_uid
        for proc in psutil.process_iter(["uids", "status"]):
            try:
                if (proc.info["uids"] and proc.info["uids"].real == uid
                        and proc.info["status"] != psutil.STATUS_ZOMBIE):
                    pids.add(proc.pid)
            except psutil.Error:
                pass
    pids.discard(os.getpid())
    return pids


def remove_limits(name: str) -> None:
    """Stop whatever a learner's server left running (by process id), then remove its cgroups."""
    import signal

    for pid in leftover_pids(name):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for path in cgroup_paths(name).values():
        for _ in range(50):
            try:
                path.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:  # busy until the killed processes are gone
                import time

                time.sleep(0.1)


class LearnerSpawner(LocalProcessSpawner):
    """One Jupyter server per learner, as the learner's own system user, within limits."""

    home_root = Unicode("/home", config=True,
                        help="Folder under which learners' home folders are created.")

    @property
    def isolated(self) -> bool:
        """True when servers run as separate system users (the hub runs as root)."""
        return os.geteuid() == 0

    def _home(self) -> Path:
        if self.isolated:
            return Path(pwd.getpwnam(self.user.name).pw_dir)
        return Path(self.home_root) / self.user.name

    async def start(self):
        name = self.user.name
        if self.isolated:
            ensure_learner_account(name, self.home_root)
        else:
            self.log.warning("The hub does not run as root: %s's server runs as the hub's own "
                             "user, so learners are NOT kept apart by the operating system.", name)
            self._home().mkdir(parents=True, exist_ok=True)
        self._cgroup_procs: list[Path] = []
        mem, cpus = parse_bytes(self.mem_limit), float(self.cpu_limit or 0)
        if mem or cpus:
            try:
                self._cgroup_procs = apply_limits(name, mem, cpus)
            except OSError as err:
                self.log.warning("Memory/CPU limits for %s are NOT enforced (cannot create a "
                                 "cgroup here: %s).", name, err)
        return await super().start()

    def make_preexec_fn(self, name):
        procs = list(getattr(self, "_cgroup_procs", []))
        home = str(self._home())
        switch = set_user_setuid(name) if self.isolated else None

        def preexec():
            for path in procs:  # join the limits first: only root may
                with open(path, "w") as handle:
                    handle.write(str(os.getpid()))
            if switch is not None:
                switch()
            else:
                os.chdir(home)

        return preexec

    def user_env(self, env):
        if self.isolated:
            env = super().user_env(env)
        else:
            env["USER"] = self.user.name
            env["HOME"] = str(self._home())
        return env

    async def stop(self, now=False):
        await super().stop(now=now)
        remove_limits(self.user.name)


def proxy_path(repo_root: Path) -> str | None:
    """The configurable-http-proxy installed by ``make hub`` (``hub/node_modules``)."""
    local = repo_root / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
    return str(local) if local.exists() else shutil.which("configurable-http-proxy")
