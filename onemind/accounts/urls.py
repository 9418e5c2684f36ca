from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from onemind.accounts import two_factor, views
from onemind.accounts.forms import EmailAuthenticationForm, PasswordResetRequestForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
    path("settings/", views.account_settings, name="settings"),
    path("settings/email/", views.change_email, name="change_email"),
    path("email/confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path(
        "settings/password/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("accounts:password_change_done")),
        name="password_change",
    ),
    path("settings/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("two-factor/verify/", two_factor.verify, name="two_factor_verify"),
    path("two-factor/setup/", two_factor.setup, name="two_factor_setup"),
    path("two-factor/recovery-codes/", two_factor.recovery_codes, name="two_factor_recovery"),
    path("signup/", views.signup_find_agency, name="signup"),
    path("signup/new-agency/", views.signup_new_agency, name="signup_new_agency"),
    path("signup/<slug:agency_slug>/", views.signup_for_agency, name="signup_for_agency"),
    path("request-access/<slug:agency_slug>/", views.request_access_view, name="request_access"),
    path("dispute/<slug:agency_slug>/", views.dispute, name="dispute"),
    path("verify-email/", views.verify_email_pending, name="verify_email"),
    path("verify-email/<str:token>/", views.verify_email_confirm, name="verify_email_confirm"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetRequestForm,
            success_url=reverse_lazy("accounts:password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
            html_email_template_name="registration/password_reset_email.html",
        ),
        name="password_reset",
    ),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("accounts:password_reset_complete")),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
