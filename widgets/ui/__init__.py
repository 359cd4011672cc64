"""The lab's widgets: thin ipywidgets classes around the pure concept modules.

The building blocks every widget is made of live in :mod:`widgets.ui.base`
(:class:`~widgets.ui.base.LabWidget`, :class:`~widgets.ui.base.ChartPanel`, the
data tables) and are re-exported here; each widget has a module of its own
(``widgets/ui/explorer.py``, ``index_builder.py``, …). Layering runs one way:
``widgets.ui`` imports the concept modules, the charts and the portfolio; none
of those imports ``widgets.ui``.
"""

from widgets.ui.base import ChartPanel, LabWidget, data_table_html, rows_json, safe_callback

__all__ = ["ChartPanel", "LabWidget", "data_table_html", "rows_json", "safe_callback"]
