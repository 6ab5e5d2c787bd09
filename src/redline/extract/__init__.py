"""redline.extract stage."""
