"""Turning files, URLs and feeds into articles and chunks."""
