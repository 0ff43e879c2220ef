"""The dossier lifecycle over HTTP (django-ninja), mounted at /api/dossiers/."""

from ninja import Router

router = Router(tags=["dossiers"])
