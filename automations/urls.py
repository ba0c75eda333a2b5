from django.urls import path

from . import views

app_name = "automations"

_base = "w/<slug:slug>/settings/automations/"

urlpatterns = [
    path(_base, views.rule_list, name="list"),
    path(f"{_base}new/", views.rule_new, name="new"),
    path(f"{_base}action-row/", views.action_row, name="action_row"),
    path(f"{_base}action-row/removed/", views.action_row_removed, name="action_row_removed"),
    path(f"{_base}<int:rule_id>/", views.rule_edit, name="edit"),
    path(f"{_base}<int:rule_id>/toggle/", views.rule_toggle, name="toggle"),
    path(f"{_base}<int:rule_id>/delete/", views.rule_delete, name="delete"),
    path(f"{_base}<int:rule_id>/try/", views.rule_try, name="try"),
]
