from django.contrib import admin

from stratacrm.accounts.admin_audit import AuditedAdminMixin

from .models import SurveyResponse, Ticket


@admin.register(Ticket)
class TicketAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("ticket_number", "customer", "kind", "category", "priority", "status", "opened_at")
    list_filter = ("kind", "priority", "status")
    search_fields = ("ticket_number", "customer__account_number")
    raw_id_fields = ("customer",)
    show_full_result_count = False


@admin.register(SurveyResponse)
class SurveyResponseAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("customer", "survey", "csat", "nps", "responded_at")
    list_filter = ("survey",)
    raw_id_fields = ("customer",)
    show_full_result_count = False
