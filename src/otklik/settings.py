"""Typed settings from the environment (OTKLIK_*), grouped by concern; read once, nothing connects here."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from otklik.domain.learning import DEFAULT_ROUTE_HALF_LIFE_DAYS


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OTKLIK_", env_file=".env", extra="ignore")

    # --- storage -------------------------------------------------------------------------------------------
    # SQLite file by default; PostgreSQL as postgresql+psycopg://user@host:5432/db
    database_url: str = "sqlite:///var/otklik.db"
    # Create tables and load reference data when the service starts on an empty database.
    auto_migrate: bool = True

    # --- region --------------------------------------------------------------------------------------------
    region_code: int = 44  # Kostroma Oblast; the first part of appeal numbers

    # --- processing ----------------------------------------------------------------------------------------
    # Below this decision score (nlp/decision.py) an appeal goes to the moderators' queue instead of a body. 0.85,
    # re-fitted on the merged engine of the detect5 + places5 + route5 round by `bench/fit_decision_score.py` —
    # the margin rule on the unseen sets' pooled out-of-fold curve, guarded by the
    # sets never read for rules (unseen3 + held-out ≥ 0.90 pooled); docs/evaluation-kostroma.md.
    auto_assign_threshold: float = Field(0.85, ge=0.0, le=1.0)  # the decision score; out-of-fold curve, Wilson margin
    # `otklik model train`: a person's routing decision counts half as much every so many days (practice changes).
    route_half_life_days: float = Field(DEFAULT_ROUTE_HALF_LIFE_DAYS, gt=0.0)
    # Set (amqp://guest:guest@127.0.0.1:5672/), outbox events go through RabbitMQ to `otklik worker` processes
    # (docs/processes.md); unset, `otklik serve` handles them in-process right after each commit.
    broker_url: str | None = None
    model_dir: Path = Path("var/models")
    max_text_length: int = 20_000
    # Request bodies (web/limits.py, docs/limits.md): refused with 413 as the bytes arrive. Multipart carries files.
    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    max_upload_body_bytes: int = Field(60 * 1024 * 1024, ge=1024)  # 5 files of 10 MB and the form's fields

    # --- citizens ------------------------------------------------------------------------------------------
    reopen_days: int = 30  # how long after the final answer a citizen may say «не решено»
    # Appeal kinds whose final answers a moderator approves before publication (public posts by default); a draft
    # the answer checker flags is reviewed whatever its kind.
    answer_review_kinds: list[str] = Field(default_factory=lambda: ["incident"])

    # --- delivery ------------------------------------------------------------------------------------------
    delivery_max_attempts: int = 6
    delivery_backoff_seconds: float = 30.0
    # A notice "sending" for longer than this was cut off by a crash (see DeliveryWorker.recover_interrupted).
    delivery_sending_timeout_seconds: float = 300.0

    # --- spike alerts (docs/map-and-alerts.md) ----------------------------------------------------------------
    spike_scan_seconds: float = Field(300.0, ge=10.0)  # how often `otklik serve` runs the spike detector
    spike_window_hours: int = Field(3, ge=1, le=48)  # the recent window compared against the series' own norm

    # --- security ------------------------------------------------------------------------------------------
    # The key of Open311 POST and the hotline operator API. Unset, those write APIs refuse (closed by default);
    # integration tokens (`otklik tokens create`) with the scope `open311` or `hotline` work as keys too.
    api_key: SecretStr | None = None
    # Staff sign-in: UI session (cookie) and API bearer token lifetimes, bcrypt cost, throttling of failed logins.
    session_hours: float = Field(10.0, gt=0)  # a working day: the cookie session ends in the evening
    access_token_minutes: int = Field(60, ge=1, le=24 * 60)  # `POST /api/v1/auth/token`'s expires_in
    password_rounds: int = Field(12, ge=4, le=16)
    login_max_failures: int = Field(5, ge=1)  # per login within the window; then 429 until the window passes
    login_max_failures_per_client: int = Field(30, ge=1)  # per address: a spray over many logins
    login_window_minutes: int = Field(15, ge=1)
    # "auto": the session cookie is Secure when the request came over https (directly or via X-Forwarded-Proto).
    cookie_secure: str = Field("auto", pattern="^(auto|always|never)$")

    # --- web -----------------------------------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_json: bool = False

    @property
    def bus(self) -> str:
        """What carries outbox events, derived from `broker_url` so it cannot claim what does not happen."""
        return "broker" if self.broker_url else "inprocess"


def load_settings() -> Settings:
    return Settings()
