"""Workspace administration rules; the settings views only call these."""
