"""PDFs per second for each official form, per language; the signed F1-1 too. Not a test.

Usage: python bench/pdf.py [ROUNDS]   (default 20)

Each form is built once from a case in a temporary SQLite database (tests/form_cases.py) and
then drawn ROUNDS times with fpdf2 (portal/documents/pdf.py), the part the storage cache
(portal/documents/cache.py) saves on every later request for the same content.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds a file named http.py: keep it off the import path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import statistics
import tempfile
import time
from collections.abc import Callable

from portal import create_app, db, migrate
from portal.config import TestConfig
from portal.db import make_engine
from portal.documents import application_pdf, forms
from portal.documents.pdf import render_pdf
from tests.factories import create_district
from tests.form_cases import make_cases
from tests.unit.test_f1_1_pdf import SIGNATURE, f1_1_document

# form slug → which case of tests/form_cases.py holds it
CASES = {"coupon": "granted", "receipt": "state_corp", "f1": "granted",
         "f2-1": "refused_acceptance", "f3": "granted", "f4": "granted", "f5": "granted",
         "f6": "granted", "f7": "refused"}


def _measure(label: str, make: Callable[[], bytes], rounds: int) -> None:
    times = []
    size = 0
    for _ in range(rounds):
        start = time.perf_counter()
        size = len(make())
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"{label:<10} {1 / median:7.1f} PDFs/s   median {median * 1000:6.1f} ms, "
          f"max {max(times) * 1000:6.1f} ms, {size // 1024} KB ({rounds} rounds)")


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        config = TestConfig()
        config.DATABASE_URL = url
        app = create_app(config, instance_path=f"{folder}/instance")
        with app.test_request_context():
            session = db.session()
            cases = make_cases(session, create_district(session))
            for language in ("kk", "ru"):
                _measure(f"F1-1 {language}",
                         lambda language=language: application_pdf(f1_1_document(), SIGNATURE,
                                                                   language), rounds)
                for slug, case in CASES.items():
                    document = forms.build(session, getattr(cases, case), slug, language)
                    assert document is not None, slug
                    _measure(f"{document.form} {language}",
                             lambda document=document: render_pdf(document), rounds)


if __name__ == "__main__":
    main()
