"""Token single use under concurrent submits (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from surveys import services
from surveys.models import Answer, Response

from .factories import TokenFactory, make_survey


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submits_of_one_token_make_one_response():
    token = TokenFactory(survey=make_survey())
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit():
        try:
            barrier.wait()
            services.respond_with_token(
                token=token.token, values={"S1": "4", "S2": "a"}, submit=True
            )
            result = "ok"
        except services.TokenUsed:
            result = "used"
        except Exception as exc:  # recorded so the test fails with the reason
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok"] + ["used"] * 19
    assert Response.objects.filter(invitation=token).count() == 1
    assert Answer.objects.filter(response__invitation=token).count() == 2
