"""Audit for the Django admin: its writes and its clear views of customers enter the audit trail too.

The admin edits rows directly (not through services), so this mixin records each save and delete, and a
customer's change page — which shows clear sensitive values — is recorded as an unmask.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from .services.audit import audit_record


def _changes(form: ModelForm) -> dict[str, Any]:
    return {name: form.cleaned_data.get(name) for name in form.changed_data if name in form.cleaned_data}


class AuditedAdminMixin(admin.ModelAdmin):
    """Records every admin save and delete as `<app_label.model>.admin_save` / `.admin_delete`."""

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,  # type: ignore[arg-type]  # admin views run for signed-in users only
            action=f"{obj._meta.label_lower}.admin_{'change' if change else 'add'}",
            obj=obj,
            after=_changes(form),
        )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audit_record(actor=request.user, action=f"{obj._meta.label_lower}.admin_delete", obj=obj)  # type: ignore[arg-type]
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            audit_record(actor=request.user, action=f"{obj._meta.label_lower}.admin_delete", obj=obj)  # type: ignore[arg-type]
        super().delete_queryset(request, queryset)
