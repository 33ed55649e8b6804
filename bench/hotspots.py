"""Where a request's time goes: the app in-process (Flask's test client, no server), timed, then
run under cProfile.

Usage: python bench/hotspots.py PATH [--post BODY] [--cookie COOKIE] [--lookup] [-n N]
                                       [--sort KEY] [--top K]
Run with the same environment as the app (PORTAL_ENV, DATABASE_URL ...); bench/http.py prepares
a database with the lookup's 100,000 cases (BENCH_KEEP=DIR keeps it). ``--lookup``: the status
lookup's POST of a demo case, with the CSRF token and session cookie of a GET /status made here
(a fresh cookie, as a browser would send back). Prints the mean time per request, the function
calls and SQL statements per request, and the heaviest functions. Not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--post", help="a form body: the request is a POST")
    parser.add_argument("--cookie", help="a Cookie header")
    parser.add_argument("--header", action="append", default=[], help="Name: value")
    parser.add_argument("--lookup", action="store_true",
                        help="POST a demo case's lookup with a fresh CSRF token and cookie")
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()

    from sqlalchemy import event

    from portal import create_app

    app = create_app()
    client = app.test_client(use_cookies=False)  # the Cookie header as given, every time
    if args.lookup:
        import re

        first = app.test_client()
        page = first.get(args.path).get_data(as_text=True)
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        cookie = first.get_cookie(app.config["SESSION_COOKIE_NAME"])
        assert csrf is not None and cookie is not None
        args.post = f"csrf_token={csrf.group(1)}&number=SA-2026-DEMO-0001&factor=850321301238"
        args.cookie = f"{cookie.key}={cookie.value}"
    headers = {"Accept-Encoding": "br, gzip"}
    if args.cookie:
        headers["Cookie"] = args.cookie
    for line in args.header:
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()

    def one() -> int:
        if args.post is None:
            response = client.get(args.path, headers=headers)
        else:
            response = client.post(args.path, data=args.post, headers={
                **headers, "Content-Type": "application/x-www-form-urlencoded"})
        response.get_data()
        return response.status_code

    statuses = {one() for _ in range(20)}  # warm: imports, template compilation, caches
    statements = 0

    def count(*_: object) -> None:
        nonlocal statements
        statements += 1

    engine = app.extensions["db_engine"]
    event.listen(engine, "before_cursor_execute", count)
    one()
    event.remove(engine, "before_cursor_execute", count)
    began, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.n):
        one()
    per = (time.perf_counter() - began) / args.n * 1000
    per_cpu = (time.process_time() - cpu) / args.n * 1000
    # CPU time is the steadier figure on a shared machine.
    print(f"{args.path}: statuses {sorted(statuses)}, {per:.2f} ms per request, "
          f"{per_cpu:.2f} ms of CPU (in-process, one thread), {statements} SQL statements",
          flush=True)
    if args.top == 0:
        return
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.n):
        one()
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"{stats.total_calls / args.n:.0f} function calls per request "  # type: ignore[attr-defined]
          f"({stats.prim_calls / args.n:.0f} primitive)")  # type: ignore[attr-defined]
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
