"""The course deployment files: Zero to JupyterHub values, the single-user image, the hub's pieces.

The image cannot be built here (no Docker on the test machines), so its recipe is
checked as text: it installs exactly ``requirements.lock`` (every package pinned,
nothing resolved at build time) and the lock is complete (every dependency of a
locked package is itself locked). The real hub is started in
``tests/browser/test_hub.py``.
"""

from __future__ import annotations

import asyncio
import importlib.metadata as md
import importlib.util
import re
import shlex
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
VALUES = ROOT / "deploy" / "z2jh-values.yaml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hsl_hub = _load("hsl_hub_for_tests", ROOT / "hub" / "hsl_hub.py")
hubpy = _load("hub_script_for_tests", ROOT / "scripts" / "hub.py")


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.+\-]+", line), \
                f"not an exact pin: {line}"
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def _run(coro):
    """Run a coroutine in its own thread (Playwright may hold this thread's event loop)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _values() -> dict:
    return yaml.safe_load(VALUES.read_text(encoding="utf-8"))


def _run_lines() -> list[list[str]]:
    """Each shell command of the Dockerfile's RUN instructions, as words."""
    text = re.sub(r"^\s*#.*\n", "", DOCKERFILE.read_text(encoding="utf-8"), flags=re.M)
    text = text.replace("\\\n", " ")
    commands = []
    for line in text.splitlines():
        if line.startswith("RUN "):
            for part in line[4:].split("&&"):
                commands.append(shlex.split(part.strip()))
    return commands


# -- Zero to JupyterHub values ------------------------------------------------------------
def test_values_file_has_what_a_course_needs():
    values = _values()
    single = values["singleuser"]
    assert single["image"]["name"] and single["image"]["tag"]
    assert single["defaultUrl"].startswith("/voila/"), "learners should land in app mode"
    for key in ("guarantee", "limit"):
        assert single["memory"][key] and single["cpu"][key] is not None
    assert hsl_hub.parse_bytes(single["memory"]["guarantee"]) <= \
        hsl_hub.parse_bytes(single["memory"]["limit"])
    assert float(single["cpu"]["guarantee"]) <= float(single["cpu"]["limit"])
    assert values["cull"]["enabled"] is True and int(values["cull"]["timeout"]) >= 600
    assert values["prePuller"]["hook"]["enabled"] is True
    assert values["prePuller"]["continuous"]["enabled"] is True
    assert single["networkPolicy"]["egressAllowRules"]["nonPrivateIPs"] is False
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"]


def test_values_and_the_one_machine_hub_use_the_same_limits():
    single = _values()["singleuser"]
    config = (ROOT / "hub" / "jupyterhub_config.py").read_text(encoding="utf-8")
    mem = re.search(r'HSL_HUB_MEM_LIMIT", "([^"]+)"', config).group(1)
    cpu = re.search(r'HSL_HUB_CPU_LIMIT", "([^"]+)"', config).group(1)
    assert hsl_hub.parse_bytes(single["memory"]["limit"]) == hsl_hub.parse_bytes(mem)
    assert float(single["cpu"]["limit"]) == float(cpu)


def test_nbgitpuller_hook_pulls_the_repository_the_image_contains():
    command = _values()["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert command[0] == "gitpuller"
    url, branch = command[1], command[2]
    assert url.startswith("file://"), "the lessons must come from inside the image (no network)"
    recipe = DOCKERFILE.read_text(encoding="utf-8")
    assert f"--bare --no-hardlinks /opt/human-security-lab {urlparse(url).path}" in recipe
    assert f"refs/heads/{branch} " in recipe


# -- the image recipe -------------------------------------------------------------------------
def test_image_installs_exactly_the_pinned_versions():
    pip_runs = [cmd for cmd in _run_lines() if cmd[:2] == ["pip", "install"]]
    assert pip_runs, "the image recipe installs no Python packages"
    for cmd in pip_runs:
        assert "--no-deps" in cmd, f"{cmd}: pip would resolve versions not in requirements.lock"
        args = [a for a in cmd[2:] if not a.startswith("--")]
        assert args in (["-r", "requirements.lock"], ["-e", "."]), f"unexpected install: {cmd}"
    assert any("requirements.lock" in cmd for cmd in pip_runs)
    base = re.search(r"^FROM python:(\d+\.\d+)", DOCKERFILE.read_text(), re.M).group(1)
    env_python = re.search(r"python=(\d+\.\d+)", (ROOT / "environment.yml").read_text()).group(1)
    assert base == env_python, "the image's Python differs from Binder's"
    lock = _lock()
    for needed in ("jupyterhub", "nbgitpuller", "voila", "jupyterlab"):
        assert needed in lock, f"{needed} is not pinned, so the image would not have it"


def test_the_lock_file_is_complete():
    """Every dependency of a locked package is locked too (so --no-deps installs all)."""
    lock = _lock()
    env = {"extra": ""}
    missing = set()
    for name in lock:
        try:
            requires = md.requires(name) or []
        except md.PackageNotFoundError:
            continue
        for raw in requires:
            req = Requirement(raw)
            if req.marker and not req.marker.evaluate(env):
                continue
            if canonicalize_name(req.name) not in lock:
                missing.add(f"{req.name} (needed by {name})")
    assert not missing, f"not pinned in requirements.lock: {sorted(missing)}"


# -- the one-machine hub's pieces -------------------------------------------------------------
def test_parse_bytes_reads_kubernetes_and_jupyterhub_sizes():
    assert hsl_hub.parse_bytes("1G") == 2**30
    assert hsl_hub.parse_bytes("512M") == 512 * 2**20
    assert hsl_hub.parse_bytes("1Gi") == 2**30
    assert hsl_hub.parse_bytes(None) == 0


def test_participants_each_log_in_with_their_own_password(tmp_path):
    names = tmp_path / "names.txt"
    names.write_text("Amina\nbruno\n\n")
    table = hubpy.make_participants(names, tmp_path / "participants.csv")
    assert table.stat().st_mode & 0o077 == 0, "the password list must be private"
    people = hsl_hub.read_participants(table)
    assert set(people) == {"amina", "bruno"} and people["amina"] != people["bruno"]
    auth = hsl_hub.ParticipantsAuthenticator(participants_file=str(table))
    login = _run(auth.authenticate(None, {"username": "amina",
                                                  "password": people["amina"]}))
    assert login == {"name": "amina"}
    assert _run(auth.authenticate(None, {"username": "amina",
                                                "password": people["bruno"]})) is None
    assert _run(auth.authenticate(None, {"username": "carla",
                                                "password": people["bruno"]})) is None
    assert auth.check_allowed("bruno") and not auth.check_allowed("carla")


def test_a_class_password_never_starts_a_server_as_a_system_account(tmp_path):
    with pytest.raises(PermissionError):
        hsl_hub.ensure_learner_account("root", tmp_path)
    with pytest.raises(PermissionError):
        hsl_hub.ensure_learner_account("../etc", tmp_path)
    assert not hsl_hub.is_learner_account("root")


def test_gitpull_link_opens_the_lesson_from_the_local_repository(tmp_path):
    path = hubpy.gitpull_path(tmp_path / "lessons.git", "main",
                              hubpy.lesson_urlpath("01-what-is-human-security.ipynb", "app"))
    assert path.startswith("hub/user-redirect/git-pull?")
    query = parse_qs(urlparse(path).query)
    assert query["repo"] == [f"file://{tmp_path}/lessons.git"]
    assert query["urlpath"] == [
        "voila/render/human-security-lab/lessons/01-what-is-human-security.ipynb"]


def test_learners_python_is_one_every_user_may_run(tmp_path):
    python = hubpy.learner_python(tmp_path)
    assert hubpy.reachable_by_everyone(Path(python))
    import subprocess

    out = subprocess.run([python, "-c", "import sys, jupyterhub.singleuser, voila, nbgitpuller; "
                          "print(sys.version_info[:2])"], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == str(tuple(sys.version_info[:2]))
