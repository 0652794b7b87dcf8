"""Queries compiled once per process, for hot lookups whose shape never changes.

Django compiles a QuerySet to SQL each time it runs: for a wide row with joined relations and an
annotation (a citizen's dossier with its procedure and case, read on every step of an online
submission) compiling takes longer than running it. A `Prepared` query is built once with a
marker value for each parameter and compiled once per database; each call puts the real values
in the markers' places and turns the rows into model instances the way Django's own iterable
does (the same compiler: the select_related relations and annotations are filled in).

    by_owner = Prepared(
        lambda user_id, public_id: Dossier.objects.filter(
            applicant_user_id=user_id, public_id=public_id
        ).select_related("case")[:1],
        user_id=Dossier._meta.get_field("applicant_user"),
        public_id=Dossier._meta.get_field("public_id"),
    )
    found = by_owner.run(user_id=user.pk, public_id=public_id)

Each parameter names the model field it is compared with: that field prepares the value for the
database, exactly as the lookup does. Compiling refuses a query in which a marker cannot be
found among the parameters (ImproperlyConfigured), so a query shape the helper cannot handle
fails at once, never by returning wrong rows.
"""

from __future__ import annotations

import copy
import datetime
import itertools
import threading
import uuid
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models
from django.db.models.query import get_related_populators

_counter = itertools.count(1)


def _marker(field: models.Field):
    """A value of the field's type that no real row or constant holds."""
    n = next(_counter)
    target = getattr(field, "target_field", field)
    if isinstance(target, models.UUIDField):
        return uuid.UUID(int=(0x5EED << 112) + n)
    if isinstance(target, models.DateTimeField):
        return datetime.datetime(1901, 2, 3, 4, 5, n % 60, 654321 + n, tzinfo=datetime.UTC)
    if isinstance(target, models.IntegerField | models.AutoField):
        return -(987_654_000 + n)
    if isinstance(target, models.CharField | models.TextField):
        return f"\x01marker{n}\x01"
    raise ImproperlyConfigured(f"Prepared: no marker for {type(target).__name__}")


class _Slot:
    """A parameter of the compiled SQL: a constant, or the place of a named value."""

    __slots__ = ("name", "value")

    def __init__(self, name: str | None, value=None):
        self.name = name
        self.value = value


class Prepared:
    def __init__(self, build: Callable[..., models.QuerySet], **params: models.Field):
        self._build = build
        self._params = params
        self._compiled: dict[str, tuple] = {}
        self._lock = threading.Lock()

    def _compile(self, using: str) -> tuple:
        connection = connections[using]
        markers = {name: _marker(field) for name, field in self._params.items()}
        queryset = self._build(**markers)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        prepared = {
            name: self._params[name].get_db_prep_value(value, connection, prepared=False)
            for name, value in markers.items()
        }
        slots, found = [], set()
        for param in params:
            name = next(
                (n for n, v in prepared.items() if type(v) is type(param) and v == param), None
            )
            slots.append(_Slot(name) if name else _Slot(None, param))
            if name:
                found.add(name)
        missing = set(markers) - found
        if missing:
            raise ImproperlyConfigured(
                f"Prepared: parameters {sorted(missing)} not found in the compiled query"
            )
        compiled = (compiler, sql, tuple(slots))
        with self._lock:
            self._compiled[using] = compiled
        return compiled

    def run(self, *, using: str = "default", **values) -> list[models.Model]:
        """The rows for `values` (one per declared parameter) as model instances."""
        if values.keys() != self._params.keys():
            raise TypeError(f"Prepared.run needs exactly {sorted(self._params)}")
        compiled = self._compiled.get(using) or self._compile(using)
        compiler, sql, slots = compiled
        connection = connections[using]
        compiler = copy.copy(compiler)  # shared by threads: each converts with its connection
        compiler.connection = connection
        prepared = {
            name: self._params[name].get_db_prep_value(value, connection, prepared=False)
            for name, value in values.items()
        }
        params = [prepared[slot.name] if slot.name else slot.value for slot in slots]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return list(_instances(compiler, rows, using))


def _instances(compiler, rows, db):
    """Model instances from the compiled query's rows (django.db.models.query.ModelIterable)."""
    select, klass_info = compiler.select, compiler.klass_info
    annotation_col_map = compiler.annotation_col_map
    model_cls = klass_info["model"]
    select_fields = klass_info["select_fields"]
    start, end = select_fields[0], select_fields[-1] + 1
    init_list = [column[0].target.attname for column in select[start:end]]
    related_populators = get_related_populators(klass_info, select, db)
    for row in compiler.results_iter([rows]):
        obj = model_cls.from_db(db, init_list, row[start:end])
        for populator in related_populators:
            populator.populate(row, obj)
        for attr_name, position in (annotation_col_map or {}).items():
            setattr(obj, attr_name, row[position])
        yield obj
