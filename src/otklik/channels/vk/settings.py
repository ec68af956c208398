"""Settings of the VK channel (OTKLIK_VK_*); the token and the secret stay SecretStr and never reach a log."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class VkSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OTKLIK_VK_", env_file=".env", extra="ignore")

    # Community access token (Управление сообществом → Работа с API → Ключи доступа) with the rights
    # "wall", "messages" and "manage"; polling other walls also works with a service token of an app.
    # Without it the channel sends and polls nothing (the callback endpoint still accepts events).
    access_token: SecretStr | None = None
    # Our own community's id (positive). Its comments are our answers and are never taken as appeals;
    # answers are posted from it (from_group).
    group_id: int | None = None
    # The string VK expects back from the Callback API "confirmation" request (shown in the community's
    # Callback API settings). Without it the callback endpoint answers 404.
    confirmation: str | None = None
    # The "secret key" set in the Callback API settings; every event must carry it, otherwise 403.
    secret: SecretStr | None = None
    # Base URL of the VK API methods; tests point it to a local server.
    api_base_url: str = "https://api.vk.com/method"
    # The API version sent as `v` with every call.
    api_version: str = "5.199"
    # HTTP timeout of one API call, seconds.
    timeout_seconds: float = Field(10.0, gt=0)
    # How many times a call is retried on errors 6 (too many requests), 9 (flood control), 10 (internal error).
    max_retries: int = Field(3, ge=0, le=10)
    # First backoff between such retries, seconds; it doubles each time.
    retry_backoff_seconds: float = Field(0.5, ge=0)
    # At most this many API calls and outbound messages per second (VK allows 20/s to a community token).
    rate_per_second: float = Field(3.0, gt=0)
    # Walls to poll: the governor's page (a positive user id) and communities (negative ids), e.g. [-123, 456].
    poll_owner_ids: list[int] = Field(default_factory=list)
    # Seconds between polling rounds when `otklik serve` polls the walls above.
    poll_interval_seconds: float = 60.0
    # The town of a community: owner id → OKTMO of the municipality, e.g. {"-123": "34701000"}; the locator
    # uses it as a prior when the text names no place.
    owner_municipalities: dict[int, str] = Field(default_factory=dict)
    # Bounds of one polling round: the newest posts of each wall, and comments per post.
    poll_posts: int = Field(10, ge=1, le=100)
    poll_comments: int = Field(100, ge=1, le=100)
    # Longest text of one wall comment and of one private message; longer answers are split into parts.
    comment_max_length: int = Field(2048, ge=100)
    message_max_length: int = Field(4096, ge=100)

    @property
    def configured(self) -> bool:
        """Sending and polling need a token."""
        return self.access_token is not None and bool(self.access_token.get_secret_value())
