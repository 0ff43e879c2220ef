"""Entry point of the synthetic population generator (`motcua registry generate`).

The work is done in `motcua.registry.generation`; this module keeps the public names in
one place.
"""

from motcua.registry.generation.csvfile import IMPORT_HEADER, write_import_csv
from motcua.registry.generation.report import (
    ALL_RULES,
    CSV_RULES,
    GenerationReport,
    InjectedDefect,
    write_defects,
)
from motcua.registry.generation.store import generate_population

__all__ = [
    "ALL_RULES",
    "CSV_RULES",
    "IMPORT_HEADER",
    "GenerationReport",
    "InjectedDefect",
    "generate_population",
    "write_defects",
    "write_import_csv",
]
