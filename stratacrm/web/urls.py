"""The web UI's URLs; each view's action is in docs/security.md's pages table."""

from django.urls import path

from .views import audit, customer, customers, dashboard, dedupe, import_steps, imports, rules, runs, schemes

app_name = "web"
urlpatterns = [
    path("", dashboard.home, name="home"),
    path("dashboard/<slug:panel>/", dashboard.dashboard_panel, name="dashboard_panel"),
    path("favicon.ico", dashboard.favicon, name="favicon"),
    path("customers/", customers.customer_list, name="customer_list"),
    path("customers/export.csv", customers.customer_list_export, {"fmt": "csv"}, name="customer_export_csv"),
    path(
        "customers/export.xlsx", customers.customer_list_export, {"fmt": "xlsx"}, name="customer_export_xlsx"
    ),
    path("saved-views/", customers.saved_view_create, name="saved_view_create"),
    path("saved-views/<int:view_id>/delete/", customers.saved_view_remove, name="saved_view_delete"),
    path("customers/<str:account_number>/", customer.customer_detail, name="customer_detail"),
    path("customers/<str:account_number>/unmask/", customer.customer_contact_unmask, name="customer_unmask"),
    path(
        "customers/<str:account_number>/interactions/",
        customer.customer_interaction_log,
        name="customer_interaction",
    ),
    path(
        "customers/<str:account_number>/complaints/",
        customer.customer_complaint_open,
        name="customer_complaint",
    ),
    path("rules/", rules.rule_list, name="rule_list"),
    path("rules/check/", rules.rule_check, name="rule_check"),
    path("rules/previews/<int:preview_id>/", rules.rule_preview_show, name="rule_preview"),
    path("rules/previews/<int:preview_id>/publish/", rules.rule_publish, name="rule_publish"),
    path("rules/<slug:dimension>/new/", rules.rule_new, name="rule_new"),
    path("rules/<slug:dimension>/preview/", rules.rule_preview_create, name="rule_preview_create"),
    path("rules/<slug:dimension>/edit/<path:name>", rules.rule_edit, name="rule_edit"),
    path("rules/<slug:dimension>/versions/<path:name>", rules.rule_history, name="rule_history"),
    path("rules/schemes/<slug:kind>/", schemes.scheme_detail, name="scheme_detail"),
    path("rules/schemes/<slug:kind>/edit/", schemes.scheme_edit, name="scheme_edit"),
    path("rules/schemes/<slug:kind>/preview/", schemes.scheme_preview_create, name="scheme_preview_create"),
    path("rules/schemes/previews/<int:preview_id>/", schemes.scheme_preview_show, name="scheme_preview"),
    path("rules/schemes/previews/<int:preview_id>/publish/", schemes.scheme_publish, name="scheme_publish"),
    path("runs/", runs.run_list, name="run_list"),
    path("runs/start/", runs.run_start, name="run_start"),
    path("runs/progress/", runs.run_progress_show, name="run_progress"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("imports/", imports.import_list, name="import_list"),
    path("imports/upload/", imports.import_upload_file, name="import_upload"),
    path("imports/<int:job_id>/", imports.import_detail, name="import_detail"),
    path("imports/<int:job_id>/progress/", imports.import_progress_show, name="import_progress"),
    path("imports/<int:job_id>/problems/", imports.import_problems, name="import_problems"),
    path("imports/<int:job_id>/problems.csv", imports.import_problems_csv, name="import_problems_csv"),
    path("imports/<int:job_id>/mapping/", import_steps.import_mapping, name="import_mapping"),
    path("imports/<int:job_id>/profile/", import_steps.import_profile_use, name="import_profile_use"),
    path("imports/<int:job_id>/preview/", import_steps.import_preview, name="import_preview"),
    path("imports/<int:job_id>/commit/", import_steps.import_commit, name="import_commit"),
    path("duplicates/", dedupe.duplicate_list, name="duplicate_list"),
    path("duplicates/scan/", dedupe.duplicate_scan, name="duplicate_scan"),
    path("duplicates/<int:candidate_id>/merge/", dedupe.duplicate_merge, name="duplicate_merge"),
    path("duplicates/<int:candidate_id>/dismiss/", dedupe.duplicate_dismiss, name="duplicate_dismiss"),
    path("duplicates/merges/<int:merge_id>/undo/", dedupe.merge_undo, name="merge_undo"),
]
