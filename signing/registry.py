"""Signers chosen by configuration name (``keyfile,mobile``) or import path (``pkg.mod:Class``)."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable

from signing.base import ConfigurationError, Signer

BUILTIN = {
    "keyfile": "signing.simulated:KeyFileSigner",
    "mobile": "signing.simulated:MobileSigner",
    "sms": "signing.sms:SmsSigner",  # needs sms_phone_for and sms_send_code from the portal
}
DEFAULT_SIGNERS = "keyfile,mobile"


def load_factory(spec: str) -> Callable[..., object]:
    """Resolve a built-in name or ``package.module:Attribute`` to something callable."""
    path = BUILTIN.get(spec, spec)
    module_name, sep, attribute = path.partition(":")
    if not sep or not module_name or not attribute:
        raise ConfigurationError(f"unknown signer {spec!r}", code="signer.unknown")
    try:
        target: object = importlib.import_module(module_name)
        for part in attribute.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError) as error:
        raise ConfigurationError(f"cannot import signer {spec!r}", code="signer.unknown") from error
    if not callable(target):
        raise ConfigurationError(f"signer {spec!r} is not callable", code="signer.unknown")
    return target


def _accepted(factory: Callable[..., object], deps: dict[str, object]) -> dict[str, object]:
    """Only the dependencies the factory names, so each signer asks for what it needs."""
    parameters = inspect.signature(factory).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return dict(deps)
    names = {
        p.name
        for p in parameters
        if p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    }
    missing = [
        p.name
        for p in parameters
        if p.default is inspect.Parameter.empty
        and p.kind is not inspect.Parameter.VAR_POSITIONAL
        and p.name not in deps
    ]
    if missing:
        raise ConfigurationError(f"signer needs {', '.join(missing)}", code="signer.missing_dependency")
    return {name: value for name, value in deps.items() if name in names}


def build_signers(names: str = DEFAULT_SIGNERS, **deps: object) -> dict[str, Signer]:
    """``{signer.name: signer}`` in configuration order.

    ``deps`` is the pool every signer draws from (``ca``, ``storage``, ``now``, ``keystore_key``,
    ``mobile_url``, ``lockout_minutes``, …); a signer receives only the keyword arguments its
    constructor names.
    """
    signers: dict[str, Signer] = {}
    for spec in (part.strip() for part in names.split(",")):
        if not spec:
            continue
        factory = load_factory(spec)
        signer = factory(**_accepted(factory, deps))
        if not isinstance(signer, Signer):
            raise ConfigurationError(f"{spec!r} is not a Signer", code="signer.not_a_signer")
        if signer.name in signers:
            raise ConfigurationError(f"{signer.name!r} listed twice", code="signer.duplicate")
        signers[signer.name] = signer
    if not signers:
        raise ConfigurationError("no signer configured", code="signer.none")
    return signers
