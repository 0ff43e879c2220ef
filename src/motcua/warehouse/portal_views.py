"""The citizen's "my documents": the warehouse documents they own (their own and their
approved organisations'), with download. Every download goes through
`services.open_document`, so it is in the audit trail; another person's document is 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from motcua.core.exceptions import NotFound
from motcua.identity.permissions import acting_user
from motcua.warehouse import selectors, services

LOGIN_URL = "accounts:login"
# The audit trail's purpose of an owner's download; a fixed code, not translated.
PURPOSE = "owner's download"


@login_required(login_url=LOGIN_URL)
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    documents = (
        selectors.documents_of(acting_user(request))
        .select_related("issuer_agency", "source_dossier", "organisation")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(documents, 30).get_page(request.GET.get("page"))
    return render(request, "warehouse/mine.html", {"page": page})


@login_required(login_url=LOGIN_URL)
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    user = acting_user(request)
    document = selectors.documents_of(user).filter(pk=pk).first()
    if document is None:
        raise Http404
    try:
        opened = services.open_document(user, document, PURPOSE)
    except (PermissionDenied, NotFound):
        raise Http404 from None
    name = f"{document.document_type.code}-{document.pk}.pdf"
    return FileResponse(opened, content_type="application/pdf", as_attachment=True, filename=name)
