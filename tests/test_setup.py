"""The set-up promises: one list of pins, Binder in step with it, offline charts."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import altair as alt
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.strip().split("==")
            pins[_norm(name)] = version
    return pins


def test_environment_yml_pins_equal_the_lock_file():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    env_pins = {_norm(p.split("==")[0]): p.split("==")[1] for p in pip_section}
    assert env_pins == _lock(), "run: .venv/bin/python tools/sync_environment.py"
    assert "conda-forge" in env["channels"]
    assert any(str(d).startswith("python=3.1") for d in env["dependencies"])


def test_every_dependency_is_pinned_in_the_lock():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = project["dependencies"] + project["optional-dependencies"]["test"]
    lock = _lock()
    missing = [d for d in deps if _norm(re.split(r"[<>=!~ \[]", d)[0]) not in lock]
    assert not missing, f"not pinned in requirements.lock: {missing}"


def test_jupyterlab_and_widgets_are_pinned_together():
    lock = _lock()
    for name in ("jupyterlab", "ipywidgets", "jupyterlab-widgets", "widgetsnbextension", "voila"):
        assert name in lock, name
    assert lock["ipywidgets"].startswith("8.") and lock["jupyterlab-widgets"].startswith("3.")


def test_binder_files_at_repository_root():
    # Binder ignores root files if a binder/ folder exists.
    assert not (ROOT / "binder").exists()
    post = (ROOT / "postBuild").read_text()
    assert "set -e" in post and "pip install" in post and "-e ." in post


def test_importing_the_package_switches_charts_offline():
    import widgets  # noqa: F401
    from widgets._offline import LabChart

    assert alt.JupyterChart._is_offline is True
    assert alt.renderers.active == "hsl"
    chart = LabChart(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x"))
    bundle = chart._hsl_bundle
    # The bundle carries Vega itself and must not point at a CDN.
    assert len(bundle) > 500_000 and "vega" in bundle
    for esm in (bundle, chart._esm, alt.JupyterChart._esm):
        assert "cdn.jsdelivr.net" not in esm and "esm.sh" not in esm and "unpkg.com" not in esm
    # Each chart sends a small loader (its update scheduler included, a few KB, not
    # the 0.9 MB bundle); the bundle is compiled once per page.
    assert len(chart._esm) < 20_000 and "globalThis" in chart._esm


def test_plain_charts_in_a_cell_render_as_offline_widgets():
    import widgets  # noqa: F401

    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x")
    bundle = chart._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_lessons_are_committed_without_outputs():
    for nb_path in sorted((ROOT / "lessons").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in nb_path.parts:
            continue
        nb = yaml.safe_load(nb_path.read_text())  # JSON is YAML
        assert "widgets" not in nb.get("metadata", {}), f"{nb_path.name}: widget state saved"
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            tags = cell.get("metadata", {}).get("tags", [])
            if "nbval-check-output" in tags:
                continue
            assert not cell.get("outputs"), f"{nb_path.name}: outputs committed (run make strip)"
        assert nb_path.stat().st_size <= 200_000, f"{nb_path.name} is over 200 KB"


def test_import_skips_the_slow_iri_grammar_but_leaves_it_usable():
    """``import widgets`` hides rfc3987_syntax from jsonschema (2.4 s of grammar
    compiling per kernel); Altair still validates, and the module still imports."""
    import subprocess
    import sys

    code = (
        "import sys, widgets, altair as alt\n"
        "assert 'rfc3987_syntax' not in sys.modules\n"
        "try:\n"
        "    alt.Chart().mark_point(size='big').to_dict()\n"
        "except alt.utils.schemapi.SchemaValidationError:\n"
        "    pass\n"
        "else:\n"
        "    raise SystemExit('no validation')\n"
        "import importlib.util\n"
        "if importlib.util.find_spec('rfc3987_syntax'):\n"
        "    import rfc3987_syntax\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.strip() == "ok", out.stderr


def test_templates_of_older_code_are_deleted_from_the_cache(tmp_path, monkeypatch):
    """The template cache must not grow with every update of the lab."""
    from widgets._offline import _cache_dir
    from widgets.charts._templates import spec_template

    monkeypatch.setenv("HSL_CACHE_DIR", str(tmp_path))
    folder = _cache_dir() / "templates"
    folder.mkdir(parents=True)
    stale = [folder / "prunetest-0123456789abcdef.json",            # older naming
             folder / "prunetest-aaaaaaaaaa-bbbbbbbbbb.json"]         # older code
    other = folder / "prunetest-map-aaaaaaaaaa-bbbbbbbbbb.json"       # another template
    for f in [*stale, other]:
        f.write_text("{}")
    assert spec_template("prunetest", ("one",), lambda: {"mark": "bar"}, __file__)
    assert spec_template("prunetest", ("two",), lambda: {"mark": "line"}, __file__)
    left = sorted(f.name for f in folder.iterdir())
    assert not any(f.exists() for f in stale) and other.exists()
    assert len(left) == 3  # the other template and this code's two keys


def test_layering_runs_one_way():
    """Issue 22.4: widgets/portfolio.py and widgets/quiz.py imported widgets.ui (which imports them).

    Concept modules, charts and the portfolio never import the widget layer or ipywidgets;
    only widgets/ui/ and the lazy facade (widgets/__init__.py) may.
    """
    import ast

    package = Path(__file__).resolve().parents[1] / "widgets"
    offenders = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel.startswith("ui/") or rel == "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{rel}: {n}" for n in names
                          if n == "ipywidgets" or n == "widgets.ui" or n.startswith("widgets.ui.")]
    assert offenders == []
