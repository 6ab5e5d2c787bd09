"""redline.ingest stage."""
