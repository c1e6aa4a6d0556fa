"""The staff workspace pages as a browser uses them: a cookie jar and the CSRF token of each form family."""
from __future__ import annotations

import re

import pyotp
from fastapi.testclient import TestClient

from api.core.security import token_digest
from api.pages import csrf
from api.staff.models import StaffUser
from tests import stack
from tests.api.helpers import PASSWORD, account

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM_CSRF = re.compile(r'<form[^>]*action="([^"]+)"[^>]*>(?:(?!</form>).)*?name="csrf_token" value="([^"]+)"', re.S)


def family(path: str) -> str:
    """The CSRF form family of a workspace path (api/workspace/router.py)."""
    if path == "/staff/aanmelden":
        return "sign-in"
    if path in ("/staff/afmelden", "/staff/overal-afmelden", "/staff/tweestaps", "/staff/wachtwoord"):
        return "account"
    return "admin" if path.startswith("/staff/beheer/") else "case"


class Desk:
    """One browser: a cookie jar on the app, and the CSRF token of each form family it has seen on a page (each
    family has its own token; `forms` maps the last page's form actions to theirs)."""

    def __init__(self, client: TestClient) -> None:
        self.client, self.token, self.forms, self.tokens = client, None, {}, {}

    def _read(self, r) -> None:
        found = CSRF.search(r.text)
        if found:
            self.token, self.forms = found.group(1), dict(FORM_CSRF.findall(r.text))
            self.tokens.update({family(path): token for path, token in self.forms.items()})

    def get(self, path: str, **kwargs):
        r = self.client.get(path, **kwargs)
        self._read(r)
        return r

    def _mint(self, name: str) -> str | None:
        """A valid token of a family no page showed this user (to reach a role check behind the CSRF check)."""
        session_token = self.client.cookies.get("ph_staff")
        if name == "sign-in" or not session_token:
            return None
        return csrf.make_token(stack.TEST_ENV["INTAKE_SECRET_KEY"], token_digest(session_token), label=f"staff-{name}")

    def post(self, path: str, data: dict | None = None, csrf: bool = True, **kwargs):
        body = dict(data or {})
        if csrf:
            body["csrf_token"] = self.tokens.get(family(path)) or self._mint(family(path)) or self.token
        r = self.client.post(path, data=body, **kwargs)
        self._read(r)
        return r

    def sign_in(self, email: str, code: str, password: str = PASSWORD):
        self.get("/staff/aanmelden")
        return self.post("/staff/aanmelden", {"email": email, "password": password, "code": code},
                         follow_redirects=False)


def page_signed_in(client: TestClient, db, role: str, region: str | None = None) -> tuple[Desk, StaffUser]:
    """A new enrolled account of `role`, signed in on the pages in a browser of its own (its own cookie jar)."""
    user, secret = account(db, role, region)
    desk = Desk(TestClient(client.app))
    r = desk.sign_in(user.email, pyotp.TOTP(secret).now())
    assert r.status_code == 303 and r.headers["location"] == "/staff", r.text
    return desk, user
