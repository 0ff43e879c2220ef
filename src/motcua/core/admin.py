from django.contrib import admin

from motcua.core.models import AdministrativeUnit, Agency, CalendarOverride


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "division_type", "valid_from", "valid_to"]
    list_filter = ["level", "valid_to"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "successors"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "unit", "is_active"]
    list_filter = ["level", "kind", "is_active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "unit"]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "reason"]

    # Changes go through the back-office page, which audits them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
