"""motcua: the electronic one-stop platform of a Vietnamese province."""

__version__ = "0.1.0"
