"""The production appeal detector on short social-media replies: angry complaints are appeals, chatter is not.

The issue's examples (issue 11) and the team's own short complaints and non-appeals, none of them in the
detector's training data (`data/nlp/comment_replies.tsv`) or in the Kostroma dev/held-out sets, so a regression
of the shipped detector fails here. See docs/detection.md.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from otklik.domain.analysis import Detection
from otklik.nlp import corpora
from otklik.nlp.problem_cues import ProblemCues

ISSUE_EXAMPLES = [
    "двое суток сидим без воды",
    "улицу надо чистить от снега",
    "нерехта опять без воды!!!",
    "в чухломе тротуары каток",
    "полицию ждали три часа, это как вообще?",
    "опять без света",
    "тротуары каток",
]

SHORT_COMPLAINTS = [
    "в буе опять нет воды, третий день",
    "галич без света с утра!!!",
    "на улице Мира яма на яме, машину жалко",
    "макарьев, снег не убирают вообще",
    "у нас в шарье лёд на тротуарах, бабушка упала",
    "в кадые за мусором никто не приезжает",
    "за рекой кто-то устроил свалку, куча старых покрышек",
    "лес за посёлком вырубают, машины с брёвнами идут каждый день",
    "с фабрики в реку течёт какая-то гадость",
    "батареи холодные, а платим как за тепло",
    "в поликлинике нет ни одного талона к хирургу",
    "автобус до деревни опять отменили, как нам ездить?",
    "двор весь в грязи, пройти невозможно",
    "фонари на нашей улице не горят уже месяц",
    "лифт не работает вторую неделю, у нас пожилые",
    "подъезд не убирали с осени",
    "участкового не дождаться, на звонки никто не отвечает",
    "в садике холодно, дети болеют",
    "почему в нашем доме уже неделю нет горячей воды?",
    "дорогу к посёлку размыло, не проехать ни на чём",
    "крыша течёт, управляющая компания не отвечает",
    "мост в деревне прогнил, страшно ходить",
    "в магазине у остановки продают просрочку",
    "ночью опять жгли мусор во дворе, дышать нечем",
]

NON_APPEALS = [
    "Спасибо, всё починили!",
    "С днём города, Кострома!",
    "Ахаха, ну вы даёте",
    "🙂🙂",
    "Согласен с Мариной",
    "Вы не правы, всё было не так",
    "Продаю холодильник, почти новый",
    "Отдам щенка в хорошие руки",
    "Кто-нибудь знает, во сколько начинается концерт?",
    "Красивое фото!",
    "Репост, пусть знают",
    "Всех с праздником!",
    "Ну и пусть",
    "Доброе утро всем",
    "Мы с мужем тоже там отдыхали",
    "Вот это новость",
    "Спасибо за поздравление",
    "Лучше бы молчали",
    "Обычная пропаганда",
]


@pytest.mark.parametrize("text", ISSUE_EXAMPLES + SHORT_COMPLAINTS)
def test_short_angry_complaints_are_appeals(detect: Callable[[str], Detection], text: str) -> None:
    result = detect(text)
    assert result.is_appeal, result.reasons


@pytest.mark.parametrize("text", NON_APPEALS)
def test_thread_chatter_is_not_an_appeal(detect: Callable[[str], Detection], text: str) -> None:
    result = detect(text)
    assert not result.is_appeal, result.reasons


def test_the_golden_texts_are_not_training_data() -> None:
    shipped = {r.text for r in corpora.comment_replies()} | set(corpora.spb_short_appeals())
    golden = ISSUE_EXAMPLES + SHORT_COMPLAINTS + NON_APPEALS + ["Ямы засыпали, спасибо дорожникам!"]
    assert not shipped & set(golden)


def test_the_explanation_names_the_problem(detect: Callable[[str], Detection]) -> None:
    result = detect("в островском опять без воды!!!")
    assert result.is_appeal
    assert "названа проблема: нет воды/света/тепла/газа" in result.reasons


@pytest.mark.parametrize("text", ["Ямы засыпали, спасибо дорожникам!", "Гололёда больше нет, всё посыпали, спасибо"])
def test_problem_cues_are_features_not_rules(detect: Callable[[str], Detection], text: str) -> None:
    """A cue alone does not make an appeal: thanks that close a problem name it and stay chatter."""
    result = detect(text)
    assert not result.is_appeal, result.reasons
    assert any(line.startswith("названа проблема") for line in result.reasons)


def test_each_cue_of_the_lexicon_is_one_column() -> None:
    cues = ProblemCues(corpora.problem_cues())
    matrix = cues.matrix(["нет воды и яма на дороге", "спасибо"]).toarray()
    found = {cues.names[i] for i in matrix[0].nonzero()[0]}
    assert found == {"нет воды/света/тепла/газа", "ямы и разбитая дорога"}
    assert matrix[1].sum() == 0
