"""Models of the meetings app (built by its own issue)."""
