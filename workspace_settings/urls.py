"""Settings pages under /w/<slug>/settings/ (paths fixed by templates/settings/_nav.html)."""

from django.urls import path

from .views import catalog, channels, contacts, hours, inbound_events, webhooks

app_name = "wsettings"

_base = "w/<slug:slug>/settings/"
_catalog_paths = {
    "teams": "teams",
    "canned": "canned-responses",
    "labels": "labels",
    "attributes": "attributes",
}

urlpatterns = [
    # Not a settings page: any member edits a contact's fields from the inbox side panel.
    path(
        "w/<slug:slug>/contacts/<int:contact_id>/edit/", contacts.contact_edit, name="contact_edit"
    ),
    path(f"{_base}channels/", channels.channel_list, name="channels"),
    path(f"{_base}channels/new/<str:kind>/", channels.channel_add, name="channel_add"),
    path(f"{_base}channels/<int:channel_id>/", channels.channel_edit, name="channel_edit"),
    path(
        f"{_base}channels/<int:channel_id>/active/",
        channels.channel_toggle,
        name="channel_toggle",
    ),
    path(f"{_base}channels/<int:channel_id>/test/", channels.channel_test, name="channel_test"),
    path(f"{_base}hours/", hours.hours, name="hours"),
    path(f"{_base}hours/holidays/", hours.holiday_add, name="holiday_add"),
    path(
        f"{_base}hours/holidays/<int:holiday_id>/delete/",
        hours.holiday_remove,
        name="holiday_remove",
    ),
    path(f"{_base}hours/replies/", hours.replies, name="hours_replies"),
    path(f"{_base}inbound-events/", inbound_events.inbound_events, name="inbound_events"),
    path(
        f"{_base}inbound-events/replay/",
        inbound_events.inbound_events_replay,
        name="inbound_events_replay",
    ),
    path(f"{_base}webhooks/", webhooks.webhook_list, name="webhooks"),
    path(f"{_base}webhooks/<int:webhook_id>/", webhooks.webhook_edit, name="webhook_edit"),
    path(
        f"{_base}webhooks/<int:webhook_id>/rotate/",
        webhooks.webhook_rotate,
        name="webhook_rotate",
    ),
    path(
        f"{_base}webhooks/<int:webhook_id>/delete/",
        webhooks.webhook_delete,
        name="webhook_delete",
    ),
    path(
        f"{_base}webhooks/<int:webhook_id>/deliveries/<uuid:delivery_id>/retry/",
        webhooks.delivery_retry,
        name="delivery_retry",
    ),
]

for key, segment in _catalog_paths.items():
    urlpatterns += [
        path(f"{_base}{segment}/", catalog.list_view(key), name=key),
        path(f"{_base}{segment}/<int:item_id>/", catalog.edit_view(key), name=f"{key}_edit"),
        path(
            f"{_base}{segment}/<int:item_id>/delete/",
            catalog.delete_view(key),
            name=f"{key}_delete",
        ),
    ]
