from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.core.models import AdministrativeUnit, Agency, UnitLevel


def home(request: HttpRequest) -> HttpResponse:
    province = (
        AdministrativeUnit.objects.current()
        .filter(level=UnitLevel.PROVINCE, code=settings.MOTCUA_PROVINCE_CODE)
        .first()
    )
    communes = province.children.current().count() if province else 0
    return render(
        request,
        "portal/home.html",
        {
            "province": province,
            "communes": communes,
            "agencies": Agency.objects.filter(is_active=True).count(),
        },
    )
