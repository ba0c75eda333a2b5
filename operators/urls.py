"""The sign-in page, the first-run page, admins' setup links and the operators' page."""

from django.urls import path

from operators.views import first_run, setup_links, sign_in, workspaces

app_name = "operators"

urlpatterns = [
    # Before django.contrib.auth's URLs in config/urls.py, so this sign-in answers.
    path("accounts/login/", sign_in.SignInView.as_view(), name="login"),
    path("setup/", first_run.setup, name="setup"),
    path("setup/password/<str:token>/", setup_links.set_password, name="set_password"),
    path("operators/workspaces/", workspaces.workspace_list, name="workspaces"),
    path("operators/workspaces/new/", workspaces.create, name="create_workspace"),
    path("operators/workspaces/<int:workspace_id>/suspend/", workspaces.suspend, name="suspend"),
    path("operators/workspaces/<int:workspace_id>/resume/", workspaces.resume, name="resume"),
]
