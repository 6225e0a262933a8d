"""The newsdesk command line."""
