"""One table, one unique key: the least a durable webhook endpoint can do."""

from django.db import models


class FloorRow(models.Model):
    key = models.CharField(max_length=64, unique=True)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
