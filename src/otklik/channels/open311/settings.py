"""Settings of the Open311 server (OTKLIK_OPEN311_*): jurisdiction, discovery texts, client keys, limits."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Open311Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OTKLIK_OPEN311_", env_file=".env", extra="ignore")

    # The spec suggests the region's domain; a request naming another jurisdiction gets 404.
    jurisdiction_id: str = "adm44.ru"
    # Discovery texts (all required by the spec).
    contact: str = "Центр управления регионом Костромской области, cur@adm44.ru"
    key_service: str = "Ключ API для подачи заявок выдаёт ЦУР по письменному запросу организации"
    # Sortable marker of the last change of this endpoint's contract.
    changeset: str = "2026-11-28T00:00:00Z"
    endpoint_type: Literal["production", "test"] = "production"
    # The URL announced in discovery; empty = the URL the request came to.
    public_url: str | None = None
    # Keys of individual clients, name → key (JSON in the environment); besides OTKLIK_API_KEY.
    # The client's name scopes its request ids, so two clients' "id 17" are two appeals.
    client_keys: dict[str, SecretStr] = Field(default_factory=dict)
    # Appeals of these channels are published by GET requests. Others (59-ФЗ e-mail, portal) are private
    # correspondence: widening this list publishes their masked texts and needs a legal decision.
    public_channels: tuple[str, ...] = ("open311",)
    # The spec's defaults: the last 90 days, at most 1000 requests.
    window_days: int = Field(90, ge=1)
    max_requests: int = Field(1000, ge=1, le=10_000)
    max_description: int = 4000  # the spec's limit of `description`


@lru_cache(maxsize=1)
def load_open311_settings() -> Open311Settings:
    """Read once, on the first request (nothing is read at import)."""
    return Open311Settings()
