from typing import ClassVar

from django.contrib import admin

from stratacrm.accounts.admin_audit import AuditedAdminMixin

from .models import Bill, Consumption, Interaction, Payment, Transaction


class EventAdmin(AuditedAdminMixin, admin.ModelAdmin):
    raw_id_fields: ClassVar[tuple[str, ...]] = ("customer",)
    search_fields = ("customer__account_number",)
    show_full_result_count = False


@admin.register(Consumption)
class ConsumptionAdmin(EventAdmin):
    list_display = ("customer", "meter", "period", "kwh_total", "kwh_peak", "kwh_flat", "kwh_offpeak")
    raw_id_fields = ("customer", "meter")


@admin.register(Bill)
class BillAdmin(EventAdmin):
    list_display = ("customer", "period", "kwh", "amount", "issued_on", "due_date")


@admin.register(Payment)
class PaymentAdmin(EventAdmin):
    list_display = ("customer", "paid_on", "amount", "channel")
    raw_id_fields = ("customer", "bill")


@admin.register(Transaction)
class TransactionAdmin(EventAdmin):
    list_display = ("customer", "product", "quantity", "amount", "occurred_at")


@admin.register(Interaction)
class InteractionAdmin(EventAdmin):
    list_display = ("customer", "channel", "activity", "direction", "subject", "occurred_at")
    list_filter = ("channel", "activity", "direction")
    raw_id_fields = ("customer", "staff")
