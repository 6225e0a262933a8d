"""Eval datasets, scorers and the harness that runs them."""
