"""`q=` understands Russian: word forms, stop words, case and ё, ranking, safe highlights, numbers, scope.

The same cases on both databases: PostgreSQL's `russian` text search and SQLite's FTS5 over pymorphy3 lemmas."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from otklik.adapters.db.search.marks import START, STOP, to_html, unmarked
from otklik.adapters.db.search.sqlite_schema import TABLE, TRIGGERS
from otklik.services.context import ServiceContext
from staff_support import GALICH, SHARYA, StaffTeam

pytestmark = pytest.mark.db


def _submit(client: TestClient, text: str) -> dict[str, Any]:
    response = client.post("/api/v1/appeals", json={"text": text, "channel": "portal", "citizen": {"name": "Н"}})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _search(client: TestClient, q: str, **params: str) -> dict[str, Any]:
    response = client.get("/api/v1/appeals", params={"q": q, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _numbers(page: dict[str, Any]) -> list[str]:
    return [item["number"] for item in page["items"]]


@pytest.fixture
def pipes(client: TestClient) -> dict[str, str]:
    """Three appeals with «труба» in three cases, and one without it."""
    texts = {
        "nominative": "В Шарье на улице Ленина лопнула труба, вода течёт по дороге",
        "genitive": "Третий день нет воды из-за замены трубы на улице Вокзальной в Шарье",
        "instrumental": "Что-то случилось с трубой отопления в подвале дома 5 на улице Гагарина в Шарье",
        "other": "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса",
    }
    return {name: _submit(client, text)["number"] for name, text in texts.items()}


@pytest.mark.parametrize("q", ["труба", "трубы", "трубой", "ТРУБОЙ", "Труба"])
def test_every_word_form_and_case_finds_every_form(client: TestClient, pipes: dict[str, str], q: str) -> None:
    found = _search(client, q)
    assert sorted(_numbers(found)) == sorted([pipes["nominative"], pipes["genitive"], pipes["instrumental"]])
    assert found["total"] == 3


def test_morphology_is_not_synonyms(client: TestClient) -> None:
    burst = _submit(client, "Прорвало трубу на улице Ленина в Шарье, заливает подъезд")
    assert _search(client, "прорыв")["total"] == 0, "«прорыв» is another word, not a form of «прорвать»"
    assert _numbers(_search(client, "прорвала")) == [burst["number"]], "a form of the same verb finds it"


def test_yo_and_ye_are_one_letter(client: TestClient) -> None:
    tree = _submit(client, "Ёлка упала на провода возле школы в Шарье, света нет")
    for q in ("елка", "ёлки", "ЕЛКОЙ"):
        assert _numbers(_search(client, q)) == [tree["number"]], q


def test_stop_words_are_ignored_and_words_are_all_required(client: TestClient, pipes: dict[str, str]) -> None:
    assert _search(client, "в")["total"] == 0, "a stop word alone finds nothing"
    assert _search(client, "и на в")["total"] == 0
    assert _numbers(_search(client, "труба в подвале")) == [pipes["instrumental"]]
    assert _search(client, "труба яма")["total"] == 0, "every word must be there"


def test_or_and_minus_as_in_a_web_search(client: TestClient, pipes: dict[str, str]) -> None:
    either = _search(client, "подвале or ямы")
    assert sorted(_numbers(either)) == sorted([pipes["instrumental"], pipes["other"]])
    without = _search(client, "трубы -подвале")
    assert sorted(_numbers(without)) == sorted([pipes["nominative"], pipes["genitive"]])
    assert _numbers(_search(client, '"замены трубы"')) == [pipes["genitive"]]


def test_more_hits_rank_higher_unless_date_order_is_asked(client: TestClient) -> None:
    often = _submit(client, "Яма у подъезда, яма на выезде со двора, и ещё яма у школы в Шарье на улице Ленина")
    once = _submit(client, "Во дворе дома на улице Ленина в Шарье большая яма, машины не могут проехать")
    ranked = _search(client, "яма")
    assert _numbers(ranked) == [often["number"], once["number"]]
    by_date = _search(client, "яма", sort="date")
    assert _numbers(by_date) == [once["number"], often["number"]], "the newest first, as without q"


def test_the_hit_is_highlighted_and_the_rest_escaped(client: TestClient) -> None:
    _submit(client, 'Прорвало трубы & «затопило» "подвал", давление < 1 атм, в Шарье на улице Ленина')
    item = _search(client, "труба")["items"][0]
    highlight = item["highlight"]
    assert "<mark>трубы</mark>" in highlight
    assert "&amp;" in highlight and "&lt; 1" in highlight and "&quot;" in highlight
    assert highlight.replace("<mark>", "").replace("</mark>", "").count("<") == 0, "no other tag gets through"
    assert highlight.count("<mark>") == 1
    assert client.get("/api/v1/appeals").json()["items"][0]["highlight"] is None, "no q, no highlight"


def test_marks_are_ours_alone() -> None:
    """Whatever the text holds (tags, our own marker characters), only the database's marks become <mark>."""
    text = f"<script>alert(1)</script> {START}<mark>труба</mark>{STOP} & {START}трубы{STOP}"
    html = to_html(START + "x" + STOP + " " + unmarked(text))
    assert html.startswith("<mark>x</mark> &lt;script&gt;")
    assert html.count("<mark>") == 1 and "&lt;mark&gt;труба&lt;/mark&gt;" in html


def test_a_long_text_is_cut_around_the_hit(client: TestClient) -> None:
    filler = " ".join(["Жители дома долго ждали ответа управляющей компании"] * 12)
    _submit(client, f"{filler} а потом в подвале прорвало трубу на улице Ленина в Шарье. {filler}")
    highlight = _search(client, "труба")["items"][0]["highlight"]
    assert "<mark>трубу</mark>" in highlight
    assert len(highlight) < 400, highlight


def test_the_appeal_number_is_found_exactly(client: TestClient, pipes: dict[str, str]) -> None:
    found = _search(client, pipes["genitive"])
    assert _numbers(found) == [pipes["genitive"]]
    assert found["items"][0]["highlight"] is None


def test_a_name_in_the_text_is_not_searchable(client: TestClient) -> None:
    """The text is searched masked: a person who sees masked data cannot find who wrote by searching a name."""
    appeal = _submit(client, "Меня зовут Иван Петрович Сидоров, телефон 89101234567, в Шарье прорвало трубу")
    assert "Сидоров" not in appeal["text"], "the pipeline masks the name"
    assert _search(client, "Сидоров")["total"] == 0
    assert _search(client, "89101234567")["total"] == 0
    assert _search(client, "труба")["total"] == 1


@pytest.mark.parametrize("wildcard", ["%", "_", "\\", "тр_ба", "тр%", "*", '"', "-", "!:&|"])
def test_wildcards_and_operators_are_literal(client: TestClient, pipes: dict[str, str], wildcard: str) -> None:
    assert _search(client, wildcard)["total"] == 0


@pytest.mark.parametrize(("q", "status"), [("труба\x00", 422), ("т" * 201, 422), ("труба " * 33, 200)])
def test_bad_queries_are_refused_with_a_reason(client: TestClient, pipes: dict[str, str], q: str, status: int) -> None:
    response = client.get("/api/v1/appeals", params={"q": q})
    assert response.status_code == status, response.text
    if status == 422:
        assert response.headers["content-type"].startswith("application/problem+json")


def test_a_search_never_leaves_the_scope(client: TestClient, staff_team: StaffTeam) -> None:
    sharya = _submit(client, "В Шарье на улице Ленина лопнула труба, вода течёт по дороге")
    galich = _submit(client, "В Галиче на улице Луговой лопнула труба, вода течёт по дороге")
    assert sharya["municipality_id"] == SHARYA and galich["municipality_id"] == GALICH
    assert _search(client, "труба")["total"] == 2
    client.headers.update(staff_team.headers("sharya.mod"))
    found = _search(client, "труба")
    assert _numbers(found) == [sharya["number"]] and found["total"] == 1
    assert _search(client, galich["number"])["total"] == 0, "not even by its number"
    client.headers.update(staff_team.headers("galich.mod"))
    assert _numbers(_search(client, "труба")) == [galich["number"]]


def test_sqlite_index_recovers_when_a_table_rebuild_drops_its_triggers(client: TestClient, ctx: ServiceContext) -> None:
    """Alembic's batch mode on SQLite rebuilds `appeals` without its triggers; the pool puts them back."""
    engine = ctx.uow.engine
    if engine.dialect.name != "sqlite":  # PostgreSQL keeps a stored generated column: nothing a rebuild can drop
        with engine.connect() as connection:
            generated = connection.execute(
                text(
                    "SELECT is_generated FROM information_schema.columns "
                    "WHERE table_name = 'appeals' AND column_name = 'search_vector'"
                )
            ).scalar()
        assert generated == "ALWAYS"
        return
    before = _submit(client, "В Шарье на улице Ленина лопнула труба, вода течёт по дороге")
    with engine.begin() as connection:
        for name in TRIGGERS:
            connection.execute(text(f"DROP TRIGGER {name}"))
        connection.execute(text(f"DELETE FROM {TABLE}"))
    after = _submit(client, "Третий день нет воды из-за замены трубы на улице Вокзальной в Шарье")
    assert sorted(_numbers(_search(client, "труба"))) == sorted([before["number"], after["number"]])
