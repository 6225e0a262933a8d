"""newsdesk: news Q&A and plain-English rewrites over your own articles."""

__version__ = "0.1.0"
