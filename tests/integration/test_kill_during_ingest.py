"""kill -9 during a real ingest leaves every article whole or absent; a re-run finishes the job."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from service.app import Newsdesk
from service.settings import load_settings
from tests.integration.conftest import BIN

WORDS = [
    "council",
    "mayor",
    "river",
    "bridge",
    "market",
    "school",
    "budget",
    "police",
    "storm",
    "harbour",
    "museum",
    "election",
]


def _articles(path: Path, n: int) -> None:
    rng = random.Random(3)
    with path.open("w") as out:
        for i in range(n):
            sentences = [
                f"Story {i} sentence {j} about the {rng.choice(WORDS)} and the {rng.choice(WORDS)}." for j in range(80)
            ]
            out.write(json.dumps({"id": f"s{i}", "title": f"Story {i}", "text": " ".join(sentences)}) + "\n")


def test_sigkill_mid_ingest_then_rerun(tmp_path: Path) -> None:
    feed = tmp_path / "stories.jsonl"
    _articles(feed, 100)
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen([str(BIN / "newsdesk"), "ingest", str(feed)], env=env, stdout=subprocess.DEVNULL)
    time.sleep(6)
    assert proc.poll() is None, "the ingest finished before it could be interrupted; make it longer"
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)

    desk = Newsdesk(load_settings(data_dir=tmp_path / "data"))
    partial = desk.catalog.list()
    assert len(partial) < 100
    for article in partial:  # whole or absent: every visible article has all its chunks
        assert len(desk.store.chunks_of(article.id)) == article.chunks

    rerun = subprocess.run([str(BIN / "newsdesk"), "ingest", str(feed)], env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(partial)} unchanged" in rerun.stdout or not partial
    desk = Newsdesk(load_settings(data_dir=tmp_path / "data"))
    final = desk.catalog.list()
    assert len(final) == 100
    desk.store.collect_garbage(now=datetime.now(UTC) + timedelta(hours=1))
    assert desk.store.count_chunks() == sum(a.chunks for a in final)
