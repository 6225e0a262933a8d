"""A RewriteResult as HTML (original and rewrite aligned, the report) and a small readability chart."""

from __future__ import annotations

import re
from html import escape

from matplotlib.figure import Figure

from service.fidelity.report import ClaimVerdict
from service.rewrite.measures import facts
from service.rewrite.result import AlignedUnit, RewriteResult
from service.rewrite.unit_check import MAX_GRADE
from service.text import STOPWORDS


def aligned_html(title: str, units: list[AlignedUnit], pending: list[str]) -> str:
    """Original and rewrite side by side, one row per source sentence (hover a row to see the pair),
    a blank row between paragraphs; flags in place. ``pending`` are source sentences not yet rewritten."""
    rows: list[str] = []
    paragraph = units[0].paragraph if units else 0
    for unit in units:
        if unit.paragraph != paragraph:
            rows.append('<tr class="para"><td colspan="2"></td></tr>')
            paragraph = unit.paragraph
        status = unit.status.replace(":", "").replace(" ", "-")
        note = f' title="{escape("; ".join(unit.problems))}"' if unit.problems else ""
        if unit.status.startswith("dropped"):
            out = f'<span class="note">({escape(unit.status)})</span>'
        elif unit.status == "kept original":
            out = f'<span class="kept-original"{note}>{escape(unit.text)}</span>'
            out += ' <span class="note">(kept as written)</span>'
        else:
            out = highlighted(unit.text, list(unit.unsupported))
            if unit.status in ("split by rule", "quotation"):
                out += f' <span class="note">({escape(unit.status)})</span>'
        rows.append(
            f'<tr class="unit {status}"><td class="src">{escape(unit.source)}</td><td class="out">{out}</td></tr>'
        )
    rows += [f'<tr class="unit pending"><td class="src">{escape(p)}</td><td class="out">…</td></tr>' for p in pending]
    head = f"<h3>{escape(title)}</h3>" if title else ""
    return (
        f'{head}<table class="aligned"><thead><tr><th>Original</th><th>Plain English</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def highlighted(text: str, unsupported: list[ClaimVerdict]) -> str:
    """Escaped text with each unsupported sentence in a red mark naming its unsupported words."""
    out = escape(text)
    for claim in unsupported:
        plain = escape(claim.text)
        if plain and plain in out:
            words = lacking(claim)
            out = out.replace(
                plain, f'<mark class="unsupported" title="not in the original: {escape(words)}">{plain}</mark>', 1
            )
    return out


def report_html(result: RewriteResult, original: str) -> str:
    """The fidelity report below the rewrite: verdict, facts kept and dropped, unsupported sentences, readability."""
    dropped = sorted(cased(f, original) for f in result.dropped_facts)
    kept = sorted(cased(f, original) for f in facts(original) if f not in set(result.dropped_facts))
    b, a = result.before, result.after
    retried = sum(u.retried for u in result.units)
    rows = [
        ("Reading grade (Flesch-Kincaid)", f"{b.grade:.1f} → {a.grade:.1f}"),
        ("Reading ease (Flesch, higher is easier)", f"{b.ease:.0f} → {a.ease:.0f}"),
        ("Words per sentence", f"{b.words_per_sentence:.1f} → {a.words_per_sentence:.1f}"),
        ("Names and numbers kept", f"{result.fact_recall:.0%} ({len(kept)} of {len(kept) + len(dropped)})"),
        ("Sentences changed", f"{result.changed_share:.0%}"),
        ("Sentences", result.sentence_summary),
        ("Retried after the check", f"{retried}"),
        ("Split into shorter sentences", f"{result.split_units}"),
        ("Time", f"{result.seconds:.0f} s ({100 * result.seconds / max(1, result.source_words):.1f} s per 100 words)"),
        ("Time floor (the output once at the model's speed)", f"{result.timings.get('floor_s', 0.0):.0f} s"),
    ]
    ok = result.is_rewrite and not result.unsupported
    parts = [
        f'<h3 class="{"verdict-ok" if ok else "verdict-warn"}">{"✓" if ok else "⚠"} {escape(result.verdict)}</h3>',
        "<table>" + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows) + "</table>",
        _facts_line("Kept", kept, "kept"),
        _facts_line("Dropped", dropped, "dropped"),
    ]
    if result.removed_promotion:
        lines = "".join(f"<li>{escape(line)}</li>" for line in result.removed_promotion)
        parts.append(f"<p><b>Removed as the publisher's promotion:</b></p><ul>{lines}</ul>")
    if result.dropped_repeats:
        lines = "".join(f"<li>{escape(line)}</li>" for line in result.dropped_repeats)
        parts.append(f"<p><b>Dropped as repeating an earlier sentence:</b></p><ul>{lines}</ul>")
    kept_units = [u for u in result.units if u.status == "kept original"]
    if kept_units:
        items = "".join(f"<li>{escape(u.source)} — {escape('; '.join(u.problems))}</li>" for u in kept_units)
        parts.append(f"<p><b>Kept as written (the rewrite failed the check twice):</b></p><ul>{items}</ul>")
    if result.unsupported:
        items = "".join(
            f"<li><mark class='unsupported'>{escape(c.text)}</mark> — lacks support: {escape(lacking(c))}</li>"
            for c in result.unsupported
        )
        parts.append(f"<p><b>Not supported by the original:</b></p><ul>{items}</ul>")
    return "\n".join(parts)


def lacking(claim: ClaimVerdict) -> str:
    """The words without support that a reader should look at (no function words), or the checker's reason."""
    return ", ".join(w for w in claim.unsupported_words if w not in STOPWORDS) or claim.reason


def cased(fact: str, text: str) -> str:
    """The fact as the text writes it (facts are compared in lower case, apostrophes straight)."""
    pattern = re.escape(fact).replace("'", "['’]")
    match = re.search(rf"(?<!\w){pattern}(?!\w)", text, re.IGNORECASE)
    return match.group(0) if match else fact


def _facts_line(label: str, items: list[str], css: str) -> str:
    shown = ", ".join(f"<span class='{css}'>{escape(i)}</span>" for i in items) or "none"
    return f"<p><b>{label}:</b> {shown}</p>"


def readability_chart(result: RewriteResult) -> Figure:
    """Bars of the reading grade before and after, with the level's target as a dashed line."""
    figure = Figure(figsize=(4.0, 2.6), dpi=100)
    axes = figure.add_subplot()
    grades = [result.before.grade, result.after.grade]
    bars = axes.bar(["original", "rewrite"], grades, color=["#9ca3af", "#2563eb"], width=0.55)
    axes.bar_label(bars, labels=[f"{g:.1f}" for g in grades], padding=2)
    target = MAX_GRADE.get(result.level)
    if target is not None:
        axes.axhline(target, linestyle="--", color="#16a34a", linewidth=1)
        axes.text(-0.45, target, f"target ≤ {target:g}", va="bottom", ha="left", fontsize=8, color="#16a34a")
    axes.set_ylabel("grade (lower = easier)")
    axes.set_ylim(0, max([*grades, target or 0]) * 1.25 + 0.5)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return figure
