"""Teams, canned responses, labels and contact attributes: list + add, edit, delete.

The four pages differ only in their form, their row and how a save is recorded, so one
small table of `Catalog`s drives one set of views and templates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from inbox.models import CannedResponse, Label, Membership, Team
from inbox.services.audit import snapshot

from ..forms.catalog import AttributeForm, CannedResponseForm, LabelForm, TeamForm
from ..models import ContactAttributeDefinition
from ..services import audited, teams
from .admin_pages import admin_view, page


def _save_plain(catalog: Catalog):
    def save(form, actor, before):
        action = f"{catalog.action}.{'updated' if before else 'created'}"
        return audited.save(
            form.instance, actor, fields=catalog.fields, action=action, before=before
        )

    return save


def _save_team(form, actor, before):
    return teams.save_team(
        form.instance,
        actor,
        members=form.cleaned_data["members"],
        channels=form.cleaned_data["channels"],
    )


@dataclass
class Catalog:
    key: str  # nav key and url name prefix
    model: type
    form: type
    noun: str
    title: str
    intro: str
    fields: list[str]
    action: str
    row_template: str
    save: Callable | None = None
    delete: Callable | None = None

    def rows(self, workspace):
        qs = self.model.objects.filter(workspace=workspace)
        if self.model is Team:
            qs = qs.prefetch_related("members", "channels")
        return qs

    def do_save(self, form, actor, before):
        return (self.save or _save_plain(self))(form, actor, before)

    def do_delete(self, instance, actor):
        if self.delete:
            return self.delete(instance, actor)
        return audited.delete(instance, actor, fields=self.fields, action=f"{self.action}.deleted")


CATALOGS = {
    "teams": Catalog(
        key="teams",
        model=Team,
        form=TeamForm,
        noun=_("team"),
        title=_("Teams & routing"),
        intro=_(
            "A team owns the channels ticked on it. New conversations on those channels go "
            "to the team's queue, or round-robin to its online agents."
        ),
        fields=["name", "routing", "max_open_per_agent", "reassign_when_offline"],
        action="team",
        row_template="workspace_settings/catalog/_team_row.html",
        save=_save_team,
        delete=teams.delete_team,
    ),
    "canned": Catalog(
        key="canned",
        model=CannedResponse,
        form=CannedResponseForm,
        noun=_("canned response"),
        title=_("Canned responses"),
        intro=_("Saved replies agents insert with /shortcut in the composer."),
        fields=["shortcut", "title", "body"],
        action="canned_response",
        row_template="workspace_settings/catalog/_canned_row.html",
    ),
    "labels": Catalog(
        key="labels",
        model=Label,
        form=LabelForm,
        noun=_("label"),
        title=_("Labels"),
        intro=_("Tags agents put on conversations; the list filters by them."),
        fields=["name", "colour"],
        action="label",
        row_template="workspace_settings/catalog/_label_row.html",
    ),
    "attributes": Catalog(
        key="attributes",
        model=ContactAttributeDefinition,
        form=AttributeForm,
        noun=_("contact attribute"),
        title=_("Contact attributes"),
        intro=_("Custom fields every contact can carry (plan, customer number, birthday...)."),
        fields=["key", "label", "type"],
        action="contact_attribute",
        row_template="workspace_settings/catalog/_attribute_row.html",
    ),
}


def _instance(catalog: Catalog, membership: Membership, item_id: int):
    instance = catalog.model.objects.filter(workspace=membership.workspace, pk=item_id).first()
    if instance is None:
        raise Http404(f"No such {catalog.noun}")
    return instance


def _list_page(request, membership, catalog, form, status=200):
    return page(
        request,
        membership,
        "catalog/list.html",
        catalog.key,
        status=status,
        catalog=catalog,
        form=form,
        rows=catalog.rows(membership.workspace),
    )


def list_view(key: str):
    catalog = CATALOGS[key]

    @admin_view
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, membership: Membership) -> HttpResponse:
        workspace = membership.workspace
        if request.method == "POST":
            form = catalog.form(request.POST, workspace=workspace)
            if form.is_valid():
                item = catalog.do_save(form, request.user, None)
                messages.success(request, f"{catalog.noun.capitalize()} “{item}” added.")
                return redirect(f"wsettings:{key}", slug=workspace.slug)
            return _list_page(request, membership, catalog, form, status=422)
        return _list_page(request, membership, catalog, catalog.form(workspace=workspace))

    view.__name__ = f"{key}_list"
    return view


def edit_view(key: str):
    catalog = CATALOGS[key]

    @admin_view
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
        workspace = membership.workspace
        instance = _instance(catalog, membership, item_id)
        status = 200
        if request.method == "POST":
            before = snapshot(instance, catalog.fields)
            form = catalog.form(request.POST, instance=instance, workspace=workspace)
            if form.is_valid():
                catalog.do_save(form, request.user, before)
                messages.success(request, f"{catalog.noun.capitalize()} saved.")
                return redirect(f"wsettings:{key}", slug=workspace.slug)
            status = 422
        else:
            form = catalog.form(instance=instance, workspace=workspace)
        return page(
            request,
            membership,
            "catalog/form.html",
            key,
            status=status,
            catalog=catalog,
            form=form,
            item=instance,
        )

    view.__name__ = f"{key}_edit"
    return view


def delete_view(key: str):
    catalog = CATALOGS[key]

    @admin_view
    @require_POST
    def view(request: HttpRequest, membership: Membership, item_id: int) -> HttpResponse:
        instance = _instance(catalog, membership, item_id)
        label = str(instance)
        catalog.do_delete(instance, request.user)
        messages.success(request, f"{catalog.noun.capitalize()} “{label}” deleted.")
        return redirect(f"wsettings:{key}", slug=membership.workspace.slug)

    view.__name__ = f"{key}_delete"
    return view
