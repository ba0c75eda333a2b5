"""Outbound webhooks: the domain's events as signed JSON to the workspace's own systems.

The engine lives here (dispatch with retries, signing, the subscription cache, erasure of
delivery bodies, the signal receivers and tasks). Its rows, `OutboundWebhook` and
`WebhookDelivery`, stay in `workspace_settings.models`, whose migrations created them:
moving a model to another app would move its migration history too. The settings pages
that edit webhooks are in workspace_settings.
"""
