from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from allauth.account.decorators import secure_admin_login
        from django.contrib import admin

        # The Django admin logs in through allauth, so lockout (axes), email verification and
        # two-factor authentication apply there too.
        admin.site.login = secure_admin_login(admin.site.login)

        from django.contrib.auth.signals import user_logged_in

        from .idle import mark_staff_session

        user_logged_in.connect(mark_staff_session, dispatch_uid="accounts.idle.mark_staff_session")
