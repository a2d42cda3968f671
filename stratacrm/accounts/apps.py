from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "stratacrm.accounts"
    verbose_name = _("Users and access")

    def ready(self) -> None:
        # The access policy is read once at start-up: a malformed docs/security.md stops the server here.
        from .policy import load_policy

        load_policy()
