"""redline.store stage."""
