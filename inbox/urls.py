"""Agent pages and fragments. Login/logout live at accounts/ (django.contrib.auth.urls)."""

from django.urls import path

from inbox import views

app_name = "inbox"
urlpatterns = [
    path("", views.home, name="home"),
    path("w/<slug:slug>/", views.inbox_page, name="workspace"),
    path("w/<slug:slug>/c/<int:conversation_id>/", views.inbox_page, name="conversation"),
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
