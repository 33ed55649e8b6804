"""L10.1: the status API — bearer tokens (python-jose), answers and RFC 9457 problems."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import db
from portal.api import tokens
from portal.db import utcnow
from portal.services import api_tokens
from tests.web.lookup_helpers import IIN, make_case, personal_data

NUMBER = "SA-2026-K4PQ-9TXM"
URL = f"/api/v1/applications/{NUMBER}/status"


def issue(app: Flask, system: str = "1414-crm", days: int = 30) -> api_tokens.Issued:
    with app.app_context():
        return api_tokens.issue(db.session(), system, days, now=utcnow())


def get(client: FlaskClient, token: str | None, factor: str | None = IIN, url: str = URL):  # type: ignore[no-untyped-def]
    headers = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if factor is not None:
        headers["X-Applicant-Factor"] = factor
    return client.get(url, headers=headers)


def _is_problem(response, status: int) -> dict:  # type: ignore[no-untyped-def, type-arg]
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body: dict = response.get_json(force=True)  # type: ignore[type-arg]
    assert body["status"] == status and body["title"] and body["type"]
    return body


def test_a_valid_token_and_factor_give_the_status_as_json_L10_1(app: Flask) -> None:
    make_case(app)
    token = issue(app).token
    response = get(app.test_client(), token)
    assert response.status_code == 200
    body = response.get_json()
    assert body["number"] == NUMBER and body["stage"]["code"] == "registered"
    assert body["result_due_on"] == "2026-12-03" and body["notification"] is None
    assert response.headers["Cache-Control"] == "no-store"


def test_the_answer_leaks_nothing_personal_L10_1(app: Flask) -> None:
    make_case(app)
    text = get(app.test_client(), issue(app).token, "1992-12-31").get_data(as_text=True)
    assert NUMBER in text
    for secret in personal_data():
        assert secret not in text, secret


def test_the_factor_may_come_in_the_json_body_L10_1(app: Flask) -> None:
    make_case(app)
    response = app.test_client().get(URL, json={"factor": IIN}, headers={
        "Authorization": f"Bearer {issue(app).token}"})
    assert response.status_code == 200


def test_a_wrong_factor_and_an_unknown_number_give_the_same_404_L10_1(app: Flask) -> None:
    make_case(app)
    client, token = app.test_client(), issue(app).token
    wrong = get(client, token, "850321301238")
    unknown = get(client, token, IIN, url="/api/v1/applications/SA-2026-0000-0000/status")
    assert _is_problem(wrong, 404) == _is_problem(unknown, 404)


def test_a_missing_factor_is_a_400_problem_L10_1(app: Flask) -> None:
    _is_problem(get(app.test_client(), issue(app).token, None), 400)


def test_no_token_is_a_401_problem_with_www_authenticate_L10_1(app: Flask) -> None:
    response = get(app.test_client(), None)
    _is_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def _forge(app: Flask, **changes: object) -> str:
    now = utcnow()
    values: dict = {"key": app.config["API_TOKEN_KEY"],  # type: ignore[type-arg]
                    "issuer": app.config["PUBLIC_BASE_URL"], "system": "1414-crm",
                    "token_id": "x", "issued_at": now, "expires_at": now + dt.timedelta(days=1)}
    values.update(changes)
    return tokens.encode(**values)


def test_an_expired_token_is_refused_L10_1(app: Flask) -> None:
    make_case(app)
    issued = issue(app)
    past = utcnow() - dt.timedelta(days=2)
    token = _forge(app, token_id=issued.token_id, issued_at=past,
                   expires_at=past + dt.timedelta(days=1))
    _is_problem(get(app.test_client(), token), 401)
    with pytest.raises(tokens.TokenRefused, match="expired"):
        tokens.decode(token, key=app.config["API_TOKEN_KEY"], issuer=app.config["PUBLIC_BASE_URL"])


def test_a_token_not_yet_valid_is_refused_L10_1(app: Flask) -> None:
    issued = issue(app)
    token = _forge(app, token_id=issued.token_id, not_before=utcnow() + dt.timedelta(hours=1))
    _is_problem(get(app.test_client(), token), 401)


def test_a_revoked_token_is_refused_L10_1(app: Flask) -> None:
    make_case(app)
    issued = issue(app)
    client = app.test_client()
    assert get(client, issued.token).status_code == 200
    with app.app_context():
        assert api_tokens.revoke(db.session(), issued.token_id, now=utcnow())
    _is_problem(get(client, issued.token), 401)


def test_a_token_signed_with_another_key_is_refused_L10_1(app: Flask) -> None:
    issued = issue(app)
    forged = _forge(app, key="another-key-entirely-0123456789abcdef", token_id=issued.token_id)
    _is_problem(get(app.test_client(), forged), 401)


def test_a_token_we_never_issued_is_refused_L10_1(app: Flask) -> None:
    _is_problem(get(app.test_client(), _forge(app, token_id="never-issued")), 401)


def _b64(data: dict) -> str:  # type: ignore[type-arg]
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_an_alg_none_token_is_refused_L10_1(app: Flask) -> None:
    issued = issue(app)
    now = int(utcnow().timestamp())
    claims = {"iss": app.config["PUBLIC_BASE_URL"], "aud": tokens.AUDIENCE, "sub": "1414-crm",
              "jti": issued.token_id, "iat": now, "nbf": now, "exp": now + 3600}
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    _is_problem(get(app.test_client(), unsigned), 401)
    with pytest.raises(tokens.TokenRefused, match="algorithm"):
        tokens.decode(unsigned, key=app.config["API_TOKEN_KEY"],
                      issuer=app.config["PUBLIC_BASE_URL"])


def test_a_token_for_another_audience_is_refused_L10_1(app: Flask) -> None:
    from jose import jwt  # the test builds what our wrapper never would

    issued = issue(app)
    now = int(utcnow().timestamp())
    token = jwt.encode({"iss": app.config["PUBLIC_BASE_URL"], "aud": "another-api",
                        "sub": "1414-crm", "jti": issued.token_id, "iat": now, "nbf": now,
                        "exp": now + 3600}, app.config["API_TOKEN_KEY"], algorithm="HS256")
    _is_problem(get(app.test_client(), token), 401)
    with pytest.raises(tokens.TokenRefused, match="claims"):
        tokens.decode(token, key=app.config["API_TOKEN_KEY"], issuer=app.config["PUBLIC_BASE_URL"])


def test_a_token_from_another_issuer_is_refused_L10_1(app: Flask) -> None:
    issued = issue(app)
    _is_problem(get(app.test_client(), _forge(app, issuer="https://elsewhere.example",
                                              token_id=issued.token_id)), 401)


def test_each_system_is_rate_limited_with_retry_after_L10_1(app: Flask) -> None:
    app.config["API_RATE_LIMIT"] = "3 per minute"
    make_case(app)
    client = app.test_client()
    first, second = issue(app, "crm-a").token, issue(app, "crm-b").token
    codes = [get(client, first).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    body = _is_problem(get(client, first), 429)
    assert body["retry_after"] > 0
    assert get(client, second).status_code == 200  # another system has its own budget


def test_unknown_api_paths_and_methods_answer_with_problems_L10_1(app: Flask) -> None:
    client = app.test_client()
    _is_problem(client.get("/api/v1/nothing-here"), 404)
    _is_problem(client.post(URL), 405)


def test_the_openapi_document_is_3_1_and_describes_every_answer_L10_1(app: Flask) -> None:
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    answers = doc["paths"]["/api/v1/applications/{number}/status"]["get"]["responses"]
    assert {"200", "400", "401", "404", "429", "500"} <= set(answers)
    for code, answer in answers.items():
        if code != "200":
            assert "application/problem+json" in answer["content"]


def test_python_jose_is_imported_by_one_portal_module_only() -> None:
    import ast
    from pathlib import Path

    import portal

    root = Path(portal.__file__).parent
    users = []
    for source in root.rglob("*.py"):
        tree = ast.parse(source.read_text())
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n.split(".")[0] == "jose" for n in names):
                users.append(source.relative_to(root).as_posix())
    assert sorted(set(users)) == ["api/tokens.py"]


def test_issue_token_command_prints_a_working_token_L10_1(app: Flask) -> None:
    make_case(app)
    result = app.test_cli_runner().invoke(args=["api", "issue-token", "--system", "1414-crm",
                                                "--days", "7"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    assert get(app.test_client(), token).status_code == 200
    listed = app.test_cli_runner().invoke(args=["api", "tokens"])
    assert "1414-crm" in listed.output and "active" in listed.output


@pytest.mark.parametrize(("accept", "label"), [
    (None, "Тіркелді: тексерілуде"),  # Kazakh by default
    ("ru", "Зарегистрировано: проверяется"),
    ("en-GB,en;q=0.9", "Registered: being checked"),
    ("de-DE, ru;q=0.5", "Зарегистрировано: проверяется"),
    ("fr", "Тіркелді: тексерілуде"),
])
def test_labels_follow_accept_language_not_the_cookie_L10_1(
        app: Flask, accept: str | None, label: str) -> None:
    make_case(app)
    token = issue(app).token
    client = app.test_client()
    client.set_cookie("lang", "en")  # a browser's cookie says nothing about a system's language
    headers = {"Authorization": f"Bearer {token}", "X-Applicant-Factor": IIN}
    if accept is not None:
        headers["Accept-Language"] = accept
    response = client.get(URL, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["stage"]["label"] == label
    assert response.headers["Content-Language"] == {
        "Тіркелді: тексерілуде": "kk", "Зарегистрировано: проверяется": "ru",
        "Registered: being checked": "en"}[label]
    assert "Accept-Language" in response.headers["Vary"]


OLD_KEY = "old-api-token-key-Vq8xL2mN5pR7tZ0aC3eG6jK9"
NEW_KEY = "new-api-token-key-Hs4wY1bD7fJ0kM3nQ6rT9uX2"


def _legacy(app: Flask, token_id: str, key: str) -> str:
    """A token as issued before key ids: HS256, no ``kid`` in its header."""
    now = int(utcnow().timestamp())
    claims = {"iss": app.config["PUBLIC_BASE_URL"], "aud": tokens.AUDIENCE, "sub": "1414-crm",
              "jti": token_id, "iat": now, "nbf": now, "exp": now + 3600}
    signed = f"{_b64({'alg': 'HS256', 'typ': 'JWT'})}.{_b64(claims)}"
    mac = hmac.new(key.encode(), signed.encode(), hashlib.sha256).digest()
    return f"{signed}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def test_the_key_rotates_without_downtime_the_old_key_honoured_only_while_listed(
    app: Flask,
) -> None:
    """Each token names its key (``kid``); after a rotation the previous key's tokens work
    while API_TOKEN_PREVIOUS_KEYS lists it, and are refused once it is dropped."""
    make_case(app)
    client = app.test_client()
    app.config.update(API_TOKEN_KEY=OLD_KEY, API_TOKEN_PREVIOUS_KEYS=[])
    old = issue(app)
    legacy = _legacy(app, old.token_id, OLD_KEY)
    header = json.loads(base64.urlsafe_b64decode(old.token.split(".")[0] + "=="))
    assert header == {"alg": "HS256", "typ": "JWT", "kid": tokens.key_id(OLD_KEY)}
    assert OLD_KEY not in old.token and tokens.key_id(OLD_KEY) != tokens.key_id(NEW_KEY)
    assert get(client, old.token).status_code == 200 and get(client, legacy).status_code == 200

    app.config.update(API_TOKEN_KEY=NEW_KEY, API_TOKEN_PREVIOUS_KEYS=[OLD_KEY])
    new = issue(app)
    for token in (old.token, legacy, new.token):
        assert get(client, token).status_code == 200

    app.config.update(API_TOKEN_PREVIOUS_KEYS=[])
    _is_problem(get(client, old.token), 401)
    _is_problem(get(client, legacy), 401)
    assert get(client, new.token).status_code == 200
    with pytest.raises(tokens.TokenRefused, match="key"):
        tokens.decode(old.token, key=NEW_KEY, issuer=app.config["PUBLIC_BASE_URL"])
    with pytest.raises(tokens.TokenRefused, match="signature"):
        tokens.decode(legacy, key=NEW_KEY, issuer=app.config["PUBLIC_BASE_URL"])
