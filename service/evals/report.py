"""results.json (for machines) and a self-contained report.html (for people). All text is escaped."""

from __future__ import annotations

import base64
import html
import json
import math
import re
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from service.evals.suite import SuiteResult
from service.evals.thresholds import Failure

_MAX_CASES = 300
_STYLE = """body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;
vertical-align:top;font-size:.9rem}th{background:#f3f3f3}.fail{color:#b00020;font-weight:600}
.pass{color:#1b7f3b}mark{background:#ffd5d5}img{border:1px solid #ddd;margin:.5rem}"""


def write_reports(results: list[SuiteResult], failures: list[Failure], directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    data = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "failures": [str(f) for f in failures],
        "suites": [{k: v for k, v in asdict(r).items() if k != "plots"} | {"plots": list(r.plots)} for r in results],
    }
    json_path = directory / "results.json"
    json_path.write_text(json.dumps(_finite(data), indent=2, ensure_ascii=False, default=str) + "\n")
    html_path = directory / "report.html"
    html_path.write_text(render_html(results, failures), encoding="utf-8")
    return json_path, html_path


def _finite(value: object) -> object:
    """NaN and infinities are not JSON: write them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def render_html(results: list[SuiteResult], failures: list[Failure]) -> str:
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>newsdesk eval report</title>",
        f"<style>{_STYLE}</style></head><body><h1>newsdesk eval report</h1>",
    ]
    if failures:
        items = "".join(f"<li class='fail'>{html.escape(str(f))}</li>" for f in failures)
        parts.append(f"<h2>Thresholds not met</h2><ul>{items}</ul>")
    else:
        parts.append("<p class='pass'>All thresholds met.</p>")
    for result in results:
        parts.append(_suite_html(result))
    parts.append("</body></html>")
    return "".join(parts)


def _suite_html(result: SuiteResult) -> str:
    rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{_fmt(v)}</td></tr>" for k, v in sorted(result.metrics.items()))
    out = [
        f"<h2>{html.escape(result.name)}</h2><p>{html.escape(result.description)} "
        f"({len(result.cases)} cases, {result.seconds:.1f} s)</p>",
        f"<table><tr><th>metric</th><th>value</th></tr>{rows}</table>",
    ]
    out += [f"<p>{html.escape(note)}</p>" for note in result.notes]
    for title, png in result.plots.items():
        data = base64.b64encode(png).decode()
        out.append(f"<figure><img alt='{html.escape(title)}' src='data:image/png;base64,{data}'>")
        out.append(f"<figcaption>{html.escape(title)}</figcaption></figure>")
    cases = sorted(result.cases, key=lambda c: c.passed)[:_MAX_CASES]
    if cases:
        keys = list(cases[0].fields)
        head = "".join(f"<th>{html.escape(k)}</th>" for k in ["case", "ok", *keys])
        body = []
        for case in cases:
            cells = [
                html.escape(case.id),
                "<span class='pass'>✓</span>" if case.passed else "<span class='fail'>✗</span>",
            ]
            for key in keys:
                value = str(case.fields.get(key, ""))
                cells.append(highlight(value, case.highlights) if key == "text" else html.escape(value))
            body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        shown = f" (first {_MAX_CASES}, failures first)" if len(result.cases) > _MAX_CASES else ""
        out.append(f"<h3>Cases{shown}</h3><table><tr>{head}</tr>{''.join(body)}</table>")
    return "".join(out)


def highlight(text: str, marked: list[str]) -> str:
    """Escape ``text`` and wrap whole-word, case-insensitive occurrences of ``marked`` in <mark>."""
    escaped = html.escape(text)
    words = sorted({html.escape(w) for w in marked if w.strip()}, key=len, reverse=True)
    if not words:
        return escaped
    pattern = re.compile(r"(?<![\w])(" + "|".join(re.escape(w) for w in words) + r")(?![\w])", re.IGNORECASE)
    return pattern.sub(r"<mark>\1</mark>", escaped)


def _fmt(value: float) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    return f"{value:.3f}" if isinstance(value, float) and not value.is_integer() else f"{value:g}"
