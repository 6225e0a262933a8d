"""The eval suites newsdesk knows, by name."""
