"""The synthetic population generator: households, people, ID cards and, on request,
data-quality defects injected on purpose (listed so the quality scan can be scored).

Modules: `names` (Vietnamese names, near-duplicate guard, misspellings), `population`
(clean households), `defects` (injecting one defect per record), `run` (one run over the
province), `store` (into the database), `csvfile` (into an import file), `report`.
"""
