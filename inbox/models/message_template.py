from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .workspace import Workspace


class MessageTemplate(models.Model):
    """Named content (the content spec, with `{{placeholders}}`) a campaign sends.

    `content` is the rich version; `sms_text` the text a text-only phone gets, generated
    from it by the fallback rules (inbox.content's rendering) unless a person edited it
    (`sms_text_edited`), in which case it is kept as written.
    """

    class UseCase(models.TextChoices):
        PAYMENT_REMINDER = "payment_reminder", _("Payment reminder")
        ORDER_UPDATE = "order_update", _("Order or delivery update")
        APPOINTMENT = "appointment", _("Appointment confirmation")
        PRODUCT_CAROUSEL = "product_carousel", _("Product carousel")
        TICKET = "ticket", _("Ticket or boarding pass")
        ONE_TIME_CODE = "one_time_code", _("One-time code")
        OTHER = "other", _("Other")

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="message_templates"
    )
    name = models.CharField(max_length=100)
    use_case = models.CharField(max_length=32, choices=UseCase.choices, default=UseCase.OTHER)
    content = models.JSONField()
    sms_text = models.TextField(blank=True, default="")
    sms_text_edited = models.BooleanField(default=False)
    # The content spec's traffic_type (authentication, transaction, promotion, ...): "" none.
    traffic_type = models.CharField(max_length=32, blank=True, default="")
    # Postbacks of the content's suggestions that mean "converted" (e.g. "paid"): a
    # campaign recipient's tap on one records the campaign's conversion for them.
    conversion_postbacks = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="uniq_template_name"),
        ]
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name
