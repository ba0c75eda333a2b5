from django.urls import path

from . import links, progress_views, template_editor, views

app_name = "campaigns"

urlpatterns = [
    path("r/<str:code>", links.follow, name="tracked_link"),
    path("w/<slug:slug>/campaigns/", views.campaign_list, name="list"),
    path("w/<slug:slug>/campaigns/new/", views.campaign_create, name="create"),
    path("w/<slug:slug>/campaigns/<int:campaign_id>/", views.campaign_detail, name="detail"),
    path(
        "w/<slug:slug>/campaigns/<int:campaign_id>/progress/",
        progress_views.progress_fragment,
        name="progress",
    ),
    path(
        "w/<slug:slug>/campaigns/<int:campaign_id>/funnel.csv",
        views.campaign_funnel_export,
        name="funnel_csv",
    ),
    path(
        "w/<slug:slug>/campaigns/<int:campaign_id>/recipients.csv",
        views.campaign_recipients_export,
        name="recipients_csv",
    ),
    path(
        "w/<slug:slug>/campaigns/<int:campaign_id>/<slug:action>/",
        views.campaign_control,
        name="control",
    ),
    path("w/<slug:slug>/templates/", views.template_list, name="templates"),
    path("w/<slug:slug>/templates/gallery/", views.template_from_gallery, name="gallery"),
    path("w/<slug:slug>/templates/new/", views.template_edit, name="template_new"),
    path("w/<slug:slug>/templates/build/", template_editor.editor, name="template_builder"),
    path(
        "w/<slug:slug>/templates/build/preview/",
        template_editor.editor_preview,
        name="template_preview",
    ),
    path(
        "w/<slug:slug>/templates/<int:template_id>/build/",
        template_editor.editor,
        name="template_editor",
    ),
    path("w/<slug:slug>/templates/<int:template_id>/", views.template_edit, name="template"),
]
