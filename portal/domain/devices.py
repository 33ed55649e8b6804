"""A coarse name for the device behind a session (browser and system family), from its User-Agent.

Only the two families are kept — never versions, models or the whole header — so a person can
recognise "Chrome on Android" in their list of sessions without the portal storing a fingerprint.
Pure: the header comes in as an argument. Order matters: Edge, Opera and Samsung's browser say
"Chrome" too, and Chrome says "Safari".
"""

from __future__ import annotations

from typing import Final

_BROWSERS: Final = (
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("YaBrowser", "Yandex Browser"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS: Final = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iOS"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)
UNKNOWN: Final = "?"


def _first(user_agent: str, table: tuple[tuple[str, str], ...]) -> str:
    return next((name for marker, name in table if marker in user_agent), UNKNOWN)


def describe_device(user_agent: str | None) -> tuple[str, str]:
    """(browser family, system family); ``UNKNOWN`` for what the header does not say."""
    text = (user_agent or "")[:512]
    return _first(text, _BROWSERS), _first(text, _SYSTEMS)


def device_label(user_agent: str | None) -> str:
    """What the session record keeps: ``"Chrome/Android"`` (at most 40 characters)."""
    browser, system = describe_device(user_agent)
    return f"{browser}/{system}"
