"""redline.web stage."""
