"""Django's admin as the site that follows the access policy (kept apart: apps.py may hold one config)."""

from django.contrib.admin.apps import AdminConfig


class StrataAdminConfig(AdminConfig):
    """Django's admin, with `accounts.admin_site.StrataAdminSite` as its default site."""

    default_site = "stratacrm.accounts.admin_site.StrataAdminSite"
