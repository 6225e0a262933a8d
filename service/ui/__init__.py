"""The Gradio web UI: formatting functions (pure, tested without Gradio), handlers over the service, the layout."""
