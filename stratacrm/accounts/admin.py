from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .admin_audit import AuditedAdminMixin
from .models import User


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "team", "region", "is_active")
    list_filter = ("role", "is_active", "team")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), (_("Strata"), {"fields": ("role", "team", "region")}))
