"""What the bot says, in Russian; and the plain-text form of long answers (no markup, so nothing to escape)."""

from __future__ import annotations

from otklik.domain.appeal import Appeal
from otklik.domain.calendar import MOSCOW

WELCOME = (
    "Здравствуйте! Это бот Центра управления регионом Костромской области.\n"
    "Опишите проблему одним сообщением: что случилось и где (населённый пункт, улица, дом). "
    "Можно приложить фото с подписью и отправить геометку.\n"
    "Мы зарегистрируем обращение, пришлём номер и срок ответа, а ответ придёт сюда же.\n"
    "/status — ваши обращения."
)
LOCATION_SAVED = (
    "Геометка получена. Теперь опишите проблему одним сообщением — обращение будет зарегистрировано с этой точкой."
)
LOCATION_OUTSIDE = "Эта точка за пределами Костромской области. Опишите, пожалуйста, где находится проблема, текстом."
CONTACT_SAVED = "Спасибо, номер сохранён: исполнитель сможет связаться с вами по вашим обращениям."
CONTACT_NOT_OWN = "Отправьте, пожалуйста, свой контакт кнопкой «Поделиться номером»."
NOT_AN_APPEAL = (
    "Сообщение получено. Чтобы зарегистрировать обращение, опишите проблему подробнее: "
    "что случилось и где (населённый пункт, улица, дом)."
)
QUEUED = "Сообщение принято. Номер обращения придёт следующим сообщением."
REFUSED = "Не удалось принять сообщение. Опишите, пожалуйста, проблему текстом."
NO_APPEALS = "У вас пока нет обращений. Опишите проблему одним сообщением — мы его зарегистрируем."
ASK_SOLVED = "Спасибо за оценку! Проблема решена?"
RATED_SOLVED = "Спасибо! Оценка учтена, обращение закрыто."
RATED_NOT_SOLVED = "Спасибо, оценка учтена. Обращение возвращено в работу."
ALREADY_RATED = "Вы уже оценили ответ по этому обращению."
NOT_YOURS = "Это обращение не найдено среди ваших."
BUTTON_LOCATION = "📍 Отправить геометку"
BUTTON_CONTACT = "📞 Поделиться номером"

STATUS_LABELS = {
    "new": "зарегистрировано",
    "needs_moderation": "на проверке у модератора",
    "assigned": "передано исполнителю",
    "in_progress": "в работе",
    "answered": "дан промежуточный ответ",
    "resolved": "дан окончательный ответ",
    "closed": "закрыто",
    "reopened": "возвращено в работу",
    "rejected": "отклонено",
    "redirected": "перенаправлено по компетенции",
}


def status_list(appeals: list[Appeal]) -> str:
    """The citizen's appeals, newest first, one line each."""
    if not appeals:
        return NO_APPEALS
    lines = ["Ваши обращения:"]
    for appeal in appeals:
        line = f"№ {appeal.number} от {appeal.created_at.astimezone(MOSCOW):%d.%m.%Y} — "
        line += STATUS_LABELS.get(appeal.status, appeal.status)
        if appeal.due_at is not None and appeal.status not in ("resolved", "closed", "rejected"):
            line += f", ответ до {appeal.due_at.astimezone(MOSCOW):%d.%m.%Y}"
        lines.append(line)
    return "\n".join(lines)


def split_text(text: str, limit: int) -> list[str]:
    """Parts of at most `limit` characters, cut at a paragraph, line or word break when there is one."""
    text = text.strip()
    parts: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind(sep, 0, limit) for sep in ("\n\n", "\n", " "))
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*parts, text] if text else parts
