"""Compressed answers: Flask-Compress's choices, made without its cost on the portal's own pages.

Flask-Compress's hook cost about three times the Brotli compression itself on a 6 KB page: the
Accept-Encoding header parsed again on every response, a dozen header look-ups and writes, and
``make_conditional``, which for a page without an ETag or Last-Modified only adds a Date header.
This hook gives the same answer (the same algorithm, Vary, Content-Encoding, Content-Length and
Date) for a whole, non-streamed body; files and streamed bodies (static assets, downloads) go on
to Flask-Compress itself, as before.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask_compress.flask_compress import _choose_algorithm, _compress_data
from werkzeug.http import http_date

from portal.extensions import compress


def after_request(response: Response) -> Response:
    if (response.is_streamed or response.direct_passthrough or request.endpoint == "static"
            or not response.status_code):
        return compress.after_request(response)
    headers = response.headers
    vary = headers.get("Vary")
    if not vary:
        headers["Vary"] = "Accept-Encoding"
    elif "accept-encoding" not in vary.lower():
        headers["Vary"] = f"{vary}, Accept-Encoding"
    config = current_app.config
    algorithm = _choose_algorithm(compress.enabled_algorithms,
                                  request.headers.get("Accept-Encoding", ""))
    if (algorithm is None or response.mimetype not in compress.compress_mimetypes_set
            or not 200 <= response.status_code < 300 or "Content-Encoding" in headers):
        return response
    data = response.get_data()
    if len(data) < config["COMPRESS_MIN_SIZE"]:
        return response
    if "ETag" in headers or "Last-Modified" in headers:
        return compress.after_request(response)  # an ETag to suffix, a condition to judge
    response.set_data(_compress_data(current_app, data, algorithm))
    headers["Content-Encoding"] = algorithm
    if request.method in {"GET", "HEAD"} and "Date" not in headers:
        headers["Date"] = http_date()  # what make_conditional adds to such a response
    return response


def init_app(app: Flask) -> None:
    app.config["COMPRESS_REGISTER"] = False  # this module registers the hook
    compress.init_app(app)
    app.after_request(after_request)
