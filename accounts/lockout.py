"""django-axes glue: which login identifier a failed attempt counts against."""

from .validators import PHONE_RE, normalize_phone


def login_identifier(request, credentials: dict | None) -> str:
    """The identifier of a login attempt (AXES_USERNAME_CALLABLE).

    allauth authenticates with ``email=...`` (accounts.forms.LoginForm has already turned a
    phone number into the account's email); other callers may pass ``username``/``phone``, and
    a request without credentials falls back to the posted ``login`` field. Phone numbers are
    normalised so "+84 901 234 567" and "0901234567" count as the same identifier.
    """
    credentials = credentials or {}
    value = (
        credentials.get("email")
        or credentials.get("phone")
        or credentials.get("username")
        or credentials.get("login")
    )
    if not value and request is not None:
        data = getattr(request, "POST", None) or {}
        value = data.get("login") or data.get("username")
    value = str(value or "").strip()
    if "@" in value:
        return value.lower()
    phone = normalize_phone(value)
    if PHONE_RE.match(phone):
        return phone
    return value.lower()
