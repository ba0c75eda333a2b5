"""Agent pages and fragments. Login/logout live at accounts/ (django.contrib.auth.urls)."""

import re

from django.conf import settings
from django.urls import path, re_path

from inbox import views
from inbox.views import attachments as attachment_views
from inbox.views import canned_responses as canned_views
from inbox.views import contact_imports as import_views
from inbox.views import media as media_views
from inbox.views import new_conversation as new_views
from inbox.views import notes as note_views
from inbox.views import presence as presence_views
from inbox.views import side_panel as panel_views
from inbox.views import thread_header as header_views

app_name = "inbox"
urlpatterns = [
    path("", views.home, name="home"),
    path("w/<slug:slug>/", views.inbox_page, name="workspace"),
    path("w/<slug:slug>/c/<int:conversation_id>/", views.inbox_page, name="conversation"),
    path("w/<slug:slug>/presence/", presence_views.set_presence, name="set_presence"),
    path(
        "w/<slug:slug>/fragments/team-presence/",
        presence_views.team_presence,
        name="team_presence",
    ),
    path("w/<slug:slug>/c/<int:conversation_id>/reply/", views.reply, name="reply"),
    path("w/<slug:slug>/c/<int:conversation_id>/preview/", views.preview, name="preview"),
    path("w/<slug:slug>/c/<int:conversation_id>/read/", views.mark_read, name="mark_read"),
    path("w/<slug:slug>/m/<uuid:message_id>/retry/", views.retry, name="retry"),
    path("w/<slug:slug>/fragments/conversations/", views.conversation_list, name="list_fragment"),
    path(
        "w/<slug:slug>/fragments/c/<int:conversation_id>/thread/",
        views.thread,
        name="thread_fragment",
    ),
    path(
        "w/<slug:slug>/fragments/m/<uuid:message_id>/",
        views.message_row,
        name="message_fragment",
    ),
]

# Around the thread: its header (owner, status), the side panel (contact, labels, merge),
# notes and their mentions, canned responses.
_C = "w/<slug:slug>/c/<int:conversation_id>/"
urlpatterns += [
    path(_C + "assign/", header_views.assign_conversation, name="assign"),
    path(_C + "status/", header_views.change_conversation_status, name="status"),
    path(
        "w/<slug:slug>/fragments/c/<int:conversation_id>/head/",
        header_views.thread_head,
        name="thread_head",
    ),
    path(_C + "labels/", panel_views.update_labels, name="labels"),
    path(_C + "merge/", panel_views.merge_contact, name="merge"),
    path(_C + "merge/candidates/", panel_views.list_merge_candidates, name="merge_candidates"),
    path(
        "w/<slug:slug>/fragments/c/<int:conversation_id>/panel/",
        panel_views.side_panel,
        name="side_panel",
    ),
    path(_C + "note/", note_views.add_private_note, name="note"),
    path(_C + "mentions/", note_views.list_mention_candidates, name="mentions"),
    path("w/<slug:slug>/mentions/unseen/", note_views.unseen_mention_count, name="unseen_mentions"),
    path(_C + "canned/", canned_views.canned_responses, name="canned"),
    path(_C + "attachments/", attachment_views.upload_attachment, name="attachment_upload"),
]

# Writing first (any member) and importing contact lists (admins, managers).
_I = "w/<slug:slug>/contact-imports/<int:import_id>/"
urlpatterns += [
    path("w/<slug:slug>/conversations/new/", new_views.new_conversation, name="new_conversation"),
    path(
        "w/<slug:slug>/contact-imports/", import_views.upload_contact_list, name="contact_imports"
    ),
    path(_I, import_views.contact_import_page, name="contact_import"),
    path(_I + "preview/", import_views.contact_import_preview, name="contact_import_preview"),
    path(_I + "start/", import_views.start_contact_import, name="contact_import_start"),
    path(_I + "progress/", import_views.contact_import_progress, name="contact_import_progress"),
    path(_I + "cancel/", import_views.cancel_contact_import, name="contact_import_cancel"),
    path(_I + "rejected.csv", import_views.rejected_rows_download, name="contact_import_rejected"),
]

# Stored media (agents' uploads, inbound copies) at the URL their storage gives, when media
# is local: members with their session, providers with a signed URL (inbox/media_links.py).
_media = settings.MEDIA_URL.strip("/")
if _media and "://" not in settings.MEDIA_URL:
    urlpatterns.append(
        re_path(
            rf"^{re.escape(_media)}/(?P<path>(?:inbound|outbound)/.+)$",
            media_views.media_file,
            name="media_file",
        )
    )
