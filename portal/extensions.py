"""Unbound extension objects, bound to the app in create_app with init_app."""

from __future__ import annotations

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from portal.web.ratelimits import on_breach

csrf = CSRFProtect()
babel = Babel()
compress = Compress()
# No X-RateLimit-* headers: nothing reads them, and in production each limited request paid two
# more Redis round trips for them (the counter and its expiry). A 429 says when to retry in its
# Retry-After (web/errors.py, and the lookup's, verification's and API's own refusals).
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False,
                  on_breach=on_breach)
