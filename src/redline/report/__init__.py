"""redline.report stage."""
