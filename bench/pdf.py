"""Milliseconds to make one signed F1-1 PDF, per language. Not a test.

Usage: python bench/pdf.py [ROUNDS]   (default 20)
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

from portal import create_app
from portal.config import TestConfig
from portal.documents import application_pdf
from tests.unit.test_f1_1_pdf import SIGNATURE, f1_1_document


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(TestConfig(), instance_path=folder)
        with app.app_context():
            for locale in ("kk", "ru"):
                times = []
                for _ in range(rounds):
                    start = time.perf_counter()
                    data = application_pdf(f1_1_document(), SIGNATURE, locale)
                    times.append((time.perf_counter() - start) * 1000)
                print(f"F1-1 {locale}: median {statistics.median(times):.1f} ms, "
                      f"max {max(times):.1f} ms, {len(data) // 1024} KB ({rounds} rounds)")


if __name__ == "__main__":
    main()
