"""The REST API (django-ninja, OpenAPI 3) under /api/.

Import `stratacrm.api.api` only once Django is set up: django-ninja reads settings at import.
"""
