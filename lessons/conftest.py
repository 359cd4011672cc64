"""nbval runs every lesson notebook under lessons/, translated ones included.

The translated lesson 00 (lessons/fr/00-*, lessons/es/00-*) runs the same code
cells as the English lesson 00, which nbval runs; to keep ``make test`` within
its time budget it is skipped unless ``HSL_ALL_TRANSLATIONS=1``. Its text is
checked by tests/test_i18n.py (every unit translated, the notebook up to date).
Lesson 01 runs in English, French and Spanish on every ``make test``.

The translated solutions (lessons/fr/solutions/, lessons/es/solutions/) and the
Spanish class report run the same code cells as the English ones, which nbval
runs; they are skipped too unless ``HSL_ALL_TRANSLATIONS=1`` (tests/test_i18n.py
checks that each is built and up to date). The French class report
(lessons/fr/facilitator/) runs on every ``make test``: it shows the class-report
widgets in another language.
"""

from __future__ import annotations

import os

collect_ignore_glob = [] if os.environ.get("HSL_ALL_TRANSLATIONS") else [
    "fr/00-*.ipynb", "es/00-*.ipynb"]
if not os.environ.get("HSL_ALL_TRANSLATIONS"):
    collect_ignore_glob += ["fr/solutions/*.ipynb", "es/solutions/*.ipynb",
                            "es/facilitator/*.ipynb"]
