"""A test helper: every read of the default cache, in order."""

from django.core.cache import caches


def record_cache_reads(monkeypatch) -> list:
    """The list the default cache's reads are appended to from now on: the key of a get(), the
    list of keys of a get_many() (locmem's get_many calls get() per key: not counted twice)."""
    backend = caches["default"]
    reads, inside = [], []
    real_get, real_get_many = backend.get, backend.get_many

    def get(key, *args, **kwargs):
        if not inside:
            reads.append(key)
        return real_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        reads.append(list(keys))
        inside.append(1)
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(backend, "get", get)
    monkeypatch.setattr(backend, "get_many", get_many)
    return reads
