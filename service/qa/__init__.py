"""Grounded question answering: hybrid retrieval, a cited answer, verification."""
