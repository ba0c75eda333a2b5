# Brand registration with Google (Business Communications API) and observed state changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("channels_rcs", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="BrandRegistration",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("api_base_url", models.CharField(max_length=300)),
                ("brand_name", models.CharField(blank=True, default="", max_length=200)),
                ("agent_name", models.CharField(blank=True, default="", max_length=300)),
                ("billing_category", models.CharField(max_length=32)),
                ("agent_use_case", models.CharField(max_length=32)),
                ("hosting_region", models.CharField(max_length=32)),
                ("verification_state", models.CharField(blank=True, default="", max_length=48)),
                ("verification_observed_at", models.DateTimeField(blank=True, null=True)),
                ("launch_states", models.JSONField(blank=True, default=dict)),
                ("launch_observed_at", models.DateTimeField(blank=True, null=True)),
                ("regions", models.JSONField(blank=True, default=list)),
                ("pending", models.BooleanField(db_index=True, default=False)),
                ("pushed_at", models.DateTimeField(blank=True, null=True)),
                ("last_error", models.CharField(blank=True, default="", max_length=500)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "brand",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="registration",
                        to="channels_rcs.brandprofile",
                    ),
                ),
                (
                    "channel",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="inbox.channel",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="RegistrationStateChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("subject", models.CharField(max_length=200)),
                ("state", models.CharField(max_length=48)),
                ("comment", models.CharField(blank=True, default="", max_length=500)),
                ("observed_at", models.DateTimeField()),
                (
                    "registration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="state_changes",
                        to="channels_rcs.brandregistration",
                    ),
                ),
            ],
            options={"ordering": ["-observed_at", "-pk"]},
        ),
    ]
