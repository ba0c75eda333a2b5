"""Admin brand pages: who may use them, and the create / edit / assign / preview flows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from channels_rcs.brand import services
from channels_rcs.brand.models import BrandProfile, VerificationStatus

from .brand_inputs import banner, logo, media_root, upload, valid_data  # noqa: F401
from .conftest import make_rcs_channel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def form_post(data: dict | None = None, **files) -> dict:
    """valid_data() flattened into the form's row fields."""
    data = valid_data(**(data or {}))
    post = {k: v for k, v in data.items() if not isinstance(v, list)}
    for kind in ("phone_numbers", "websites", "emails"):
        for i, row in enumerate(data[kind]):
            post[f"{kind}-{i}-label"] = row["label"]
            post[f"{kind}-{i}-value"] = row["value"]
    post.update(files)
    return post


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def brand(workspace):
    return services.create_brand(workspace, valid_data(), logo=logo(), banner=banner())


def urls(brand=None, slug="acme") -> dict:
    out = {
        "list": reverse("rcs_brand:list", args=[slug]),
        "create": reverse("rcs_brand:create", args=[slug]),
        "preview": reverse("rcs_brand:preview", args=[slug]),
    }
    if brand is not None:
        out["edit"] = reverse("rcs_brand:edit", args=[slug, brand.pk])
        out["channels"] = reverse("rcs_brand:channels", args=[slug, brand.pk])
        out["verification"] = reverse("rcs_brand:verification", args=[slug, brand.pk])
    return out


# --- who may ---------------------------------------------------------------------------------


def test_login_required(client, brand):
    response = client.get(urls(brand)["list"])
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["agent", "manager"])
@pytest.mark.parametrize("name", ["list", "create", "edit"])
def test_agents_and_managers_get_403_on_pages(client, request, brand, who, name):
    client.force_login(request.getfixturevalue(who))
    assert client.get(urls(brand)[name]).status_code == 403


@pytest.mark.parametrize("name", ["create", "edit", "channels", "verification", "preview"])
def test_agent_cannot_write(client, agent, brand, name):
    client.force_login(agent)
    before = BrandProfile.objects.get(pk=brand.pk)
    response = client.post(
        urls(brand)[name],
        form_post({"display_name": "Hijacked"}, verification_status="verified"),
    )
    assert response.status_code == 403
    brand.refresh_from_db()
    assert brand.display_name == before.display_name
    assert brand.verification_status == VerificationStatus.UNVERIFIED
    assert BrandProfile.objects.count() == 1


def test_another_workspace_is_404(client, outsider, brand, other_workspace):
    # eve is an agent in globex; even as admin there she must not see acme's brands.
    outsider.memberships.update(role="admin")
    client.force_login(outsider)
    for url in urls(brand).values():
        assert client.get(url).status_code in (404, 405)
        assert client.post(url, form_post()).status_code == 404
    # Nor can she open acme's brand through her own workspace.
    theirs = reverse("rcs_brand:edit", args=[other_workspace.slug, brand.pk])
    assert client.get(theirs).status_code == 404


# --- flows --------------------------------------------------------------------------------------


def test_list_shows_brands_with_status_and_channels(admin_client, brand, workspace):
    channel = make_rcs_channel(workspace)
    services.assign_brand(brand, channel)
    page = admin_client.get(urls()["list"])
    assert page.status_code == 200
    assert 'data-testid="brand-row"' in page.text
    assert "Acme Shoes" in page.text and channel.name in page.text
    assert "Unverified" in page.text
    assert brand.logo_url in page.text


def test_create_flow(admin_client, workspace):
    page = admin_client.get(urls()["create"])
    assert page.status_code == 200
    assert 'data-testid="brand-form"' in page.text and 'data-testid="brand-preview"' in page.text
    response = admin_client.post(urls()["create"], form_post(logo=logo(), banner=banner()))
    brand = BrandProfile.objects.get(workspace=workspace)
    assert response.status_code == 302
    assert response["Location"] == urls(brand)["edit"]
    assert brand.display_name == "Acme Shoes" and brand.logo and brand.banner
    assert brand.websites == [{"label": "Shop", "value": "https://acme.example/shop"}]
    edit = admin_client.get(response["Location"])
    assert "created" in edit.text
    assert 'value="Acme Shoes"' in edit.text


def test_create_with_errors_shows_them_by_field_and_saves_nothing(admin_client):
    response = admin_client.post(
        urls()["create"],
        form_post(
            {
                "display_name": "N" * 41,
                "color": "#FFD700",
                "emails": [{"label": "Help", "value": "nope"}],
            },
            logo=upload((300, 300), "PNG"),
            banner=banner(),
        ),
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert 'data-testid="error-display_name"' in text
    assert "Display name: at most 40 characters (got 41)" in text
    assert "brand colour #FFD700 has contrast 1.4:1 against white text" in text
    assert "Logo: image is 300x300 px; it must be exactly 224x224 px" in text
    assert 'data-testid="error-emails-0-value"' in text
    assert "Email 1: &#x27;nope&#x27; is not an email address" in text
    # What was typed is kept.
    assert 'value="' + "N" * 41 + '"' in text
    assert not BrandProfile.objects.exists()


def test_create_without_contacts_is_a_form_level_error(admin_client):
    response = admin_client.post(
        urls()["create"],
        form_post(
            {"phone_numbers": [], "websites": [], "emails": []}, logo=logo(), banner=banner()
        ),
    )
    assert response.status_code == 422
    assert 'data-testid="form-errors"' in response.text
    assert "at least one phone number, website or email is required" in response.text


def test_edit_flow_keeps_images_and_resets_verification_on_identity_change(admin_client, brand):
    services.set_verification_status(brand, VerificationStatus.VERIFIED)
    old_logo = brand.logo.name
    response = admin_client.post(
        urls(brand)["edit"], form_post({"display_name": "Acme Boots", "color": "#E91B0C"})
    )
    assert response.status_code == 302
    brand.refresh_from_db()
    assert (brand.display_name, brand.color, brand.logo.name) == ("Acme Boots", "#E91B0C", old_logo)
    assert brand.verification_status == VerificationStatus.UNVERIFIED
    page = admin_client.get(urls(brand)["edit"])
    assert "unverified until checked again" in page.text


def test_edit_with_bad_colour_is_refused(admin_client, brand):
    response = admin_client.post(urls(brand)["edit"], form_post({"color": "#FFFF00"}))
    assert response.status_code == 422
    assert 'data-testid="error-color"' in response.text
    assert "at least 4.5:1 is required" in response.text
    brand.refresh_from_db()
    assert brand.color == "#1A73E8"


def test_admin_sets_verification_status(admin_client, brand):
    response = admin_client.post(urls(brand)["verification"], {"verification_status": "verified"})
    assert response.status_code == 302
    brand.refresh_from_db()
    assert brand.verification_status == VerificationStatus.VERIFIED
    bad = admin_client.post(urls(brand)["verification"], {"verification_status": "approved"})
    assert bad.status_code == 400
    brand.refresh_from_db()
    assert brand.verification_status == VerificationStatus.VERIFIED


def test_assign_one_brand_to_two_channels_through_the_page(admin_client, brand, workspace):
    first, second = make_rcs_channel(workspace), make_rcs_channel(workspace)
    page = admin_client.get(urls(brand)["edit"])
    assert f'value="{first.pk}"' in page.text and f'value="{second.pk}"' in page.text
    response = admin_client.post(urls(brand)["channels"], {"channels": [first.pk, second.pk]})
    assert response.status_code == 302
    assert services.brand_for_channel(first) == brand
    assert services.brand_for_channel(second) == brand
    admin_client.post(urls(brand)["channels"], {"channels": [second.pk]})
    assert services.brand_for_channel(first) is None
    assert services.brand_for_channel(second) == brand


def test_assign_refuses_a_channel_of_another_workspace(admin_client, brand, other_workspace):
    foreign = make_rcs_channel(other_workspace)
    response = admin_client.post(urls(brand)["channels"], {"channels": [foreign.pk]})
    assert response.status_code == 404
    assert services.brand_for_channel(foreign) is None


# --- live preview ---------------------------------------------------------------------------


def test_preview_reflects_unsaved_input(admin_client):
    response = admin_client.post(
        urls()["preview"],
        form_post({"display_name": "Zephyr Air", "color": "#0B5394"}, logo=logo()),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    text = response.text
    assert "<html" not in text  # a fragment for htmx to swap in
    assert "Zephyr Air" in text
    assert "--brand: #0B5394" in text
    assert 'src="data:image/png;base64,' in text
    assert "Track order" in text and "chip" in text  # the sample rich card
    assert 'data-testid="preview-verified"' not in text
    # Still missing a banner: the preview lists what would stop a save.
    assert "Banner: required" in text


def test_preview_shows_the_contrast_problem_live(admin_client):
    text = admin_client.post(urls()["preview"], form_post({"color": "#FFD700"})).text
    assert "White text on #FFD700: 1.4:1" in text
    assert "brand colour #FFD700 has contrast 1.4:1 against white text" in text


def test_preview_of_a_verified_brand_shows_the_badge_and_stored_images(admin_client, brand):
    services.set_verification_status(brand, VerificationStatus.VERIFIED)
    page = admin_client.get(urls(brand)["edit"])
    assert 'data-testid="preview-verified"' in page.text
    assert brand.logo_url in page.text and brand.banner_url in page.text
    same = admin_client.post(urls()["preview"], form_post(brand_id=str(brand.pk))).text
    assert 'data-testid="preview-verified"' in same and "Banner: required" not in same
    # An unsaved identity change would cost the badge, so the preview does not promise it.
    changed = admin_client.post(
        urls()["preview"], form_post({"display_name": "Other"}, brand_id=str(brand.pk))
    ).text
    assert 'data-testid="preview-verified"' not in changed


def test_preview_cannot_read_another_workspaces_brand(client, outsider, brand):
    outsider.memberships.update(role="admin")
    client.force_login(outsider)
    response = client.post(
        reverse("rcs_brand:preview", args=["globex"]), form_post(brand_id=str(brand.pk))
    )
    assert response.status_code == 404
