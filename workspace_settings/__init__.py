"""The workspace settings area: channels, teams & routing, canned responses, labels,
contact attributes, business hours and outbound webhooks, edited by admins in the product's
own UI (no Django admin, no shell), every change written to the audit log."""
