"""Binary-classification metrics for fidelity verdicts (label True = consistent/supported)."""

from __future__ import annotations


def balanced_accuracy(predicted: list[bool], labels: list[bool]) -> float:
    positives = [p for p, y in zip(predicted, labels, strict=True) if y]
    negatives = [not p for p, y in zip(predicted, labels, strict=True) if not y]
    if not positives or not negatives:
        return float("nan")
    return 0.5 * (sum(positives) / len(positives) + sum(negatives) / len(negatives))


def roc_auc(scores: list[float], labels: list[bool]) -> float:
    """Probability that a random consistent item outscores a random inconsistent one (ties count half)."""
    ranked = sorted(zip(scores, labels, strict=True), key=lambda pair: pair[0])
    n_pos = sum(labels)
    n_neg = len(labels) - n_pos
    if not n_pos or not n_neg:
        return float("nan")
    rank_sum = 0.0
    i = 0
    while i < len(ranked):
        j = i
        while j + 1 < len(ranked) and ranked[j + 1][0] == ranked[i][0]:
            j += 1
        average_rank = (i + j) / 2 + 1
        rank_sum += average_rank * sum(1 for k in range(i, j + 1) if ranked[k][1])
        i = j + 1
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def roc_curve(scores: list[float], labels: list[bool]) -> tuple[list[float], list[float]]:
    """False- and true-positive rates at every distinct threshold (for plotting)."""
    n_pos = max(1, sum(labels))
    n_neg = max(1, len(labels) - sum(labels))
    fpr, tpr = [0.0], [0.0]
    for threshold in sorted(set(scores), reverse=True):
        tp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= threshold and y)
        fp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= threshold and not y)
        fpr.append(fp / n_neg)
        tpr.append(tp / n_pos)
    return fpr, tpr
