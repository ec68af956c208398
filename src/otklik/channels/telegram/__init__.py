"""The Telegram channel: the citizens' bot (aiogram 3) by webhook or polling, and answers back to the chat."""
