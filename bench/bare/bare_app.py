"""The bare Flask app that bench/http.py measures the portal against."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def ok() -> str:
    return "ok"
