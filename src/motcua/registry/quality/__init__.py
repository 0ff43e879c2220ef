"""Data quality of the population registry: correct, sufficient, clean and live.

`scan.run_scan` runs every rule (`rules`, `duplicates`) as set-based queries and reconciles
what it finds with the stored `QualityIssue` rows (`reconcile`); `scores` turns open issues
into per-commune and provincial scores; `services.resolve_issue` is how an officer closes
an issue; `evaluation.score_against_defects` measures the rules against injected defects.
"""
