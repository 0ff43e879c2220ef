"""Public catalog API: procedures with their papers, fees and steps; the essential services."""

from django.db.models import Q
from django.http import Http404
from ninja import Router, Schema

from motcua.catalog.models import EssentialService, Procedure

router = Router(tags=["catalog"], auth=None)


class ProcedureOut(Schema):
    code: str
    name: str
    sector: str
    agency_level: str
    online_level: str
    eid_level: int
    processing_hours: int
    processing_days: float


class DocumentOut(Schema):
    code: str
    name: str
    reuse_source: str
    required: bool
    note: str


class FeeOut(Schema):
    label: str
    amount: int
    note: str


class StepOut(Schema):
    order: int
    step: str
    role: str
    share_percent: int


class ProcedureDetailOut(ProcedureOut):
    legal_basis: str
    agency_code: str | None
    documents: list[DocumentOut]
    fees: list[FeeOut]
    steps: list[StepOut]


class EssentialServiceOut(Schema):
    number: int
    name: str
    is_project06: bool
    provided_online: bool
    procedure_code: str | None


class EssentialListOut(Schema):
    total: int
    online: int
    project06: int
    items: list[EssentialServiceOut]


def _summary(procedure: Procedure) -> dict:
    return {
        "code": procedure.code,
        "name": procedure.name,
        "sector": procedure.sector,
        "agency_level": procedure.agency_level,
        "online_level": procedure.online_level,
        "eid_level": procedure.eid_level,
        "processing_hours": procedure.processing_hours,
        "processing_days": procedure.processing_days,
    }


@router.get("/procedures", response=list[ProcedureOut])
def procedures(request, sector: str = "", online_level: str = "", q: str = "") -> list[dict]:
    """Active procedures, filtered by sector, online level and a text search."""
    found = Procedure.objects.filter(is_active=True)
    if sector:
        found = found.filter(sector=sector)
    if online_level:
        found = found.filter(online_level=online_level)
    if q:
        found = found.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return [_summary(p) for p in found]


@router.get("/procedures/{code}", response=ProcedureDetailOut)
def procedure_detail(request, code: str) -> dict:
    procedure = Procedure.objects.filter(code=code, is_active=True).select_related("agency").first()
    if procedure is None:
        raise Http404
    documents = procedure.documents.select_related("document_type")
    return {
        **_summary(procedure),
        "legal_basis": procedure.legal_basis,
        "agency_code": procedure.agency.code if procedure.agency else None,
        "documents": [
            {
                "code": d.document_type.code,
                "name": d.document_type.name,
                "reuse_source": d.document_type.reuse_source,
                "required": d.required,
                "note": d.note,
            }
            for d in documents
        ],
        "fees": [
            {"label": f.label, "amount": f.amount, "note": f.note} for f in procedure.fees.all()
        ],
        "steps": [
            {"order": s.order, "step": s.step, "role": s.role, "share_percent": s.share_percent}
            for s in procedure.steps.all()
        ],
    }


@router.get("/essential-services", response=EssentialListOut)
def essential_services(request) -> dict:
    """The province's essential services, with how many are online out of the total."""
    items = list(EssentialService.objects.select_related("procedure"))
    return {
        "total": len(items),
        "online": sum(1 for e in items if e.provided_online),
        "project06": sum(1 for e in items if e.is_project06),
        "items": [
            {
                "number": e.number,
                "name": e.name,
                "is_project06": e.is_project06,
                "provided_online": e.provided_online,
                "procedure_code": e.procedure.code if e.procedure else None,
            }
            for e in items
        ],
    }
