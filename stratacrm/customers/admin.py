from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from stratacrm.accounts.admin_audit import AuditedAdminMixin
from stratacrm.accounts.services.audit import audit_record

from .models import SENSITIVE_FIELDS, Customer, Tag, UtilityAccount


class UtilityAccountInline(admin.TabularInline):
    model = UtilityAccount
    extra = 0


@admin.register(Customer)
class CustomerAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Administrators only. Shows clear values, so opening a customer here is audited as an unmask."""

    list_display = ("account_number", "name", "customer_type", "province", "city", "status", "owner")
    list_filter = ("customer_type", "status", "province", "source_channel", "contact_form_filled")
    search_fields = ("account_number", "name", "company")
    raw_id_fields = ("owner",)
    filter_horizontal = ("tags",)
    inlines = [UtilityAccountInline]
    show_full_result_count = False

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if request.method == "GET" and Customer.objects.filter(pk=object_id).exists():
            audit_record(
                actor=request.user,  # type: ignore[arg-type]  # admin views run for signed-in users only
                action="customer.unmask",
                object_type="customers.customer",
                object_id=object_id,
                after={"fields": list(SENSITIVE_FIELDS), "via": "admin"},
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(UtilityAccount)
class UtilityAccountAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("meter_number", "customer", "tariff_category", "voltage_level", "contracted_capacity_kva")
    list_filter = ("tariff_category", "voltage_level", "billing_scheme")
    search_fields = ("meter_number", "customer__account_number")
    raw_id_fields = ("customer",)


@admin.register(Tag)
class TagAdmin(AuditedAdminMixin, admin.ModelAdmin):
    search_fields = ("name",)
