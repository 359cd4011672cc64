"""Learner text made safe to put in a Markdown export.

A brief, a screening note or an after-action report is Markdown that someone
else (a trainer, an LMS, a Markdown viewer) will render. Text a learner typed
— notes, a team's name, an author — must show as written and never become
HTML, a link or a table cell break in that rendering. :func:`md_text` does
that for a line or a paragraph; the HTML exports escape with
:func:`html.escape` instead.
"""

from __future__ import annotations

import html
import re

# Characters with a meaning in CommonMark / GitHub Markdown inline syntax.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>])")
_LINE_START = re.compile(r"^(\s*)([-=]|\d+[.)])", re.MULTILINE)


def md_text(text: object, *, single_line: bool = False) -> str:
    """``text`` escaped so that Markdown shows it literally (no HTML, links or images).

    ``<`` and ``>`` and ``&`` become HTML entities (a Markdown viewer shows
    them as the characters); link, image, emphasis, heading, list, quote and
    table syntax is backslash-escaped. ``single_line`` also turns line breaks
    into spaces (for a heading, a list item or a table cell).

    >>> md_text('<img src=x onerror=alert(1)> [x](javascript:alert(1))')
    '&lt;img src=x onerror=alert\\\\(1\\\\)&gt; \\\\[x\\\\]\\\\(javascript:alert\\\\(1\\\\)\\\\)'
    >>> md_text("</script>"), md_text("Team | Blue\\n# heading", single_line=True)
    ('&lt;/script&gt;', 'Team \\\\| Blue \\\\# heading')
    >>> md_text("Ebola: prevention pays.")
    'Ebola: prevention pays.'
    """
    out = html.escape(str(text), quote=False)
    out = _MD_SPECIAL.sub(r"\\\1", out)
    out = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), out)
    if single_line:
        out = " ".join(out.split())
    return out
