from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from motcua.identity.models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    raw_id_fields = ["agency", "unit", "granted_by"]
    extra = 0


@admin.register(User)
class MotcuaUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "kind", "is_active", "is_superuser"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("motcua", {"fields": ("kind", "full_name", "phone")}),
    )
    inlines = [RoleAssignmentInline]
