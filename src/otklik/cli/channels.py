"""`otklik channels vk-poll|telegram-poll`: the channels' polling loops, run beside `otklik serve`."""

from __future__ import annotations

import threading

import structlog
import typer
from rich.console import Console

from otklik.bootstrap import bootstrap
from otklik.observability import configure_logging
from otklik.settings import load_settings

app = typer.Typer(help="Каналы: опрос ВКонтакте и Telegram.", no_args_is_help=True)
console = Console(stderr=True)
log = structlog.get_logger(__name__)


@app.command("vk-poll")
def vk_poll(
    once: bool = typer.Option(False, help="one round, then exit (for cron)"),
    interval: float = typer.Option(60.0, min=5.0, help="seconds between rounds"),
) -> None:
    """Read new posts and comments of the walls in OTKLIK_VK_POLL_OWNER_IDS; cursors survive restarts."""
    from otklik.channels.vk.poller import VkPoller
    from otklik.channels.vk.settings import VkSettings

    vk_settings = VkSettings()
    if not vk_settings.configured or not vk_settings.poll_owner_ids:
        console.print("set OTKLIK_VK_ACCESS_TOKEN and OTKLIK_VK_POLL_OWNER_IDS to poll VK")
        raise typer.Exit(2)
    settings = load_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    poller = VkPoller(bootstrap(settings), vk_settings)
    stop = threading.Event()
    while True:
        try:
            report = poller.poll_once()
            console.print(f"posts {report.posts}, comments {report.comments}, new {report.ingested}")
        except Exception:  # one failed round (network, VK) must not end the loop
            log.exception("vk.poll_failed")
        if once or stop.wait(interval):
            return


@app.command("telegram-poll")
def telegram_poll() -> None:
    """Run the citizens' bot by getUpdates (OTKLIK_TELEGRAM_MODE=polling); the webhook is removed first."""
    import asyncio

    from otklik.channels.telegram.polling import run_polling
    from otklik.channels.telegram.settings import TelegramSettings

    telegram_settings = TelegramSettings()
    if not telegram_settings.configured:
        console.print("set OTKLIK_TELEGRAM_BOT_TOKEN to run the bot")
        raise typer.Exit(2)
    if telegram_settings.mode != "polling":
        console.print("OTKLIK_TELEGRAM_MODE is 'webhook': Telegram would refuse getUpdates; set it to 'polling'")
        raise typer.Exit(2)
    settings = load_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    asyncio.run(run_polling(bootstrap(settings), telegram_settings))


@app.command("telegram-webhook")
def telegram_webhook(
    url: str = typer.Option(None, help="public address (default OTKLIK_TELEGRAM_WEBHOOK_URL)"),
) -> None:
    """Register the webhook with Telegram (setWebhook with the secret token), so no token is typed in a shell."""
    import asyncio

    from otklik.channels.telegram.settings import TelegramSettings
    from otklik.channels.telegram.webhook_setup import set_webhook

    telegram_settings = TelegramSettings()
    address = url or telegram_settings.webhook_url
    if not telegram_settings.configured or telegram_settings.webhook_secret is None or not address:
        console.print("set OTKLIK_TELEGRAM_BOT_TOKEN, OTKLIK_TELEGRAM_WEBHOOK_SECRET and the webhook URL")
        raise typer.Exit(2)
    asyncio.run(set_webhook(telegram_settings, address))
    console.print(f"webhook set: {address}")
