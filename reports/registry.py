"""Report builders registered by the apps (`<app>/reports.py`, autodiscovered by reports.apps).

Contract used by every app::

    from reports.registry import ReportBuilder, register

    @register
    class MyReport(ReportBuilder):
        kind = "agencies.directory.xlsx"          # unique; register() raises on duplicates
        label = _("Danh bạ cơ quan (Excel)")
        file_extension = "xlsx"                   # or "pdf"
        def has_permission(self, user, params: dict) -> bool: ...
        def build(self, *, params: dict, out, progress, user) -> str: ...

`build` writes bytes to the binary file object `out`, calls `progress(percent)` now and then
and returns the download filename. Optional extras: `description` (shown in the catalogue),
`params_form` (a Django form whose cleaned data become the job's JSON parameters).
"""

import datetime
import decimal
import uuid
from collections.abc import Callable
from typing import Any, BinaryIO

from django.core.exceptions import ImproperlyConfigured, ValidationError

ALLOWED_EXTENSIONS = frozenset({"xlsx", "pdf", "csv"})


class AlreadyRegistered(ImproperlyConfigured):
    """Two builders claim the same kind."""


class UnknownReport(LookupError):
    """No builder is registered under that kind."""


class ReportError(Exception):
    """A failure whose message (Vietnamese, translated) is meant for the person who asked.

    Any other exception from `build` is logged and shown as a generic system error.
    """


class ReportBuilder:
    kind: str = ""
    label: Any = ""
    file_extension: str = "xlsx"
    description: Any = ""
    params_form: type | None = None

    def has_permission(self, user, params: dict) -> bool:
        return False

    def build(self, *, params: dict, out: BinaryIO, progress: Callable[[int], None], user) -> str:
        raise NotImplementedError

    def clean_params(self, params: dict | None) -> dict:
        """Validate `params` with `params_form` (when set) and return JSON-safe values."""
        params = dict(params or {})
        if self.params_form is None:
            return params
        form = self.params_form(data=params)
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        return {key: to_json(value) for key, value in form.cleaned_data.items()}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.kind}>"


def to_json(value):
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [to_json(item) for item in value]
    return value


_registry: dict[str, ReportBuilder] = {}


def register(cls: type[ReportBuilder]) -> type[ReportBuilder]:
    """Class decorator: register one builder instance under `cls.kind`."""
    if not (isinstance(cls, type) and issubclass(cls, ReportBuilder)):
        raise ImproperlyConfigured(f"{cls!r} is not a ReportBuilder subclass.")
    if not cls.kind:
        raise ImproperlyConfigured(f"{cls.__name__} has no kind.")
    if cls.file_extension not in ALLOWED_EXTENSIONS:
        raise ImproperlyConfigured(
            f"{cls.__name__}.file_extension must be one of {sorted(ALLOWED_EXTENSIONS)}."
        )
    if cls.kind in _registry:
        raise AlreadyRegistered(
            f"Report kind {cls.kind!r} is already registered by {_registry[cls.kind]!r}."
        )
    _registry[cls.kind] = cls()
    return cls


def unregister(kind: str) -> None:
    """Remove a builder (tests use it to clean up)."""
    _registry.pop(kind, None)


def get_builder(kind: str) -> ReportBuilder:
    try:
        return _registry[kind]
    except KeyError:
        raise UnknownReport(kind) from None


def builders() -> list[ReportBuilder]:
    """Every registered builder, ordered by kind."""
    return [_registry[kind] for kind in sorted(_registry)]
