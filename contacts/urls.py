from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("w/<slug:slug>/contacts/", views.contact_list, name="list"),
    path("w/<slug:slug>/contacts/export.csv", views.contact_export, name="export"),
    path("w/<slug:slug>/contacts/labels/", views.bulk_label, name="bulk_label"),
    path("w/<slug:slug>/contacts/segments/", views.segment_save, name="segment_save"),
    path(
        "w/<slug:slug>/contacts/segments/<int:segment_id>/count/",
        views.segment_count,
        name="segment_count",
    ),
    path("w/<slug:slug>/contacts/<int:contact_id>/", views.contact_detail, name="detail"),
]
