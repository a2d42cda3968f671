"""Webhooks: other systems hear of grade, group, lifecycle and risk changes and of new tickets."""
