"""redline.analysis stage."""
