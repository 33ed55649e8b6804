"""Security headers on every response: CSP with a per-request nonce, HSTS, and friends.

Written here rather than with Flask-Talisman: that package has had no release since 2023, and
what we need is a dozen lines that we can read in one screen.
"""

from __future__ import annotations

import functools
import secrets

from flask import Flask, Response, g, request


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    nonce: str = g.csp_nonce
    return nonce


def _policy(nonce: str, files_origin: str = "") -> str:
    before, after = _policy_around_nonce(files_origin)
    return f"{before}{nonce}{after}"


@functools.lru_cache(maxsize=8)
def _policy_around_nonce(files_origin: str) -> tuple[str, str]:
    """The policy's text before and after the nonce, written once per files origin (a
    configuration value) instead of joined again on every response."""
    # Previews of uploaded files come from the files origin when there is one (FILES_ORIGIN).
    images = f"img-src 'self' data: {files_origin}" if files_origin else "img-src 'self' data:"
    marker = "\0"
    policy = "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{marker}'",
            "style-src 'self'",
            images,
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
        ]
    )
    before, _, after = policy.partition(marker)
    return before, after


# Set on every response, whatever a view set before.
_FIXED = tuple((name, name.lower(), value) for name, value in (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
))


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def set_headers(response: Response) -> Response:
        h = response.headers
        # One look at the names already there, instead of a scan of every header per header set.
        present = {name.lower() for name in h.keys()}  # noqa: SIM118 — iterating Headers gives pairs
        # A view may set a stricter policy of its own (an uploaded file is sandboxed).
        if "content-security-policy" not in present:
            h.add("Content-Security-Policy",
                  _policy(csp_nonce(), app.config.get("FILES_ORIGIN") or ""))
        for name, lower, value in _FIXED:
            if lower in present:
                h[name] = value  # this portal's value, in place of a view's
            else:
                h.add(name, value)
        if request.is_secure or app.config.get("SESSION_COOKIE_SECURE"):
            h["Strict-Transport-Security"] = (
                f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains"
            )
        return response
