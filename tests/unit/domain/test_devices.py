"""The coarse device name a session list shows: browser and system family, nothing finer."""

from __future__ import annotations

import pytest

from portal.domain.devices import UNKNOWN, describe_device, device_label

AGENTS = {
    "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Mobile Safari/537.36": ("Chrome", "Android"),
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.5 Mobile/15E148 Safari/604.1": ("Safari", "iOS"),
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0": ("Edge", "Windows"),
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0": ("Firefox", "Linux"),
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/128.0.0.0 YaBrowser/24.10.0.0 Safari/537.36": ("Yandex Browser", "Windows"),
    "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36": ("Samsung Internet", "Android"),
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15": ("Safari", "macOS"),
}


@pytest.mark.parametrize(("agent", "expected"), AGENTS.items())
def test_a_user_agent_gives_its_browser_and_system_family(agent: str, expected: tuple[str, str]) -> None:
    assert describe_device(agent) == expected


@pytest.mark.parametrize("agent", [None, "", "curl/8.5.0", "<script>alert(1)</script>"])
def test_an_unknown_or_hostile_user_agent_is_unknown_and_never_copied(agent: str | None) -> None:
    label = device_label(agent)
    assert label == f"{UNKNOWN}/{UNKNOWN}"


def test_the_label_fits_its_column_whatever_the_header() -> None:
    assert len(device_label("Chrome/ Android " * 1000)) <= 40
