"""Small matplotlib figures as PNG bytes (Agg backend, no display needed)."""

from __future__ import annotations

import io


def roc_plot(curves: dict[str, tuple[list[float], list[float]]]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(4.2, 4.2), dpi=100)
    for name, (fpr, tpr) in curves.items():
        axes.plot(fpr, tpr, label=name)
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=0.8)
    axes.set_xlabel("inconsistent summaries passed (false-positive rate)")
    axes.set_ylabel("consistent summaries passed (true-positive rate)")
    axes.legend(loc="lower right")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()
