"""redline.model stage."""
