"""Text to vectors, behind one small interface."""
