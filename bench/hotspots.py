"""Where a request's time goes: the app in-process (Flask's test client, no server), timed, then
run under cProfile.

Usage: python bench/hotspots.py PATH [--post BODY] [--cookie COOKIE] [-n N] [--sort KEY] [--top K]
Run with the same environment as the app (PORTAL_ENV, DATABASE_URL ...); bench/http.py prepares
a database with the lookup's 100,000 cases and prints no cookie, so take them from a run of its
set-up scripts. Prints the mean time per request and the call counts of the heaviest functions.
Not a test.
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
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()

    from portal import create_app

    app = create_app()
    client = app.test_client(use_cookies=False)  # the Cookie header as given, every time
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
    began, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.n):
        one()
    per = (time.perf_counter() - began) / args.n * 1000
    per_cpu = (time.process_time() - cpu) / args.n * 1000
    # CPU time is the steadier figure on a shared machine.
    print(f"{args.path}: statuses {sorted(statuses)}, {per:.2f} ms per request, "
          f"{per_cpu:.2f} ms of CPU (in-process, one thread)", flush=True)
    if args.top == 0:
        return
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.n):
        one()
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
