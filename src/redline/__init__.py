"""redline: follow negotiations through the news.

Pipeline, one subpackage a stage: ingest -> nlp -> extract -> store -> model -> analysis -> report/web.
"""

__version__ = "0.1.0"
