"""Open311 services from the rubricator: one service per topic, with a code that survives reordering."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from otklik.domain.rubricator import Rubricator, Topic

_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_LATIN: tuple[str, ...] = (
    "a",
    "b",
    "v",
    "g",
    "d",
    "e",
    "e",
    "zh",
    "z",
    "i",
    "y",
    "k",
    "l",
    "m",
    "n",
    "o",
    "p",
    "r",
    "s",
    "t",
    "u",
)
_LATIN += ("f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya")
_TRANSLIT = dict(zip(_CYRILLIC, _LATIN, strict=True))


def _slug(text: str) -> str:
    latin = "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())
    return re.sub(r"[^a-z0-9]+", "-", latin).strip("-")[:24].rstrip("-") or "topic"


def service_code(topic: Topic) -> str:
    """`<group slug>-<8 hex of sha256(group, topic)>`: readable, and the same while the names stay the same."""
    digest = hashlib.sha256(f"{topic.group}\x1f{topic.name}".encode()).hexdigest()[:8]
    return f"{_slug(topic.group)}-{digest}"


@dataclass(frozen=True)
class Service:
    code: str
    topic: Topic


class Catalog:
    """Services of the rubricator: every topic has a code; only active topics are listed and accept requests."""

    def __init__(self, rubricator: Rubricator) -> None:
        self._services: dict[str, Service] = {}
        self._codes: dict[str, str] = {}
        self._active: list[Service] = []
        active = {t.name for t in rubricator.active_topics()}
        for group in rubricator.groups:
            for topic in group.topics:
                code = service_code(topic)
                if code in self._services:  # 32 bits per group: a collision would be a data error to see
                    raise ValueError(f"two topics share the Open311 code {code}: {topic.name!r}")
                service = Service(code, topic)
                self._services[code] = service
                self._codes[topic.name] = code
                if topic.name in active:
                    self._active.append(service)

    def active(self) -> list[Service]:
        return list(self._active)

    def get(self, code: str, *, active_only: bool = True) -> Service | None:
        service = self._services.get(code)
        if service is None or (active_only and service not in self._active):
            return None
        return service

    def code_for(self, topic_name: str | None) -> str | None:
        return self._codes.get(topic_name) if topic_name else None


def service_view(service: Service) -> dict[str, Any]:
    topic = service.topic
    keywords = [topic.group.lower()] + (["срочно"] if topic.priority else [])
    description = f"{topic.group}: {topic.name}" + (" (приоритетная тема, сокращённые сроки)" if topic.priority else "")
    return {
        "service_code": service.code,
        "service_name": topic.name,
        "description": description,
        "metadata": True,
        "type": "realtime",
        "keywords": ",".join(keywords),
        "group": topic.group,
    }


# Every service takes the same two optional attributes (the definition must list them, so clients send them).
CLIENT_ID_ATTRIBUTE = "fixmystreet_id"  # mySociety's name: FixMyStreet fills it with its report id
FORMAL_ATTRIBUTE = "formal"


def definition_view(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "attributes": [
            {
                "variable": False,
                "code": CLIENT_ID_ATTRIBUTE,
                "datatype": "string",
                "required": False,
                "datatype_description": "до 150 символов",
                "order": 1,
                "description": "Номер заявки в системе клиента: повторная отправка с тем же номером не создаёт "
                "второе обращение",
            },
            {
                "variable": True,
                "code": FORMAL_ATTRIBUTE,
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "",
                "order": 2,
                "description": "Нужен официальный ответ по 59-ФЗ (укажите имя и e-mail или телефон)",
                "values": [{"key": "yes", "name": "Да"}, {"key": "no", "name": "Нет"}],
            },
        ],
    }
