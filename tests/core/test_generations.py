import types

import pytest

from core import generations
from procedures.models import Sector
from procedures.selectors import GENERATION_KEY, catalogue_generation
from tests.factories import AgencyFactory


def test_a_token_stays_until_replaced():
    first = generations.current("test:gen")
    assert generations.current("test:gen") == first
    generations.replace("test:gen")
    assert generations.current("test:gen") != first


def test_many_tokens_read_and_replaced_together():
    single = generations.current("test:a")
    first = generations.current_many(["test:a", "test:b", "test:c"])
    assert first[0] == single and len(set(first)) == 3
    assert generations.current_many(["test:a", "test:b", "test:c"]) == first
    assert generations.current("test:b") == first[1]
    generations.replace_many(["test:b", "test:c"])
    again = generations.current_many(["test:a", "test:b", "test:c"])
    assert again[0] == first[0] and again[1] != first[1] and again[2] != first[2]


def test_without_the_cache_every_read_is_a_new_token(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert generations.current("test:gen") != generations.current("test:gen")
    assert generations.current_many(["test:gen"]) != generations.current_many(["test:gen"])


@pytest.mark.django_db
def test_watched_models_replace_the_token_on_save_and_delete(django_capture_on_commit_callbacks):
    before = catalogue_generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        AgencyFactory()  # agency names appear in the catalogue
    assert callbacks, "replaced again once the transaction commits"
    after_save = catalogue_generation()
    assert after_save != before
    sector = Sector.objects.create(code="TEST", name="Lĩnh vực thử")
    after_create = catalogue_generation()
    assert after_create != after_save
    sector.delete()
    assert catalogue_generation() != after_create


def test_replace_all_replaces_every_watched_token():
    assert GENERATION_KEY in generations.WATCHED
    before = {key: generations.current(key) for key in generations.WATCHED}
    generations.replace_all()
    assert all(generations.current(key) != token for key, token in before.items())


@pytest.mark.django_db(transaction=True)
def test_a_process_copy_lasts_while_its_token_vary_and_age_hold(monkeypatch):
    builds = []
    copy = generations.ProcessCopy("test:copy", max_age=60)

    def build():
        builds.append(1)
        return len(builds)

    clock = [1000.0]
    monkeypatch.setattr(generations, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    assert copy.get(build) == 1
    assert copy.get(build) == 1  # kept
    generations.replace("test:copy")
    assert copy.get(build) == 2  # the data changed
    assert copy.get(build, vary="2026-11-29") == 3  # another day
    clock[0] += 61
    assert copy.get(build, vary="2026-11-29") == 4  # too old (a change missed in an outage)
    from django.db import transaction

    with transaction.atomic():
        assert copy.get(build, vary="2026-11-29") == 5  # built afresh, not kept
    assert copy.get(build, vary="2026-11-29") == 4
    assert "test:copy" in generations.WATCHED


@pytest.mark.django_db(transaction=True)
def test_a_derived_key_follows_its_tokens_and_is_none_in_a_transaction():
    from django.db import transaction

    key = generations.derived_key(["test:a", "test:b"], 7, "x")
    assert key == generations.derived_key(["test:a", "test:b"], 7, "x")
    assert key != generations.derived_key(["test:a", "test:b"], 8, "x")
    generations.replace("test:b")
    assert key != generations.derived_key(["test:a", "test:b"], 7, "x")
    with transaction.atomic():
        assert generations.derived_key(["test:a"], 7) is None


@pytest.mark.django_db(transaction=True)
def test_tokens_replaced_after_commit_take_one_write_per_transaction(monkeypatch):
    from django.db import transaction

    writes = []
    real = generations.replace_many
    monkeypatch.setattr(
        generations, "replace_many", lambda keys: (writes.append(sorted(keys)), real(keys))
    )
    first = generations.current_many(["test:x", "test:y"])
    generations.replace_many_after_commit(["test:x"])  # autocommit: at once
    assert writes == [["test:x"]]
    assert generations.current("test:x") != first[0]
    writes.clear()
    before = generations.current_many(["test:x", "test:y"])
    with transaction.atomic():
        generations.replace_many_after_commit(["test:x"])
        with transaction.atomic():
            generations.replace_many_after_commit(["test:y", "test:x"])
        generations.replace_many_after_commit(["test:x"])
        # other processes still see the old rows: the tokens stay until the commit
        assert generations.current_many(["test:x", "test:y"]) == before
        assert writes == []
    assert writes == [["test:x", "test:y"]]
    after = generations.current_many(["test:x", "test:y"])
    assert after[0] != before[0] and after[1] != before[1]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_does_not_lose_the_later_changes():
    from django.db import transaction

    before = generations.current("test:z")
    with transaction.atomic():
        try:
            with transaction.atomic():
                generations.replace_many_after_commit(["test:z"])
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        generations.replace_many_after_commit(["test:z"])  # a change that does commit
    assert generations.current("test:z") != before
    untouched = generations.current("test:w")
    with transaction.atomic():
        try:
            with transaction.atomic():
                generations.replace_many_after_commit(["test:w"])
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert generations.current("test:w") == untouched  # nothing it named was committed


def test_a_request_reads_each_token_once_and_sees_its_own_replacements(monkeypatch):
    from tests.cache_reads import record_cache_reads

    reads = record_cache_reads(monkeypatch)
    first = generations.current("test:r")
    generations._begin_request()  # request_started
    try:
        reads.clear()
        assert generations.current("test:r") == first
        assert generations.current_many(["test:r", "test:s"])[0] == first
        assert generations.current("test:r") == first
        assert reads == ["test:r", ["test:s"]]  # each token asked for once
        generations.replace("test:r")
        replaced = generations.current("test:r")
        assert replaced != first  # this request's own change is seen at once
        generations.replace_many_after_commit(["test:r"])
        assert generations.current_many(["test:r"])[0] not in (first, replaced)
    finally:
        generations._end_request()  # request_finished
    reads.clear()
    generations.current("test:r")
    generations.current("test:r")
    assert reads == ["test:r", "test:r"]  # outside a request every read goes to the cache


@pytest.mark.django_db
def test_the_request_signals_start_and_end_the_reads_kept(client):
    from django.core.signals import request_finished, request_started

    assert generations._begin_request in [r[1]() for r in request_started.receivers]
    assert generations._end_request in [r[1]() for r in request_finished.receivers]
    client.get("/")
    assert generations._read_this_request() is None
