"""PostgreSQL connections killed under load: a real gunicorn (persistent connections,
CONN_HEALTH_CHECKS) keeps answering after pg_terminate_backend on its connections, without a
restart, and every write that got a success answer is in the database."""

import http.client
import re
import secrets
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from dossiers.models import Dossier
from tests.dossiers.citizen_helpers import make_world
from tests.factories import UserFactory

from .helpers import BASE_DIR, python, subprocess_env
from .helpers import needs_services as _needs_services

pytestmark = [pytest.mark.faults, _needs_services]

ROUNDS = 6
WRITES_PER_ROUND = 3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(port, method, path, *, cookies="", csrf=""):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    headers = {"Cookie": cookies}
    body = None
    if method == "POST":
        headers["X-CSRFToken"] = csrf
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = path[1]
        path = path[0]
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    finally:
        conn.close()


def _kill_app_connections() -> int:
    """Terminate every other backend on the test database (the server's connections)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    log = (tmp_path / "gunicorn.log").open("ab")
    process = subprocess.Popen(
        [
            python(),
            "-m",
            "gunicorn",
            "cchc_portal.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
        ],
        cwd=BASE_DIR,
        env=subprocess_env(CONN_MAX_AGE=600),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _request(port, "GET", "/")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail((tmp_path / "gunicorn.log").read_text()[-3000:])
            time.sleep(0.3)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.mark.django_db(transaction=True)
def test_the_application_recovers_from_killed_connections(server):
    port = server
    world = make_world()
    code = world.version.procedure.code
    start = reverse("dossiers:submit", args=[code])
    form = f"case={world.case.pk}&competent_agency={world.agency.pk}"
    csrf = secrets.token_hex(16)  # 32 characters: a valid CSRF secret for cookie and header

    citizens = []
    for _ in range(ROUNDS * WRITES_PER_ROUND):
        user = UserFactory()
        client = Client()
        client.force_login(user)
        cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}"
        citizens.append((user, cookie))

    reads = ["/", reverse("procedures:list"), reverse("procedures:detail", args=[code])]
    answers = []
    killed = []
    with ThreadPoolExecutor(max_workers=6) as pool:
        for round_no in range(ROUNDS):
            batch = citizens[round_no * WRITES_PER_ROUND : (round_no + 1) * WRITES_PER_ROUND]
            futures = [pool.submit(_request, port, "GET", path) for path in reads]
            writes = [
                (
                    user,
                    pool.submit(_request, port, "POST", (start, form), cookies=cookie, csrf=csrf),
                )
                for user, cookie in batch
            ]
            for future in futures:
                answers.append(("GET", future.result()[0]))
            for user, future in writes:
                status, location = future.result()
                answers.append(("POST", status))
                if status == 302:
                    match = re.search(r"/([0-9a-f-]{36})/", location)
                    assert match, location
                    # a success answer: the draft must be in the database
                    saved = Dossier.objects.filter(public_id=match.group(1)).first()
                    assert saved is not None and saved.applicant_user_id == user.pk
            time.sleep(0.2)  # let the workers finish their request cycle
            killed.append(_kill_app_connections())

    assert all(n >= 1 for n in killed), killed  # the fault really happened every round
    assert [status for _method, status in answers if _method == "GET"] == [200] * len(
        reads
    ) * ROUNDS
    assert [status for _method, status in answers if _method == "POST"] == [302] * len(citizens)
    assert Dossier.objects.filter(applicant_user__in=[u for u, _c in citizens]).count() == len(
        citizens
    )
    # and the server still answers after the last kill, without a restart
    assert _request(port, "GET", "/")[0] == 200
