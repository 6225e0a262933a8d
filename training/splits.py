"""Which OneStopEnglish articles each use may read, fixed before any tuning.

- ``suite``: the articles the shipped eval suites already use (rewrite, qa, fidelity-synthetic).
- ``held_apart``: 20 articles picked by a hash of their id, never read by training: the first 10
  hold the held-apart Q&A questions, the next 10 the hand-written ``fidelity-pairs`` cases.
- ``train``: the rest; only these feed the verifier's augmented training pairs.
"""

from __future__ import annotations

import hashlib

SUITE = (
    "Amazon", "Amsterdam", "Arctic mapping", "Banksy", "Billionaires", "Blackberry", "Bolivia", "Bonus pay",
    "Coal to challenge oil", "Crowdfunding",
)  # fmt: skip


def split_ids(ids: list[str]) -> dict[str, list[str]]:
    rest = sorted((i for i in ids if i not in SUITE), key=lambda i: hashlib.sha256(i.encode()).hexdigest())
    return {
        "suite": [i for i in ids if i in SUITE],
        "held_apart_qa": sorted(rest[:10]),
        "held_apart_pairs": sorted(rest[10:20]),
        "train": sorted(rest[20:]),
    }
