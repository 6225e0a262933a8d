"""Untrusted text (article passages, titles, model replies, questions, error messages) in a Markdown context.

Escaping HTML stops ``<script>`` but not Markdown itself: ``![](http://host/pixel)`` would make the reader's
browser fetch an image, ``[x](javascript:…)`` would be a link. ``inert`` backslash-escapes every Markdown
character and HTML-escapes the rest, so such text shows exactly as written and renders nothing. Plain-HTML
outputs (the Rewrite tab, the HTML report) need only ``html.escape``: they are not read as Markdown.
"""

from __future__ import annotations

import re
from html import escape

# Markdown's link, image, emphasis, code, heading, list and table characters (& < > are HTML-escaped instead:
# a backslash before an entity would break it)
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~=:$])")  # ":" too, so no bare URL is linked


def inert(text: str) -> str:
    """For Markdown paragraphs (and inline HTML inside them, where Markdown is still parsed)."""
    return escape(_MARKDOWN.sub(r"\\\1", text), quote=False)


def html_block_text(text: str) -> str:
    """For text inside an HTML block (``<details>``, ``<blockquote>``): there Markdown is not parsed, so
    backslashes would show; HTML escaping suffices as long as the block never ends, and a blank line would end
    it (and let Markdown parse what follows), so line breaks become ``<br>``."""
    return "<br>".join(escape(line, quote=False) for line in text.splitlines() if line.strip())
