"""redline.store: the one SQLite file behind every command, and the only module that issues SQL.

with Store("redline.db") as store:
    doc_id, status = store.add_document(doc)   # "new" | "exists" | "duplicate"
"""

from redline.store.dedup import text_hash
from redline.store.schema import MIGRATIONS, SCHEMA_VERSION
from redline.store.sqlite import Store, StoreError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Store", "StoreError", "text_hash"]
