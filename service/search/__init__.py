"""Finding the passages that answer a query."""
