"""Bulk import of citizens from CSV or XLSX files (see `import_file` and `start_import`)."""

from motcua.registry.importing.runner import import_file
from motcua.registry.importing.upload import start_import

__all__ = ["import_file", "start_import"]
