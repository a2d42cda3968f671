from django.contrib import admin

from .models import Customer, Tag, UtilityAccount


class UtilityAccountInline(admin.TabularInline):
    model = UtilityAccount
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("account_number", "name", "customer_type", "province", "city", "status", "owner")
    list_filter = ("customer_type", "status", "province", "source_channel", "contact_form_filled")
    search_fields = ("account_number", "name", "company")
    raw_id_fields = ("owner",)
    filter_horizontal = ("tags",)
    inlines = [UtilityAccountInline]
    show_full_result_count = False


@admin.register(UtilityAccount)
class UtilityAccountAdmin(admin.ModelAdmin):
    list_display = ("meter_number", "customer", "tariff_category", "voltage_level", "contracted_capacity_kva")
    list_filter = ("tariff_category", "voltage_level", "billing_scheme")
    search_fields = ("meter_number", "customer__account_number")
    raw_id_fields = ("customer",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)
