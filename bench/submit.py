"""Online submission load: 16 threads, each a signed-in citizen walking the real HTTP flow
(start → details → documents with a 1 MB PDF → review → submitted) against gunicorn.

One "op" is a whole submission (about 8 requests). Afterwards the codes of the submitted
dossiers are checked: every op must have produced exactly one, and no code may repeat.
"""

import http.client
import random
import re
import statistics
import threading
import time
import uuid

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PDF_1MB = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"1 0 obj\n<<>>\nendobj\n" * 1 + b"0" * (1024 * 1024)
PDF_1MB += b"\n%%EOF\n"
PDF_SMALL = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" + b"0" * 2000 + b"\n%%EOF\n"


class Client:
    def __init__(self, port, cookie):
        self.port = port
        self.cookies = dict(c.split("=", 1) for c in cookie.split("; "))
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.requests = 0

    def request(self, method, path, body=None, content_type=None):
        headers = {
            "Host": "127.0.0.1",
            "X-Forwarded-Proto": "https",
            "Origin": "https://127.0.0.1",
            "Referer": f"https://127.0.0.1{path}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if content_type:
            headers["Content-Type"] = content_type
        self.conn.request(method, path, body=body, headers=headers)
        resp = self.conn.getresponse()
        data = resp.read()
        self.requests += 1
        for header, value in resp.getheaders():
            if header.lower() == "set-cookie":
                name, rest = value.split("=", 1)
                self.cookies[name] = rest.split(";", 1)[0]
        location = resp.getheader("Location", "")
        return resp.status, data.decode("utf-8", "replace"), location

    def post_form(self, path, fields: dict):
        from urllib.parse import urlencode

        return self.request(
            "POST", path, urlencode(fields).encode(), "application/x-www-form-urlencoded"
        )

    def post_multipart(self, path, fields: dict, files: dict):
        boundary = uuid.uuid4().hex
        parts = []
        for k, v in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            )
        for k, (name, content) in files.items():
            parts.append(
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; '
                    f'filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n'
                ).encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}"
        )


def path_of(location: str) -> str:
    return re.sub(r"^https?://[^/]+", "", location)


def one_submission(client: Client, code: str, rng: random.Random) -> str:
    """Returns the dossier public id; raises on any unexpected answer."""
    start = f"/ho-so/nop/{code}/"
    status, html, _ = client.request("GET", start)
    assert status == 200, (start, status)
    token = CSRF_RE.search(html).group(1)
    case = re.search(r'name="case"[^>]*value="(\d+)"', html) or re.search(
        r'<select name="case"[^>]*>.*?value="(\d+)"', html, re.S
    )
    agency = re.search(r'<select name="competent_agency"[^>]*>.*?value="(\d+)"', html, re.S)
    fields = {"csrfmiddlewaretoken": token, "case": case.group(1)}
    if agency:
        fields["competent_agency"] = agency.group(1)
    else:
        hidden = re.search(r'name="competent_agency"[^>]*value="(\d+)"', html)
        fields["competent_agency"] = hidden.group(1)
    status, html, location = client.post_form(start, fields)
    assert status == 302, (
        "start",
        status,
        re.findall(r'class="invalid-feedback[^"]*"[^>]*>(.*?)<', html)[:3],
    )
    details = path_of(location)
    public_id = details.split("/")[3]
    status, html, location = client.post_form(
        details,
        {
            "csrfmiddlewaretoken": token,
            "applicant_name": "Nguyễn Văn Thử",
            "applicant_id_number": f"092{rng.randrange(10**9):09d}",
            "applicant_phone": f"09{rng.randrange(10**8):08d}",
            "applicant_address": "12 đường Hòa Bình, Cần Thơ",
            "owner_same": "on",
            "summary": "Hồ sơ benchmark",
            "copies": "1",
        },
    )
    assert status == 302, ("details", status)
    documents = path_of(location)
    status, html, _ = client.request("GET", documents)
    assert status == 200, ("documents", status)
    slots = re.findall(r'name="(doc_\d+)"', html)
    files = {
        slot: ("to-khai.pdf", PDF_1MB if i == 0 else PDF_SMALL) for i, slot in enumerate(slots)
    }
    status, html, location = client.post_multipart(
        documents, {"csrfmiddlewaretoken": token, "next": "1"}, files
    )
    assert status == 302, ("documents POST", status)
    review = path_of(location)
    status, html, location = client.post_form(review, {"csrfmiddlewaretoken": token})
    assert status == 302 and "da-nop" in location, ("review", status, location)
    status, _, _ = client.request("GET", path_of(location))
    assert status == 200, ("submitted", status)
    return public_id


def run(bench, *, seconds: int = 10, threads: int = 16) -> dict:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User
    from dossiers.models import Dossier
    from procedures.models import ProcedureVersion

    codes = list(
        ProcedureVersion.objects.open()
        .filter(online_level__in=["full", "partial"], agency_links__isnull=False)
        .exclude(cases__online_level="info")
        .values_list("procedure__code", flat=True)
        .distinct()[:200]
    )
    citizens = list(User.objects.filter(kind="citizen").order_by("pk")[:threads])
    cookies = []
    for user in citizens:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = bench.auth_backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        cookies.append(f"sessionid={store.session_key}")
    # warm-up, like wrk's 2 s before every other case: each worker's first submissions load
    # what a process loads once (task modules, the broker connection, templates). Four
    # concurrent citizens reach both workers; their dossiers are checked with the others below
    # but not timed (a failed warm-up raises: the case reports the error)
    warm_ids, warm_errors = [], []

    def warm(k):
        rng = random.Random(1000 + k)
        client = Client(bench.port, cookies[k])
        try:
            for _ in range(2):
                warm_ids.append(one_submission(client, rng.choice(codes), rng))
        except Exception as exc:
            warm_errors.append(repr(exc)[:300])

    pool = [threading.Thread(target=warm, args=(k,)) for k in range(min(len(cookies), 4))]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if warm_errors:
        raise RuntimeError(f"warm-up failed: {warm_errors[0]}")
    stop = time.perf_counter() + seconds
    lock = threading.Lock()
    done_ids, latencies, errors = [], [], []
    requests = [0]

    def worker(k):
        rng = random.Random(k)
        client = Client(bench.port, cookies[k])
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            try:
                public_id = one_submission(client, rng.choice(codes), rng)
            except Exception as exc:
                with lock:
                    errors.append(repr(exc)[:300])
                client = Client(bench.port, cookies[k])
                continue
            with lock:
                done_ids.append(public_id)
                latencies.append((time.perf_counter() - t0) * 1000)
        with lock:
            requests[0] += client.requests

    t_start = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(k,)) for k in range(len(cookies))]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - t_start
    checked = done_ids + warm_ids
    got = list(Dossier.objects.filter(public_id__in=checked).values_list("code", flat=True))
    duplicates = len(got) - len(set(got)) + sum(1 for c in got if not c)
    missing = len(checked) - len(got)
    if errors:
        print("    submission errors (first 3):", errors[:3], flush=True)
    lat = sorted(latencies) or [0]
    return {
        "ops": len(done_ids) / elapsed,
        "done": len(done_ids),
        "errors": len(errors) + missing,
        "duplicates": duplicates,
        "p50_ms": statistics.median(lat),
        "p95_ms": lat[min(len(lat) - 1, int(len(lat) * 0.95))],
        "requests": requests[0],
        "rps": requests[0] / elapsed,
    }
