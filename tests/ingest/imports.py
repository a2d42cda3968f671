"""Helpers of the import tests: profiles from files, "the database is as it was", imports that refuse."""

from pathlib import Path

from django.apps import apps

from stratacrm.accounts.models import AuditEntry
from stratacrm.ingest.importer.profile import Profile, profile_from_yaml

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
ROOT = HERE.parents[1]
TELCO = (ROOT / ".." / "shared" / "data" / "telco-churn" / "WA_Fn-UseC_-Telco-Customer-Churn.csv").resolve()
DOMAIN_APPS = ("customers", "activity", "service", "segmentation")


def profile_at(path: Path) -> Profile:
    return profile_from_yaml(path.read_text(encoding="utf-8"))


def domain_counts() -> dict[str, int]:
    """Rows in every domain table and the audit trail: "nothing written" compares these."""
    counts = {
        m._meta.label: m._default_manager.count()
        for a in DOMAIN_APPS
        for m in apps.get_app_config(a).get_models()
    }
    counts["audit"] = AuditEntry.objects.count()
    return counts
