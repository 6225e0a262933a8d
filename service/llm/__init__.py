"""Model access: one narrow chat interface over any OpenAI-compatible endpoint."""
