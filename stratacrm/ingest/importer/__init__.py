"""The importer: foreign CSV and Excel files mapped by a profile, checked, cleaned and written."""
