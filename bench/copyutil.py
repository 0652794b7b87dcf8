"""COPY helpers for the benchmark data generator (PostgreSQL only, psycopg 3).

`Table(model, varying)` resolves every concrete column of `model`: the columns named in `varying`
are given per row (in that order); every other column gets its model default once (callables
such as uuid4 are called per row), `now` for auto_now fields, NULL when nullable, "" for blank
text. A model that gains a NOT NULL column without a default makes `Table` fail loudly, naming it.
"""

import datetime
import json

from django.db import models

NOW = datetime.datetime.now(datetime.UTC)


class Table:
    def __init__(self, model, varying: list[str]):
        self.model = model
        self.table = model._meta.db_table
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(varying) - set(fields)
        if unknown:
            raise ValueError(f"{self.table}: unknown columns {sorted(unknown)}")
        self.varying = varying
        self.json_positions = [
            i for i, name in enumerate(varying) if isinstance(fields[name], models.JSONField)
        ]
        const_cols, const_vals, self.per_row = [], [], []
        for name, f in fields.items():
            if name in varying:
                continue
            value = self._default(f)
            if callable(value):
                self.per_row.append((f.column, value))
            else:
                const_cols.append(f.column)
                const_vals.append(value)
        self.columns = (
            [fields[n].column for n in varying] + const_cols + [c for c, _ in self.per_row]
        )
        self.const = tuple(const_vals)

    def _default(self, f):
        if f.primary_key:
            raise ValueError(f"{self.table}.{f.attname}: the primary key must be given")
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return NOW
        if f.has_default():
            value = f.default
            if callable(value):
                return value if value not in (dict, list) else json.dumps(value())
            if isinstance(f, models.JSONField):
                return json.dumps(value)
            return value
        if f.null:
            return None
        if isinstance(f, models.CharField | models.TextField | models.FileField):
            return ""
        raise ValueError(f"{self.table}.{f.attname}: NOT NULL without a default; give it")

    def copy(self, cursor, rows) -> int:
        cols = ", ".join(f'"{c}"' for c in self.columns)
        n = 0
        const, per_row, jpos = self.const, self.per_row, self.json_positions
        with cursor.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as cp:
            for row in rows:
                if jpos:
                    row = list(row)
                    for i in jpos:
                        row[i] = json.dumps(row[i], ensure_ascii=False)
                if per_row:
                    cp.write_row((*row, *const, *(fn() for _, fn in per_row)))
                else:
                    cp.write_row((*row, *const))
                n += 1
        return n


def reset_sequence(cursor, model) -> None:
    table = model._meta.db_table
    pk = model._meta.pk.column
    sql = (  # identifiers from model metadata, not user input
        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{pk}'), "  # noqa: S608
        f'COALESCE((SELECT MAX("{pk}") FROM "{table}"), 0) + 1, false)'
    )
    cursor.execute(sql)
