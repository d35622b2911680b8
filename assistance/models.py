"""Models of the assistance app (built by its own issue)."""
