"""Settings of the citizens' portal (OTKLIK_PORTAL_*): photos, sessions, passwords and the consent text version."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PortalSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OTKLIK_PORTAL_", env_file=".env", extra="ignore")

    # Where photos are kept; the message carries only the key (a path relative to this folder).
    attachments_dir: Path = Path("var/attachments")
    # Photo types accepted; each is checked by its first bytes, not by what the browser declared.
    allowed_types: tuple[str, ...] = ("image/jpeg", "image/png", "image/webp", "image/heic")
    max_file_bytes: int = Field(10 * 1024 * 1024, ge=1)  # per photo
    max_files: int = Field(5, ge=0)  # per submission
    # A bearer token lives this long after login; logout ends it at once.
    token_lifetime_hours: int = Field(24 * 7, ge=1)
    # bcrypt cost: 12 takes ~0.25 s per login on one core; lower only in tests.
    password_hash_rounds: int = Field(12, ge=4, le=16)
    password_min_length: int = Field(8, ge=6)
    # The version of the 152-ФЗ consent text. Changing it asks every citizen to consent again before submitting.
    consent_version: str = "2026-11-01"
    # The consent text shown by GET /api/v1/portal/consent (the operator's lawyers own it; change the version too).
    consent_text: str = (
        "Я даю согласие ОГКУ «Центр управления регионом Костромской области» на обработку моих персональных "
        "данных (фамилия, имя, отчество, адрес электронной почты, номер телефона, адрес и текст обращения, "
        "фотографии) в целях рассмотрения моих обращений, направления их в органы власти по компетенции и "
        "информирования меня о ходе и результатах рассмотрения, в соответствии с Федеральным законом "
        "от 27.07.2006 № 152-ФЗ «О персональных данных». Согласие действует до его отзыва."
    )
    # How many appeals GET /appeals returns at most.
    page_size: int = Field(50, ge=1, le=200)


@lru_cache(maxsize=1)
def load_portal_settings() -> PortalSettings:
    """Read once, on the first request (nothing is read at import)."""
    return PortalSettings()
