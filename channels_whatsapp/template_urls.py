from django.urls import path

from . import template_views

urlpatterns = [
    path(
        "w/<slug:slug>/settings/channels/<int:channel_id>/whatsapp-templates/",
        template_views.template_list,
        name="whatsapp-templates",
    ),
    path(
        "w/<slug:slug>/settings/channels/<int:channel_id>/whatsapp-templates/sync/",
        template_views.template_sync,
        name="whatsapp-templates-sync",
    ),
    path(
        "w/<slug:slug>/settings/channels/<int:channel_id>/whatsapp-templates/<int:template_id>/submit/",
        template_views.template_submit,
        name="whatsapp-templates-submit",
    ),
    path(
        "w/<slug:slug>/c/<int:conversation_id>/whatsapp-template/",
        template_views.send_template,
        name="whatsapp-template-send",
    ),
]
