from django.contrib import admin

from .models import Assignment, AssignmentChange, Dimension, GradingRun, Metric, Rule, Scheme


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ("name", "mode", "label_en", "label_zh", "position", "is_active")


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("name", "dimension", "version", "is_current", "value", "priority", "enabled")
    list_filter = ("dimension", "is_current", "enabled")
    search_fields = ("name", "condition_text")


@admin.register(Metric, Scheme)
class VersionedAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "is_current", "created_at")
    list_filter = ("is_current",)


@admin.register(GradingRun)
class GradingRunAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "as_of",
        "engine",
        "status",
        "customers_graded",
        "changed_total",
        "duration_seconds",
    )
    list_filter = ("status", "engine", "dry_run")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("customer", "dimension", "value", "rule_name", "rule_version", "score", "since")
    list_filter = ("dimension",)
    raw_id_fields = ("customer", "run")
    show_full_result_count = False


@admin.register(AssignmentChange)
class AssignmentChangeAdmin(admin.ModelAdmin):
    list_display = ("customer", "dimension", "from_value", "to_value", "changed_at", "source", "rule_name")
    list_filter = ("dimension", "source")
    raw_id_fields = ("customer", "run")
    show_full_result_count = False
