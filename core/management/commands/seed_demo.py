"""Load the demo data of every app, idempotently, in dependency order; print the demo logins."""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

# DESIGN.md §3: agencies ← accounts ← procedures ← dossiers ← surveys ← scoring; news last.
SEED_ORDER = [
    "agencies",
    "accounts",
    "procedures",
    "dossiers",
    "surveys",
    "scoring",
    "news",
]


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (chạy lại nhiều lần không tạo trùng)."

    def handle(self, *args, **options):
        with transaction.atomic():
            for app in SEED_ORDER:
                # an app may split its demo data in two modules (demo, then demo_b)
                for module_name in (f"{app}.demo", f"{app}.demo_b"):
                    try:
                        module = importlib.import_module(module_name)
                    except ModuleNotFoundError as exc:
                        if exc.name != module_name:
                            raise
                        continue
                    self.stdout.write(f"Dữ liệu mẫu: {module_name}…")
                    module.seed(stdout=self.stdout)
        self._print_logins()

    def _print_logins(self):
        try:
            from accounts.demo import DEMO_LOGINS, DEMO_PASSWORD, DEMO_TOTP_SECRET
        except ImportError:
            return
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):"))
        for login, role in DEMO_LOGINS:
            self.stdout.write(f"  {login:<32} {role}")
        self.stdout.write(
            "  Mã TOTP cho quản trị viên và thẩm định viên: thêm khóa bí mật "
            f"{DEMO_TOTP_SECRET} vào ứng dụng xác thực (Google Authenticator, …)."
        )
