"""Workspace administration: members and invitations, security, API tokens, data, audit log."""
