"""Bulk import of citizens: the entry points the CLI, the upload page and the task use.

The work is split by concept in `motcua.registry.importing`: reading files (`sources`),
checking rows (`rows`), writing batches (`upsert`), running a job (`runner`) and accepting
uploads (`upload`).
"""

from motcua.registry.importing.runner import BATCH_ROWS, import_file
from motcua.registry.importing.sources import COLUMNS
from motcua.registry.importing.upload import max_upload_bytes, start_import

__all__ = ["BATCH_ROWS", "COLUMNS", "import_file", "max_upload_bytes", "start_import"]
