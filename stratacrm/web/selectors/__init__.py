"""Reads behind the pages. Each one starts from `customers.selectors.customer_scope` (row scope) and
leaves through `accounts.masking` (field masking); views only call them and render."""
