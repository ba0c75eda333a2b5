"""Administration pages: members, invitations, security, API tokens, data, audit log.

Every settings page is admin-only through inbox.access.membership_with_role (another
role: 403; another workspace: 404). Writes go through members.services, which audit.
"""
