"""Typed readers for settings that come from the environment; bad values fail loudly at start-up."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(RuntimeError):
    pass


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean; use true or false")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not an integer") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def secret_key_from_env_or_file(data_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data folder.

    The kept key lets the demo survive restarts (sessions stay valid) without anyone committing a secret.
    """
    from_env = os.environ.get("SECRET_KEY", "")
    if from_env:
        if len(from_env) < 50:
            raise ConfigError("SECRET_KEY must be at least 50 characters long")
        return from_env
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def env_proxy_count(name: str, default: int = 0) -> int:
    """A number of trusted reverse proxies: a count, or a boolean kept for older configurations (true = 1)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE - {"1"}:
        return 1
    if value in _FALSE - {"0"}:
        return 0
    try:
        count = int(value)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not a number of trusted proxies (0, 1, 2, … or true/false)") from exc
    if count < 0:
        raise ConfigError(f"{name}={raw!r} cannot be negative")
    return count
