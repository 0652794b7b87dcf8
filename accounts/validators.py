"""Validators for Vietnamese identity and contact data."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CITIZEN_ID_RE = re.compile(r"^\d{12}$")
# Mobile numbers: 10 digits starting with 0 (03x, 05x, 07x, 08x, 09x), or +84 followed by 9 digits.
PHONE_RE = re.compile(r"^0[35789]\d{8}$")


def normalize_phone(value: str) -> str:
    """Return the phone in national form (0xxxxxxxxx); spaces, dots and +84 are accepted."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def validate_phone(value: str) -> None:
    if not PHONE_RE.match(normalize_phone(value)):
        raise ValidationError(
            _("Số điện thoại không hợp lệ: cần 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09."),
            code="invalid_phone",
        )


def validate_citizen_id(value: str) -> None:
    """A CCCD number has 12 digits: 3 for the province of birth, 1 for sex/century, 2 for
    the year of birth, 6 random. The province code is 001-096 (QĐ/TT 59/2021/TT-BCA)."""
    if not CITIZEN_ID_RE.match(value or ""):
        raise ValidationError(_("Số căn cước phải gồm đúng 12 chữ số."), code="invalid_citizen_id")
    province = int(value[:3])
    if not 1 <= province <= 96:
        raise ValidationError(
            _(
                "Số căn cước không hợp lệ: 3 chữ số đầu phải là mã tỉnh nơi đăng ký khai sinh (001–096)."
            ),
            code="invalid_citizen_id_province",
        )
