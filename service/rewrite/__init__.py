"""Plain-English rewriting that keeps every fact and adds none."""
