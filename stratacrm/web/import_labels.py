"""How import targets, their fields and an import's stages read on screen, in the user's language."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stratacrm.ingest.importer.targets import TARGETS, ImportTarget

REFERENCE_LABELS: dict[str, Promise] = {
    "customer": _("customer (account number)"),
    "meter": _("meter (meter number)"),
    "owner": _("owner (user name)"),
}
STAGE_LABELS: dict[str, Promise] = {
    "queued": _("Waiting to start"),
    "reading": _("Reading the file"),
    "checking": _("Checking every row"),
    "done": _("Done"),
    "refused": _("Refused"),
    "failed": _("Failed"),
}


def target_label(name: str) -> str:
    """A target table's name as users read it (the model's plural name)."""
    target = TARGETS.get(name)
    return str(target.model._meta.verbose_name_plural) if target else name


def field_label(target: ImportTarget, name: str) -> str:
    """A mappable field as users read it, with the name profiles use: `phone (phone)`."""
    if name in REFERENCE_LABELS:
        return str(REFERENCE_LABELS[name])
    field = target.model_fields.get(name)
    label = str(field.verbose_name) if field is not None else name
    return label if label == name else f"{label} ({name})"


def stage_label(stage: str) -> str:
    """`writing customers` → "Writing customers"; known stages translated, others as written."""
    if stage.startswith("writing "):
        return str(_("Writing %(table)s") % {"table": target_label(stage.removeprefix("writing "))})
    return str(STAGE_LABELS.get(stage, stage))
