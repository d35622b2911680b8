"""Models of the pledges app (built by its own issue)."""
