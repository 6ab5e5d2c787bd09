"""redline.nlp stage."""
