"""The bot's buttons: the start keyboard (location, contact) and the rating after a final answer."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from otklik.channels.telegram.texts import BUTTON_CONTACT, BUTTON_LOCATION


def start_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text=BUTTON_LOCATION, request_location=True)],
            [KeyboardButton(text=BUTTON_CONTACT, request_contact=True)],
        ],
        resize_keyboard=True,
    )


def rating_keyboard(appeal_id: int) -> InlineKeyboardMarkup:
    """Step one: a score 1–5 (`rate:{appeal_id}:{score}`)."""
    row = [InlineKeyboardButton(text=f"{score} ★", callback_data=f"rate:{appeal_id}:{score}") for score in range(1, 6)]
    return InlineKeyboardMarkup(inline_keyboard=[row[:3], row[3:]])


def solved_keyboard(appeal_id: int, score: int) -> InlineKeyboardMarkup:
    """Step two: solved or not (`solved:{appeal_id}:{yes|no}:{score}`); the score rides along, nothing is kept."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="Решена", callback_data=f"solved:{appeal_id}:yes:{score}"),
                InlineKeyboardButton(text="Не решена", callback_data=f"solved:{appeal_id}:no:{score}"),
            ]
        ]
    )
