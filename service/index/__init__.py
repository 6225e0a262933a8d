"""The Chroma index: articles and their chunks."""
