"""Writes the pages start: saved views, events logged from the 360 view, rule previews, publishing,
grading runs. Each checks the actor's permission and goes through the domain's own services."""
