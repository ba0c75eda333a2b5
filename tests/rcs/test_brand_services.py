"""Brand writes through channels_rcs.brand.services, and the read the phone simulator uses."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from channels_rcs.brand import services
from channels_rcs.brand.models import BrandAssignment, BrandProfile, VerificationStatus
from inbox.services import create_channel

from .brand_inputs import banner, logo, media_root, upload, valid_data  # noqa: F401
from .conftest import make_rcs_channel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def make_brand(workspace, **overrides) -> BrandProfile:
    return services.create_brand(workspace, valid_data(**overrides), logo=logo(), banner=banner())


def test_create_stores_normalized_fields_and_both_images(workspace, client):
    brand = make_brand(workspace, color="#1a73e8")
    brand.refresh_from_db()
    assert brand.workspace == workspace
    assert brand.color == "#1A73E8"
    assert brand.phone_numbers == [{"label": "Support", "value": "+14155550123"}]
    assert brand.verification_status == VerificationStatus.UNVERIFIED
    assert brand.logo.name.startswith(f"rcs-brands/{workspace.pk}/logo-")
    assert brand.logo.name.endswith(".png") and brand.banner.name.endswith(".jpg")
    assert default_storage.exists(brand.logo.name)
    # logo.url is reachable, publicly, as the simulator and RBM need.
    response = client.get(brand.logo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"


def test_asset_route_refuses_names_outside_the_brand_pattern(client, workspace):
    brand = make_brand(workspace)
    assert client.get(brand.logo_url.replace("logo-", "logo-0")).status_code == 404
    assert client.get("/media/rcs-brands/../secret_key").status_code == 404


def test_create_refuses_with_every_error_and_writes_nothing(workspace):
    with pytest.raises(services.BrandValidationError) as caught:
        services.create_brand(
            workspace, valid_data(display_name="", color="#FFD700"), logo=upload((10, 10))
        )
    assert set(caught.value.errors) == {"display_name", "color", "logo", "banner"}
    assert "contrast 1.4:1" in str(caught.value)
    assert not BrandProfile.objects.exists()


def test_update_keeps_images_not_replaced_and_replaces_the_ones_given(workspace):
    brand = make_brand(workspace)
    old_logo, old_banner = brand.logo.name, brand.banner.name
    services.update_brand(brand, valid_data(description="New tagline"))
    brand.refresh_from_db()
    assert (brand.description, brand.logo.name, brand.banner.name) == (
        "New tagline",
        old_logo,
        old_banner,
    )
    with pytest.raises(services.BrandValidationError) as caught:
        services.update_brand(brand, valid_data(), logo=upload((224, 224), "GIF"))
    assert caught.value.errors == {"logo": ["Logo: GIF format is not accepted; use JPEG or PNG"]}


def test_replacing_a_logo_removes_the_old_file_after_commit(
    workspace, django_capture_on_commit_callbacks
):
    brand = make_brand(workspace)
    old_logo = brand.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        services.update_brand(brand, valid_data(), logo=logo())
    assert brand.logo.name != old_logo
    assert default_storage.exists(brand.logo.name)
    assert not default_storage.exists(old_logo)


def test_identity_edit_drops_verification_but_a_policy_link_edit_does_not(workspace):
    brand = make_brand(workspace)
    services.set_verification_status(brand, VerificationStatus.VERIFIED)
    services.update_brand(brand, valid_data(terms_url="https://acme.example/terms-v2"))
    brand.refresh_from_db()
    assert brand.verification_status == VerificationStatus.VERIFIED
    services.update_brand(
        brand,
        valid_data(terms_url="https://acme.example/terms-v2", display_name="Acme Shoes & Boots"),
    )
    brand.refresh_from_db()
    assert brand.verification_status == VerificationStatus.UNVERIFIED


def test_verification_status_must_be_a_known_value(workspace):
    brand = make_brand(workspace)
    with pytest.raises(services.BrandValidationError, match="'approved' is not one of"):
        services.set_verification_status(brand, "approved")


def test_one_brand_serves_two_channels(workspace):
    brand = make_brand(workspace)
    first = make_rcs_channel(workspace)
    second = make_rcs_channel(workspace)
    services.set_brand_channels(brand, [first, second])
    assert services.brand_for_channel(first) == brand
    assert services.brand_for_channel(second) == brand
    assert list(services.channels_for_brand(brand)) == sorted(
        [first, second], key=lambda c: (c.name, c.pk)
    )
    # Narrowing the set leaves the dropped channel without a brand.
    services.set_brand_channels(brand, [second])
    assert services.brand_for_channel(first) is None
    assert services.brand_for_channel(second) == brand


def test_assigning_another_brand_moves_the_channel(workspace):
    old, new = make_brand(workspace), make_brand(workspace, display_name="Acme Outlet")
    channel = make_rcs_channel(workspace)
    services.assign_brand(old, channel)
    services.assign_brand(new, channel)
    assert services.brand_for_channel(channel) == new
    assert BrandAssignment.objects.filter(channel=channel).count() == 1
    services.unassign_channel(channel)
    assert services.brand_for_channel(channel) is None


def test_assign_refuses_other_workspaces_and_non_rcs_channels(workspace, other_workspace):
    brand = make_brand(workspace)
    foreign = make_rcs_channel(other_workspace)
    with pytest.raises(services.BrandValidationError, match="another workspace"):
        services.assign_brand(brand, foreign)
    sms = create_channel(
        workspace,
        kind="sms",
        name="SMS line",
        config={"account_sid": "AC" + "0" * 32, "auth_token": "t", "from_number": "+14155550100"},
    )
    with pytest.raises(services.BrandValidationError, match="not an RCS channel"):
        services.assign_brand(brand, sms)
    assert services.brand_for_channel(foreign) is None


def test_brand_for_channel_gives_what_the_simulator_reads(workspace):
    brand = make_brand(workspace)
    channel = make_rcs_channel(workspace)
    assert services.brand_for_channel(channel) is None
    services.assign_brand(brand, channel)
    shown = services.brand_for_channel(channel)
    assert shown.display_name == "Acme Shoes"
    assert shown.logo.url == shown.logo_url and shown.logo_url.startswith("/media/rcs-brands/")
    assert shown.banner_url.endswith(".jpg")
    assert shown.color == "#1A73E8"
    assert shown.verification_status == "unverified"
    assert shown.emails == [{"label": "Help", "value": "help@acme.example"}]


def test_rbm_agent_fields_shape(workspace):
    brand = make_brand(workspace)
    fields = services.rbm_agent_fields(brand, base_url="https://inbox.example")
    agent = fields["rcsBusinessMessagingAgent"]
    assert fields["displayName"] == "Acme Shoes"
    assert agent["logoUri"] == "https://inbox.example" + brand.logo_url
    assert agent["phoneNumbers"] == [
        {"phoneNumber": {"number": "+14155550123"}, "label": "Support"}
    ]
    assert agent["emails"] == [{"address": "help@acme.example", "label": "Help"}]
    assert agent["websites"] == [{"uri": "https://acme.example/shop", "label": "Shop"}]
    assert agent["privacy"]["uri"] == "https://acme.example/privacy"
    assert agent["termsConditions"]["uri"] == "https://acme.example/terms"
    assert agent["color"] == "#1A73E8"


def test_brand_list_url_is_under_workspace_settings(workspace):
    assert reverse("rcs_brand:list", args=[workspace.slug]) == "/w/acme/settings/rcs/brands/"
