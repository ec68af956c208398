"""Checking an official's final answer before it goes out: likely «отписки» and personal data in public replies.

Pure and fast: regular expressions, small lexicons and the cached pymorphy3 lemmas of `nlp.text.lemmas`. The flags
are reasons a moderator reads at a glance; the score says how likely the answer is a formulaic non-answer. A missing
action weighs most — «Замечание устранено, мусор убран.» names no date and no body, yet it is an answer — while
a date or a named body alone does not rescue «обращение направлено в компетентный орган». Weights and the threshold
were set on `data/nlp/answer_quality_labelled.tsv` (real answers of the St Petersburg portal, labelled by hand);
`bench/bench_answer_quality.py` measures them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from otklik.nlp.pii import find_personal_data
from otklik.nlp.streets import find_address
from otklik.nlp.text.lemmas import grammemes, lemma, morph, word_spans, words

FORMULAIC_THRESHOLD = 0.5


def _lexicon(text: str) -> frozenset[str]:
    """Space-separated words, so long lexicons stay readable."""
    return frozenset(text.split())


MESSAGES = {
    "no_action": "в ответе нет конкретного действия: что сделано или будет сделано",
    "no_date": "в ответе нет даты или срока: когда сделано или будет сделано",
    "no_responsible": "в ответе не названы исполнитель или ответственный (организация, должность и фамилия)",
    "template_unchanged": "шаблон отправлен без изменений: в ответ не вписаны факты этого обращения",
    "off_subject": "ответ не упоминает ни места, ни предмета обращения",
    "personal_data": "в публичном ответе персональные данные",
}
# No action alone reaches the threshold; a missing date or body only adds to it, because real answers of work done
# often give neither («Надписи удалены. Фотофиксация прилагается.»). Formula cues («принято к сведению») add 0.15
# each, at most 0.3. Personal data is a different fault and does not raise the «отписка» score.
_WEIGHTS = {
    "no_action": 0.5,
    "no_date": 0.1,
    "no_responsible": 0.1,
    "template_unchanged": 0.4,
    "off_subject": 0.15,
}
_CUE_WEIGHT = 0.15
_CUE_CAP = 0.3

# Verbs that report on the paperwork, not on the problem: «рассмотрено», «принято к сведению», «сообщаем»,
# «не подтвердилось». Everything else a past or future verb (or short participle) says counts as an action, so the
# many verbs of real work («спилено», «закрашены», «вывезен») need no list.
_PAPER_VERBS = _lexicon("""
    быть стать являться находиться иметься оставаться остаться поступить поступать обратиться обращаться
    рассмотреть рассматривать сообщить сообщать сообщаться принять принимать учесть учитывать получить получать
    зарегистрировать подтвердиться подтвердить подтверждаться выявить выявляться обнаружить обнаруживаться
    выяснить выясниться показать разъяснить разъяснять информировать проинформировать уведомить довести
    перенаправить переадресовать переслать передать передавать поручить рекомендовать предложить запросить
    ознакомиться отказать дать давать взять ответить отвечать подготовить изучить проанализировать
    относиться отнестись входить войти касаться требоваться требовать подлежать мочь смочь
    расположить предназначить обеспечить вызвать запретить сформировать предоставить составить решить утвердить
    сломать повредить разрушить нарушить загрязнить испортить отключить оставить считать благодарить
    """)
# Nouns after which a past participle reports work: «проверки, выполненной ОТИС Лифт», «работы, проведённые».
_WORK_NOUNS = _lexicon("проверка обследование осмотр работа ремонт уборка замена очистка")
_INSPECTION = re.compile(r"(?i)(?:в\s+ходе|в\s+результате|при)\s+(?:\w+\s+){0,2}(?:проверк|обследовани|осмотр|обход)")
_QUOTED_CATEGORY = re.compile(
    r"(?i)(вопросу|категории|теме|классификации|рубрике)\s*(?:«[^»]{0,200}»|\"[^\"]{0,200}\")"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[А-ЯЁA-Z«\"])|\n+")
# Verbs that are paper when followed by a paper object («направлено в компетентный орган», «поставлен на контроль»,
# «включено в план») and work otherwise («направлена бригада», «поставлены урны», «включено освещение»).
_PAPER_OBJECTS = {
    "направить": _lexicon("обращение сообщение заявление жалоба запрос информация материал вопрос ваш"),
    "поставить": frozenset({"контроль"}),
    "включить": _lexicon("план программа перечень график список реестр"),
    "установить": frozenset({"что"}),
}
_PAPER_BEFORE = {"направить": _lexicon("обращение сообщение заявление жалоба запрос информация материал")}
_FUTURE_MODALS = frozenset({"быть", "планироваться", "запланировать", "предусмотреть", "предполагаться", "намечено"})

_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern, re.IGNORECASE))
    for label, pattern in (
        ("принято к сведению", r"принят\w{0,2}\s+к\s+сведению"),
        ("компетентный орган", r"компетентн\w+\s+(?:орган|организац|ведомств|служб)"),
        ("в рамках компетенции", r"в\s+рамках\s+(?:своей\s+|имеющейся\s+)?компетенци"),
        ("в установленном порядке", r"в\s+установленном\s+(?:законом\s+)?порядке"),
        ("меры приняты", r"(?:приняты|будут\s+приняты|принимаются)\s+(?:все\s+)?(?:необходимые\s+)?меры"),
        ("в ближайшее время", r"в\s+ближайшее\s+время"),
        ("на контроле", r"(?:на\s+контрол[ьея]|взят\w*\s+на\s+контроль)"),
        ("не подтвердилось", r"не\s+подтвердил\w*"),
        ("будет рассмотрено", r"будет\s+рассмотрен\w*|рассмотрение\s+будет"),
        ("по мере финансирования", r"(?:по\s+мере|при\s+наличии)\s+(?:бюджетного\s+)?финансировани"),
        ("согласно законодательству", r"в\s+соответствии\s+с\s+(?:действующим\s+)?законодательств"),
    )
)

_MONTHS = (
    r"январ\w*|феврал\w*|март\w*|апрел\w*|ма[йяе]\w*|июн\w*|июл\w*|август\w*|сентябр\w*|октябр\w*|ноябр\w*|декабр\w*"
)
# «15.12.2026», «15/12/2026», «15.04» — not «1/15» (a house) nor «п. 4.8» (a clause of a regulation).
_NUMERIC_DATE = (
    r"(?<!п\.\s)(?<!п\.)(?<!ст\.\s)(?:\d{1,2}\.\d{1,2}\.\d{2,4}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\.(?:0[1-9]|1[0-2]))"
)
# A date followed or preceded by a document number is a reference («сообщение от 04.11.2020 № 2991665»,
# «распоряжение от 20.11.2019 № 328-р»), not a time frame of the work.
_REFERENCE_DATE = re.compile(
    rf"(?i)(?:от\s+)?(?:{_NUMERIC_DATE}|\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{4}})\s*(?:г\.?|года)?\s*(?:№|N|No)\s*\S+"
    rf"|(?:№|N|No)\s*[\w/-]+\s+от\s+(?:{_NUMERIC_DATE}|\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{4}})\s*(?:г\.?|года)?"
)
_DATE = re.compile(
    rf"(?i)(?<![\d.])(?:{_NUMERIC_DATE})(?![\d.]\d)"
    rf"|\b\d{{1,2}}\s+(?:{_MONTHS})\b"
    rf"|\b(?:в|до|с|по|к|на)\s+(?:конц\w+\s+|начал\w+\s+|середин\w+\s+)?(?:{_MONTHS})\b"
    r"|\bв\s+течени[ие]\s+(?:\d+|\w+)\s+(?:\w+\s+)?(?:дн|день|час|недел|месяц|сут)"
    r"|\bв\s+срок\b|\bсрок\w*\s+(?:до|исполнения)\b|\w+дневн\w+\s+срок"
    r"|\b(?:\d{4}|текущ\w+|следующ\w+|будущ\w+)\s*(?:г\.|год\w*|гг)"
    r"|\b(?:летн|весенн|осенн|зимн|агротехническ|отопительн)\w+\s+(?:период|сезон)"
    r"|\b[IV]{1,3}\s+квартал|\b\d\s*(?:-?м|-?й)?\s+квартал|\bквартал\w*\s+\d{4}"
    r"|\bдо\s+конца\s+(?:недели|месяца|года|дня)|\b(?:сегодня|завтра|вчера|послезавтра)\b"
    r"|\bв\s+(?:понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)\b"
    r"|\b\d{1,2}[:.]\d{2}\s*(?:ч|час)|\bс\s+\d{1,2}(?:[:.]\d{2})?\s+до\s+\d{1,2}(?:[:.]\d{2})?\s*(?:ч|час)"
)

_ORG_FORM = re.compile(
    r"(?<![А-ЯЁа-яё])(?:ООО|ОАО|ЗАО|ПАО|АО|НАО|МУП|МКУ|МБУ|МАУ|МУ|ГУП|ФГУП|ГКУ|ГБУ|ОГБУ|ОГКУ|ОГУП|СПб\s?ГКУ|"
    r"СПб\s?ГБУ|ТСЖ|ТСН|ЖСК|ИП|УК|ЖКС|ГИБДД|МЧС|ОМВД|УМВД|ГЖИ|ЕДДС|ПАО|ФКУ|ГАТИ)(?![А-ЯЁа-яё])"
)
_BODY_LEMMAS = _lexicon("""
    администрация департамент комитет управление инспекция прокуратура служба подрядчик бригада мастер инженер
    прораб диспетчер специалист начальник директор заместитель глава руководитель инспектор сотрудник учреждение
    предприятие дирекция водоканал горводоканал теплосеть горсвет роспотребнадзор госжилинспекция полиция
    жилкомсервис отдел
    """)
_BODY_PHRASES = re.compile(
    r"(?i)управляющ\w+\s+(?:компани|организаци)|подрядн\w+\s+организаци|ресурсоснабжающ\w+\s+организаци"
    r"|обслуживающ\w+\s+организаци|специализированн\w+\s+организаци|силами\s+[А-ЯЁа-яё«\"]"
)
_POSITION = _lexicon("""
    мастер инженер прораб диспетчер специалист начальник директор заместитель глава руководитель инспектор
    председатель управляющий главный ведущий старший участковый техник сотрудник уполномоченный
    """)
_PUBLIC_PHONE = re.compile(r"(?i)(?:диспетчер|горяч\w+\s+лини|справочн|дежурн|ЕДДС|8[\s-]?800|телефон\s+доверия)")
# Streets, institutions and companies named after people («улица Корнея Чуковского», «им. И.В. Гребенщикова»,
# «ООО «Иванов и К»») are no private person's name.
_NAMED_PLACE = re.compile(
    r"(?i)(?:ул\.|улиц\w*|пр\.|пр-т|просп\w*|пер\.|переул\w*|пл\.|площад\w*|б-р|бульвар\w*|наб\.|набережн\w*"
    r"|шоссе|проезд\w*|аллея|им\.|имени|адресу:?|«|\")\s*$"
)
_STREET_AFTER = re.compile(r"(?i)\s*(?:улиц|ул\.|проспект|пр\.|переул|шоссе|бульвар|набережн|площад|проезд|линия)")
_FLAT_NAME = re.compile(r"(?i)(?:кв\.|квартир[аыеу])\s*№?\s*\d{1,4}")

_GENERIC_LEMMAS = _lexicon("""
    уважаемый пользователь житель заявитель обращение сообщение ваш вопрос просить прошу просьба пожалуйста
    здравствуйте добрый день который этот тот свой весь такой можно нужно необходимо очень также адрес
    город улица дом проблема информация ответ рассмотрение являться наш портал санкт-петербург
    """)
_HOUSE_IN_TEXT = re.compile(r"(?i)(?:\bд\.|\bдом\w*|№)\s*(\d{1,4}[а-д]?)\b|\b(\d{1,4}[а-д]?)\s*(?:,|\s)\s*(?:кв|корп)")
_TEMPLATE_NOISE = re.compile(r"\{[^}]*\}|\[[^\]]*\]|<[^>]*>|_{2,}|\.{3,}|…|\d+")


@dataclass(frozen=True)
class AnswerFlag:
    code: str  # stable id: "no_action", "no_date", "no_responsible", "template_unchanged", "off_subject", ...
    message: str  # Russian, for the moderator


@dataclass(frozen=True)
class AnswerCheck:
    flags: tuple[AnswerFlag, ...]
    score: float  # 0..1, likelihood this is an отписка

    @property
    def is_formulaic(self) -> bool:
        return self.score >= FORMULAIC_THRESHOLD

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(flag.code for flag in self.flags)


def check_answer(
    answer: str,
    *,
    appeal_text: str,
    address: str | None = None,
    topic: str | None = None,
    templates: Sequence[str] = (),
    public: bool = False,
) -> AnswerCheck:
    """Flags and the «отписка» score of a final answer to the appeal `appeal_text`."""
    flags: list[AnswerFlag] = []
    cues = [label for label, pattern in _CUES if pattern.search(answer)]
    if not has_action(answer):
        detail = f" (только «{cues[0]}»)" if cues else ""
        flags.append(AnswerFlag("no_action", MESSAGES["no_action"] + detail))
    if not has_time_frame(answer):
        flags.append(AnswerFlag("no_date", MESSAGES["no_date"]))
    if not has_responsible(answer):
        flags.append(AnswerFlag("no_responsible", MESSAGES["no_responsible"]))
    if templates and is_unchanged_template(answer, templates):
        flags.append(AnswerFlag("template_unchanged", MESSAGES["template_unchanged"]))
    if is_off_subject(answer, appeal_text=appeal_text, address=address, topic=topic):
        flags.append(AnswerFlag("off_subject", MESSAGES["off_subject"]))
    if public:
        leaks = personal_data_kinds(answer)
        if leaks:
            flags.append(AnswerFlag("personal_data", f"{MESSAGES['personal_data']}: {', '.join(leaks)}"))
    score = sum(_WEIGHTS.get(flag.code, 0.0) for flag in flags) + min(_CUE_CAP, _CUE_WEIGHT * len(cues))
    return AnswerCheck(tuple(flags), round(min(1.0, score), 3))


# --- action -------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=50_000)
def _verb_reading(word: str) -> tuple[str, str] | None:
    """(lemma, kind) of the most probable parse: "act" for a past or future finite verb or a past short participle,
    "prtf" for a past full participle, "inf" for an infinitive, "modal" for «будет»; None otherwise.

    Only the top parse counts (present-tense «складируется» has a rare future reading); a short adjective on top
    («принята» is ADJS and PRTS alike) gives way to the participle below it.
    """
    parses = morph().parse(word)[:2]
    if not parses:
        return None
    parse = parses[0]
    if "ADJS" in parse.tag and len(parses) > 1 and "PRTS" in parses[1].tag:
        parse = parses[1]
    tag = parse.tag
    normal = str(parse.normal_form).replace("ё", "е")
    if "VERB" in tag and "futr" in tag and normal == "быть":
        return normal, "modal"
    if ("PRTS" in tag and "past" in tag) or ("VERB" in tag and ("past" in tag or "futr" in tag)):
        return normal, "act"
    if "PRTF" in tag and "past" in tag and "pssv" in tag:
        return normal, "prtf"
    if "INFN" in tag:
        return normal, "inf"
    return None


def _sentences(text: str) -> list[str]:
    # Category names quoted after «по вопросу» («Сломаны почтовые шкафы») are the citizen's words, not the answer's.
    text = _QUOTED_CATEGORY.sub(r"\1 ", text)
    return [part for part in _SENTENCE_END.split(text) if part.strip()]


def has_action(text: str) -> bool:
    """True when the text says what was done or will be done: a past or future verb of work, not of paperwork."""
    return any(_sentence_has_action(sentence) for sentence in _sentences(text))


def _sentence_has_action(sentence: str) -> bool:
    tokens = words(sentence)
    lemmas = [lemma(t) for t in tokens]
    dated = has_time_frame(sentence)
    if dated and _INSPECTION.search(sentence):
        return True  # «в ходе выездной проверки 12.12.2020 в 12.10 … не подтвердился»: an inspection with its date
    for i, token in enumerate(tokens):
        if len(token) < 3 or "не" in tokens[max(0, i - 3) : i]:
            continue  # «не выполнены», «не может быть решена»
        reading = _verb_reading(token)
        if reading is None:
            continue
        normal, kind = reading
        if kind == "modal" or normal in _PAPER_VERBS:
            continue
        if kind == "inf" and not (i and lemmas[i - 1] in _FUTURE_MODALS):
            continue  # «необходимо провести» is a wish; «планируется выполнить» is a plan
        if kind == "prtf" and not set(lemmas[max(0, i - 2) : i]) & _WORK_NOUNS:
            continue  # «дома, расположенного по адресу» describes; «проверки, выполненной ОТИС Лифт» reports
        after = set(lemmas[i + 1 : i + 4])
        before = set(lemmas[max(0, i - 2) : i])
        if after & _PAPER_OBJECTS.get(normal, frozenset()) or before & _PAPER_BEFORE.get(normal, frozenset()):
            if normal == "включить" and dated:
                return True  # «включено в адресную программу на 2022 год» schedules the work
            continue
        return True
    return False


def has_time_frame(text: str) -> bool:
    """True when the text gives a date, a deadline or a period of the work (document dates do not count)."""
    return _DATE.search(_REFERENCE_DATE.sub(" ", text)) is not None


def has_responsible(text: str) -> bool:
    """True when a body, a company or an official is named."""
    if _ORG_FORM.search(text) or _BODY_PHRASES.search(text):
        return True
    return any(lemma(w) in _BODY_LEMMAS for w in words(text))


# --- template, subject --------------------------------------------------------------------------------------------


def _template_tokens(text: str) -> list[str]:
    # Numbers, dates and blanks («№ {номер}», «___») differ between two sendings of one template.
    return words(_TEMPLATE_NOISE.sub(" ", text))


def is_unchanged_template(answer: str, templates: Sequence[str], *, ratio: float = 0.9) -> bool:
    """True when the answer's words are near-identical to one of the templates (difflib ratio ≥ `ratio`)."""
    tokens = _template_tokens(answer)
    if not tokens:
        return False
    for template in templates:
        other = _template_tokens(template)
        matcher = difflib.SequenceMatcher(None, tokens, other, autojunk=False)
        if matcher.real_quick_ratio() >= ratio and matcher.quick_ratio() >= ratio and matcher.ratio() >= ratio:
            return True
    return False


def _content_lemmas(text: str) -> set[str]:
    found = set()
    for token in words(text):
        if len(token) < 4 or token.isdigit():
            continue
        normal = lemma(token)
        if normal in _GENERIC_LEMMAS or not ({"NOUN", "ADJF", "VERB", "INFN", "PRTS", "PRTF"} & grammemes(token)):
            continue
        found.add(normal)
    return found


def _place_keys(text: str) -> tuple[set[str], set[str]]:
    """Lemmas of the street name and house numbers of an address phrase."""
    streets: set[str] = set()
    houses: set[str] = set()
    found = find_address(text)
    if found is not None:
        streets.update(lemma(w) for w in words(found.street) if len(w) > 2 and not w.isdigit())
        if found.house:
            houses.add(re.split(r"[/\s к]", found.house.lower())[0])
    for match in _HOUSE_IN_TEXT.finditer(text):
        houses.add((match.group(1) or match.group(2)).lower())
    return streets, houses


def is_off_subject(answer: str, *, appeal_text: str, address: str | None = None, topic: str | None = None) -> bool:
    """True when the answer shares neither the place (street lemma, house number) nor a content word of the appeal."""
    subject = _content_lemmas(appeal_text) | _content_lemmas(topic or "")
    streets, houses = _place_keys(appeal_text)
    if address:
        more_streets, more_houses = _place_keys(address)
        streets |= more_streets
        houses |= more_houses
    if not (subject or streets or houses):
        return False  # nothing to compare with
    answer_lemmas = {lemma(w) for w in words(answer)}
    if (streets | subject) & answer_lemmas:
        return False
    _, answer_houses = _place_keys(answer)
    return not (houses & answer_houses)


# --- personal data ------------------------------------------------------------------------------------------------


def _after_position(text: str, start: int) -> bool:
    """True when a name follows an official's position («мастер участка Иванов И.И.»): the official, not a citizen."""
    before = words(text[max(0, start - 80) : start])[-6:]
    return any(lemma(w) in _POSITION for w in before)


def personal_data_kinds(text: str) -> list[str]:
    """Kinds of personal data in a public reply, in Russian, without service phones and officials' names."""
    kinds: list[str] = []
    for span in find_personal_data(text):
        context = text[max(0, span.start - 80) : span.start]
        if span.kind in ("phone", "email") and (
            _PUBLIC_PHONE.search(context + text[span.start : span.start + 5])
            or has_responsible(context)
            or ".gov." in text[span.start : span.end]
        ):
            continue  # the phone or address of a dispatcher, a company or a body is there to be used
        if span.kind == "name" and (
            _after_position(text, span.start) or _NAMED_PLACE.search(text[max(0, span.start - 25) : span.start])
        ):
            continue
        label = _PD_LABELS.get(span.kind, span.kind)
        if label not in kinds:
            kinds.append(label)
    if "квартира и фамилия" not in kinds and _flat_with_name(text):
        kinds.append("квартира и фамилия")
    return kinds


def _flat_with_name(text: str) -> bool:
    """A flat number next to a private person's surname tells the neighbours who complained."""
    for match in _FLAT_NAME.finditer(text):
        window = text[max(0, match.start() - 50) : match.end() + 50]
        for word, start, end in word_spans(window):
            if not word[:1].isupper() or not {"Surn"} & grammemes(word.lower()) or "Geox" in grammemes(word.lower()):
                continue
            if _after_position(window, start) or _NAMED_PLACE.search(window[max(0, start - 25) : start]):
                continue
            if _STREET_AFTER.match(window[end:]):
                continue  # «Купчинская улица», «Невский проспект»
            return True
    return False


_PD_LABELS = {
    "phone": "телефон",
    "email": "e-mail",
    "snils": "СНИЛС",
    "passport": "паспорт",
    "card": "номер карты",
    "inn": "ИНН",
    "name": "ФИО",
}
