from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from allauth.account.decorators import secure_admin_login
        from django.contrib import admin

        # The Django admin logs in through allauth, so lockout (axes), email verification and
        # two-factor authentication apply there too.
        admin.site.login = secure_admin_login(admin.site.login)
