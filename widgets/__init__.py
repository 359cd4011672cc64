"""Human Security Lab: interactive widgets and data for teaching human security.

``import widgets`` sets up Altair for offline use (no CDN: charts render with
the network cut) and the lab's colour-blind-safe theme. Widgets are imported
lazily, so a lesson only pays for the ones it uses.

>>> import widgets
>>> widgets.data.indicator_info("hdi").short_label != ""
True

Layout (see ``docs/ARCHITECTURE.md``): ``widgets.data`` loads the curated
tables; ``widgets.<concept>`` holds pure calculations; ``widgets.charts.*``
builds Altair charts; ``widgets.ui.*`` holds the thin ipywidgets classes.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any


def _import_altair_quickly() -> None:
    """Import Altair without the 2.4 s that one optional dependency costs.

    Altair imports ``jsonschema``, which imports ``rfc3987_syntax`` when it is
    installed (Jupyter brings it in) and compiles a grammar for IRI checks on
    import: 70% of ``import widgets``, in every kernel of every lesson.
    Altair's schemas never check IRIs, so the module is hidden while
    ``jsonschema`` loads, and nothing else changes.
    """
    if "jsonschema" in sys.modules:
        return
    hidden = "rfc3987_syntax" not in sys.modules
    if hidden:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment] # import fails fast
    try:
        import altair  # noqa: F401
    finally:
        if hidden:
            del sys.modules["rfc3987_syntax"]


_import_altair_quickly()

from widgets import data  # noqa: E402
from widgets._memory import kernel_shell, trim_after_each_cell  # noqa: E402
from widgets._offline import enable_offline_charts  # noqa: E402
from widgets.charts import enable_theme  # noqa: E402
from widgets.errors import LabInputError  # noqa: E402
from widgets.i18n import get_language, set_language  # noqa: E402

__version__ = "0.1.0"

#: Public widget classes and the module each lives in (imported on first use).
_LAZY: dict[str, str] = {
    "KnowledgeCheck": "widgets.ui.quiz",
    "IndicatorExplorer": "widgets.ui.explorer",
    "DataCoverage": "widgets.ui.coverage",
    "CountryProfile": "widgets.ui.profile",
    "IndexBuilder": "widgets.ui.index_builder",
    "RiskAssessment": "widgets.ui.risk_assessment",
    "SpendingTradeoffs": "widgets.ui.spending",
    "PolicyPortfolio": "widgets.ui.policy_portfolio",
    "InstrumentScreening": "widgets.ui.screening",
    "ScenarioSimulator": "widgets.ui.scenario",
    "Consultation": "widgets.ui.consultation",
    "CaseExplorer": "widgets.ui.cases",
    "Scorecard": "widgets.ui.scorecard",
    "Portfolio": "widgets.portfolio",
    "PortfolioPanel": "widgets.ui.portfolio",
    "ClassReport": "widgets.ui.classreport",
    "check": "widgets.selfcheck",
    "UserDataLoader": "widgets.ui.user_data",
}

__all__ = ["LabInputError", "data", "get_language", "set_language", "setup", "__version__",
           *_LAZY]


def setup() -> None:
    """Offline charts and the lab theme; in a kernel, memory returned after each cell.

    Called on import; safe to call again.
    """
    enable_offline_charts()
    enable_theme()
    trim_after_each_cell(kernel_shell())


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name])
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'widgets' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


setup()
