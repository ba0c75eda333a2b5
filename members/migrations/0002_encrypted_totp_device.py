"""TOTP secrets move from django-otp's plaintext table to members.TOTPDevice, encrypted.

Existing devices keep working (same secret, step, drift, throttle state); members need
not enroll again. The old otp_totp table is dropped afterwards, so no plaintext copy of a
secret is left behind. A session verified before this migration verifies once more.
"""

import django.db.models.deletion
import inbox.crypto
import members.totp_device
from django.conf import settings
from django.db import migrations, models


LEGACY_TABLE = "otp_totp_totpdevice"
COPIED = (
    "user_id name confirmed step t0 digits tolerance drift last_t "
    "throttling_failure_timestamp throttling_failure_count created_at last_used_at"
).split()


def encrypt_legacy_devices(apps, schema_editor):
    from inbox.crypto import encrypt_text

    connection = schema_editor.connection
    if LEGACY_TABLE not in connection.introspection.table_names():
        return  # a fresh install: django-otp's TOTP plugin never created its table
    device_model = apps.get_model("members", "TOTPDevice")
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        columns = ", ".join(quote(c) for c in ["key", *COPIED])
        cursor.execute(f"SELECT {columns} FROM {quote(LEGACY_TABLE)} ORDER BY id")
        for key, *values in cursor.fetchall():
            row = dict(zip(COPIED, values))
            created_at = row.pop("created_at")
            device = device_model.objects.create(key_encrypted=encrypt_text(key), **row)
            # auto_now_add overwrote it on create.
            device_model.objects.filter(pk=device.pk).update(created_at=created_at)
        cursor.execute(f"DROP TABLE {quote(LEGACY_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TOTPDevice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="The human-readable name of this device.", max_length=64
                    ),
                ),
                (
                    "confirmed",
                    models.BooleanField(default=True, help_text="Is this device ready for use?"),
                ),
                (
                    "throttling_failure_timestamp",
                    models.DateTimeField(
                        blank=True,
                        default=None,
                        help_text="A timestamp of the last failed verification attempt. Null if last attempt succeeded.",
                        null=True,
                    ),
                ),
                (
                    "throttling_failure_count",
                    models.PositiveIntegerField(
                        default=0, help_text="Number of successive failed attempts."
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        auto_now_add=True,
                        help_text="The date and time when this device was initially created in the system.",
                        null=True,
                    ),
                ),
                (
                    "last_used_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="The most recent date and time this device was used.",
                        null=True,
                    ),
                ),
                (
                    "key_encrypted",
                    inbox.crypto.EncryptedTextField(default=members.totp_device.new_encrypted_key),
                ),
                ("step", models.PositiveSmallIntegerField(default=30)),
                ("t0", models.BigIntegerField(default=0)),
                ("digits", models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)),
                ("tolerance", models.PositiveSmallIntegerField(default=1)),
                ("drift", models.SmallIntegerField(default=0)),
                ("last_t", models.BigIntegerField(default=-1)),
                (
                    "user",
                    models.ForeignKey(
                        help_text="The user that this device belongs to.",
                        on_delete=django.db.models.deletion.CASCADE,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "TOTP device",
                "abstract": False,
            },
        ),
        migrations.RunPython(encrypt_legacy_devices, migrations.RunPython.noop),
    ]
