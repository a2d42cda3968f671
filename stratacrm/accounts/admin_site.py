"""The Django admin site, open only to roles holding `admin.site`, with the throttled sign-in form."""

from django.contrib import admin
from django.http import HttpRequest

from .forms import AdminLoginForm
from .policy import user_may


class StrataAdminSite(admin.AdminSite):
    """Administrators only (policy action `admin.site`); staff status alone is not enough."""

    login_form = AdminLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and user_may(request.user, "admin.site")
