"""Item 2, Content-Security-Policy: script only from the site or with the request's nonce; no
inline script without it, no on*= handlers and no style attributes in the main pages."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse


class _Scan(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.handlers: list[str] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts.append(a)
        for name, _value in attrs:
            if name.lower().startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
            if name.lower() == "style":
                self.styles.append(f"<{tag} style>")


def _policy(response) -> dict:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


def _check(response):
    assert response.status_code == 200
    policy = _policy(response)
    script_src = policy["script-src"]
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    nonces = [s for s in script_src if s.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy.get("style-src", [])
    scan = _Scan()
    scan.feed(response.content.decode())
    for attrs in scan.scripts:
        assert attrs.get("nonce") == nonce, attrs
    assert scan.handlers == []
    assert scan.styles == []
    assert not re.search(r"javascript:", response.content.decode(), re.IGNORECASE)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "home",
        "procedures:list",
        "agencies:directory",
        "dossiers:track",
        "account_login",
        "account_signup",
        "account_reset_password",
    ],
)
def test_public_pages(client, province, name):
    _check(client.get(reverse(name)))


@pytest.mark.django_db
def test_procedure_pages(client, province):
    code = province.staff.version.procedure.code
    _check(client.get(reverse("procedures:detail", args=[code])))
    _check(client.get(reverse("procedures:print", args=[code])))


@pytest.mark.django_db
def test_citizen_pages(client, login, province):
    login(province.citizen_a)
    _check(client.get(reverse("dossiers:my_dossiers")))
    _check(client.get(reverse("dossiers:citizen_detail", args=[province.dossier.public_id])))
    _check(client.get(reverse("accounts:profile")))


@pytest.mark.django_db
def test_staff_pages(client, login, province):
    login(province.staff.desk)
    _check(client.get(reverse("dossiers:desk")))
    login(province.staff.officer)
    _check(client.get(reverse("dossiers:queue")))
    _check(client.get(reverse("dossiers:staff_detail", args=[province.dossier.code])))
    login(province.administrator)
    _check(client.get(reverse("reports:catalogue")))
