"""Role × action × scope through the real HTTP API, each expected answer taken from `../shared/docs/roles.md`
(transcribed in `access_spec.py`), never from the product's own permission table.

The world: an appeal of Шарья (municipality 34730000, assigned to its administration adm-34730000) probed by
every person of `staff_team`; «own» people have it in their scope (the region-wide roles, Шарья's district office
and body), «foreign» ones are Галич's district office and body. Outside the scope → 404 without a hint; inside
without the right → 403 with the reason; allowed → 2xx and the change is in the history with the person as actor.
A refused request changes nothing. Every cell is its own test on its own fresh appeal (ctx empties the tables).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx2 as httpx  # what TestClient returns (decisions.md 19)
import pytest
from fastapi.testclient import TestClient

from integration.access_spec import EXPECTED, allowed
from staff_support import GALICH, GALICH_ADMIN, SHARYA, SHARYA_ADMIN, StaffTeam

pytestmark = pytest.mark.db

Card = dict[str, Any]
Headers = dict[str, str]
# "appeal", and where a probe needs them "draft" (an answer under review), "extension", "message" (judged «not an
# appeal»).
Target = dict[str, int]

PHONE = "+7 910 123-45-67"
CITIZEN = {"name": "Иван Петров", "phone": PHONE}
SHARYA_TEXT = "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса"
GALICH_TEXT = "Не горят фонари во дворе на улице Советской в Галиче, темно"
AGENCY_SIDE = frozenset({"executor", "agency_head"})


@dataclass(frozen=True)
class Person:
    login: str
    role: str
    scope: str  # "own": the Шарья appeal is in their scope; "foreign": it is not


PEOPLE = (
    Person("admin", "admin", "own"),
    Person("regmod", "regional_moderator", "own"),
    Person("sharya.mod", "district_moderator", "own"),
    Person("galich.mod", "district_moderator", "foreign"),
    Person("sharya.exec", "executor", "own"),
    Person("galich.exec", "executor", "foreign"),
    Person("sharya.head", "agency_head", "own"),
    Person("galich.head", "agency_head", "foreign"),
    Person("analyst", "analyst", "own"),
)
assert {p.role for p in PEOPLE} == set(EXPECTED), "every role of roles.md is probed"


# --- the world ------------------------------------------------------------------------------------------------
# A final answer the answer checker has nothing against, so it is published without review.
GOOD_ANSWER = (
    "Яма на улице Советской заделана 3 декабря 2026 года, ремонт выполнила администрация городского округа город Шарья"
)


def register(client: TestClient, text: str) -> Card:
    response = client.post("/api/v1/appeals", json={"text": text, "citizen": CITIZEN})
    assert response.status_code == 201, response.text
    card: Card = response.json()
    return card


def as_admin(client: TestClient, appeal_id: int, path: str, body: dict[str, Any]) -> Card:
    response = client.post(f"/api/v1/appeals/{appeal_id}/{path}", json=body)  # `client` is the administrator
    assert response.status_code < 300, response.text
    card: Card = response.json()
    return card


def sharya_appeal(client: TestClient, state: str) -> int:
    """A fresh Шарья appeal in `state`: "assigned" (to adm-34730000), "needs_moderation" or "resolved".
    Set up as the administrator."""
    card = register(client, SHARYA_TEXT)
    appeal_id: int = card["id"]
    assert card["municipality_id"] == SHARYA, card
    if card["status"] != "assigned" or (card["agency"] or {}).get("id") != SHARYA_ADMIN:
        if card["status"] != "needs_moderation":
            as_admin(client, appeal_id, "transitions", {"to": "needs_moderation"})
        as_admin(client, appeal_id, "transitions", {"to": "assigned", "agency_id": SHARYA_ADMIN})
    if state == "needs_moderation":
        assert as_admin(client, appeal_id, "transitions", {"to": "needs_moderation"})["status"] == state
    elif state == "resolved":
        # A final answer the answer checker has nothing against, so it is published without review.
        final = {"kind": "final", "text": GOOD_ANSWER}
        assert as_admin(client, appeal_id, "replies", final)["status"] == state
    else:
        assert state == "assigned", state
    return appeal_id


# A thank-you from Шарья: the detector judges it «not an appeal»; the locator places it in Шарья.
THANKS = {
    "channel": "vk",
    "external_id": "vk-thanks-1",
    "text": "Спасибо администрации Шарьи за новогоднюю ёлку на площади, очень красиво!",
    "author": {"name": "Иван Петров", "id": "id-17"},
    "created_at": "2026-12-01T10:00:00+03:00",
}
# A final answer the checker flags («направлено» is no action): it waits for a moderator (docs/answers.md).
FLAGGED_ANSWER = "Ваше обращение направлено в компетентный орган для рассмотрения."


def prepare(client: TestClient, staff_team: StaffTeam, state: str) -> Target:
    """The appeal a cell needs, and the draft or extension request the row acts on (made by Шарья's body)."""
    if state == "answer_pending":
        appeal_id = sharya_appeal(client, "assigned")
        draft = as_admin(client, appeal_id, "answers", {"text": FLAGGED_ANSWER})
        assert draft["status"] == "pending", draft
        return {"appeal": appeal_id, "draft": draft["id"]}
    if state == "extension_pending":
        appeal_id = sharya_appeal(client, "assigned")
        asked = client.post(
            f"/api/v1/appeals/{appeal_id}/extensions",
            json={"days": 30, "reason": "Нужна экспертиза дорожного покрытия"},
            headers=staff_team.headers("sharya.exec"),
        )
        assert asked.status_code == 201 and asked.json()["status"] == "pending", asked.text
        return {"appeal": appeal_id, "extension": asked.json()["id"]}
    if state == "not_an_appeal":
        appeal_id = sharya_appeal(client, "assigned")  # the refusals' footprint is read from it
        posted = client.post("/api/v1/messages", json=THANKS, headers=staff_team.gateway)
        assert posted.status_code == 202 and posted.json()["decision"] == "not_an_appeal", posted.text
        return {"appeal": appeal_id, "message": posted.json()["message_id"]}
    return {"appeal": sharya_appeal(client, state)}


def galich_appeal(client: TestClient) -> int:
    card = register(client, GALICH_TEXT)
    appeal_id: int = card["id"]
    assert card["municipality_id"] == GALICH, card
    if card["status"] != "assigned" or (card["agency"] or {}).get("id") != GALICH_ADMIN:
        if card["status"] != "needs_moderation":
            as_admin(client, appeal_id, "transitions", {"to": "needs_moderation"})
        as_admin(client, appeal_id, "transitions", {"to": "assigned", "agency_id": GALICH_ADMIN})
    return appeal_id


def card_of(client: TestClient, appeal_id: int) -> Card:
    response = client.get(f"/api/v1/appeals/{appeal_id}")
    assert response.status_code == 200, response.text
    card: Card = response.json()
    return card


def agency_of(card: Card) -> str | None:
    agency = card["agency"]
    return agency["id"] if agency else None


def footprint(card: Card) -> tuple[Any, ...]:
    """Everything a refused request must leave as it was (including: no access event in the history)."""
    return (
        card["status"],
        agency_of(card),
        card["category"]["group"],
        card["category"]["topic"],
        len(card["history"]),
        len(card["replies"]),
        len(card["ratings"]),
    )


def by_person(card: Card, login: str) -> list[Card]:
    """Events whose actor is the signed-in person (roles.md: «the signed-in person … as the actor»)."""
    return [event for event in card["history"] if f"({login})" in event["actor"] or event["actor"] == login]


# --- the probes: one per action, each a real request and what «done» means -----------------------------------
Send = Callable[[TestClient, Target, Headers], httpx.Response]
Done = Callable[[Card, Card, httpx.Response, Person], None]


def _transition(body: dict[str, Any]) -> Send:
    return _post("transitions", body)


def _post(path: str, body: dict[str, Any] | None = None) -> Send:
    """POST to `path` under the appeal; `{draft}` / `{extension}` in a path starting with "/" are filled in."""

    def send(http: TestClient, target: Target, headers: Headers) -> httpx.Response:
        url = path.format(**target) if path.startswith("/") else f"/api/v1/appeals/{target['appeal']}/{path}"
        return http.post(url, json=body, headers=headers)

    return send


def _get(path: str) -> Send:
    return lambda http, target, headers: http.get(f"/api/v1/appeals/{target['appeal']}{path}", headers=headers)


def _list(http: TestClient, target: Target, headers: Headers) -> httpx.Response:
    return http.get("/api/v1/appeals", headers=headers)


def _opened(before: Card, after: Card, response: httpx.Response, person: Person) -> None:
    body = response.json()
    assert body["id"] == before["id"] and body["number"] == before["number"]
    assert PHONE not in response.text and CITIZEN["name"] not in response.text, "the card is masked for everyone"
    assert footprint(after) == footprint(before), "reading the card changes nothing"


def _listed(before: Card, after: Card, response: httpx.Response, person: Person) -> None:
    body = response.json()
    assert [item["id"] for item in body["items"]] == [before["id"]] and body["total"] == 1
    assert PHONE not in response.text


def _contacts_seen(before: Card, after: Card, response: httpx.Response, person: Person) -> None:
    assert response.json()["phone"] == PHONE and response.json()["name"] == CITIZEN["name"]
    viewed = [e for e in by_person(after, person.login) if e["type"] == "personal_data_viewed"]
    assert len(viewed) == 1, "152-ФЗ: reading the contacts leaves an access event with the reader as actor"


def _corrected(before: Card, after: Card, response: httpx.Response, person: Person) -> None:
    assert (after["category"]["group"], after["category"]["topic"]) == ("ЖКХ", "Отсутствие холодной воды")
    assert any(e["type"] == "corrected" for e in by_person(after, person.login))


def _status_by_person(status: str, agency_id: str | None = None) -> Done:
    def done(before: Card, after: Card, response: httpx.Response, person: Person) -> None:
        assert after["status"] == status, after["status"]
        if agency_id is not None:
            assert agency_of(after) == agency_id
        assert any(e.get("to_status") == status for e in by_person(after, person.login)), after["history"]

    return done


def _rejected(before: Card, after: Card, response: httpx.Response, person: Person) -> None:
    _status_by_person("rejected")(before, after, response, person)
    assert after["reject_reason"] == "spam"


def _replied(kind: str, status: str) -> Done:
    def done(before: Card, after: Card, response: httpx.Response, person: Person) -> None:
        assert after["status"] == status
        assert [r["kind"] for r in after["replies"]][-1] == kind
        assert any(e["type"] == "reply_added" for e in by_person(after, person.login))

    return done


def _redirected(before: Card, after: Card, response: httpx.Response, person: Person) -> None:
    """A body's «не наше» returns to the moderators with its proposal; a moderator redirects at once."""
    expected = "needs_moderation" if person.role in AGENCY_SIDE else "redirected"
    assert after["status"] == expected and agency_of(after) == "transport", (after["status"], agency_of(after))
    assert any(e.get("to_status") == expected for e in by_person(after, person.login))
    if response.headers.get("content-type", "").startswith("application/json"):
        assert response.json()["status"] == expected, "the person sees the status the appeal got"


def _rated(before: Card, after: Card, response: httpx.Response, person: Person) -> None:
    assert after["status"] == "closed" and len(after["ratings"]) == 1
    assert any(e["type"] == "rated" for e in by_person(after, person.login))


def _event_by_person(event_type: str, status: str | None = None) -> Done:
    def done(before: Card, after: Card, response: httpx.Response, person: Person) -> None:
        assert any(e["type"] == event_type for e in by_person(after, person.login)), after["history"]
        if status is not None:
            assert after["status"] == status, after["status"]

    return done


def _final_answer(before: Card, after: Card, response: httpx.Response, person: Person) -> None:
    """Published at once (the checker has nothing against it) — or, where review applies, waiting for it."""
    mine = {e["type"] for e in by_person(after, person.login)}
    assert (after["status"] == "resolved" and "reply_added" in mine) or "answer_submitted" in mine, mine


@dataclass(frozen=True)
class Probe:
    action: str  # a row of access_spec.MARKS
    send: Send
    done: Done
    state: str = "assigned"  # the appeal's status before the request
    # roles.md: a body's scope is «appeals assigned to their body» — an appeal waiting for a moderator is nobody's
    # yet, so the agency side is probed on their own assigned appeal (where only the role can refuse).
    agency_side_state: str | None = None
    creates_appeal: bool = False  # allowed: «done» is read on the appeal the response names


PROBES = (
    Probe("open", _get(""), _opened),
    Probe("contacts", _get("/contacts"), _contacts_seen),
    Probe("correct", _post("corrections", {"group": "ЖКХ", "topic": "Отсутствие холодной воды"}), _corrected),
    Probe("reject", _transition({"to": "rejected", "reject_reason": "spam"}), _rejected),
    Probe(
        "route_district_body",
        _transition({"to": "assigned", "agency_id": SHARYA_ADMIN}),
        _status_by_person("assigned", SHARYA_ADMIN),
        state="needs_moderation",
        agency_side_state="assigned",
    ),
    Probe(
        "route_regional_body",
        _transition({"to": "assigned", "agency_id": "transport"}),
        _status_by_person("assigned", "transport"),
        state="needs_moderation",
        agency_side_state="assigned",
    ),
    Probe(
        "route_foreign_body",
        _transition({"to": "assigned", "agency_id": GALICH_ADMIN}),
        _status_by_person("assigned", GALICH_ADMIN),
        state="needs_moderation",
        agency_side_state="assigned",
    ),
    Probe("take", _transition({"to": "in_progress"}), _status_by_person("in_progress")),
    Probe(
        "interim",
        _post("replies", {"kind": "interim", "text": "Работы запланированы на 5 декабря"}),
        _replied("interim", "answered"),
    ),
    Probe(
        "ask_details",
        _post("replies", {"kind": "clarification", "text": "Уточните номер дома"}),
        _replied("clarification", "assigned"),
    ),
    Probe(
        "redirect",
        _transition({"to": "redirected", "agency_id": "transport", "reason": "региональная дорога"}),
        _redirected,
    ),
    Probe("rating", _post("ratings", {"score": 4, "solved": True}), _rated, state="resolved"),
    # The endpoints of the moderation queue, answers review, extensions and the body's backlog:
    Probe(
        "accept",
        _post("/api/v1/moderation/queue/{appeal}/accept"),
        _status_by_person("assigned", SHARYA_ADMIN),
        state="needs_moderation",
        agency_side_state="assigned",
    ),
    Probe("take_endpoint", _post("take"), _status_by_person("in_progress")),
    Probe("final_answer", _post("answers", {"text": GOOD_ANSWER}), _final_answer),
    Probe(
        "return_answer",
        _post("/api/v1/answers/{draft}/return", {"comment": "Укажите срок и что сделано"}),
        _event_by_person("answer_returned", "assigned"),
        state="answer_pending",
    ),
    Probe(
        "approve_answer",
        _post("/api/v1/answers/{draft}/approve"),
        _event_by_person("answer_approved", "resolved"),
        state="answer_pending",
    ),
    Probe(
        "request_extension",
        _post("extensions", {"days": 30, "reason": "Нужна экспертиза покрытия"}),
        _event_by_person("extension_requested"),
    ),
    Probe(
        "approve_extension",
        _post("/api/v1/extensions/{extension}/decision", {"approve": True}),
        _event_by_person("extension_approved"),
        state="extension_pending",
    ),
    Probe("reassign", _post("assignee", {"login": "sharya.exec"}), _event_by_person("reassigned")),
    Probe(
        "promote",
        _post("/api/v1/moderation/not-appeals/{message}/promote"),
        _event_by_person("promoted", "needs_moderation"),
        state="not_an_appeal",
        creates_appeal=True,
    ),
    Probe(
        "details_request",
        _post("details-request", {"question": "Уточните номер дома"}),
        _event_by_person("details_requested"),
    ),
)
LIST = Probe("list", _list, _listed)
assert {p.action for p in (*PROBES, LIST)} == set(EXPECTED["admin"]), "every transcribed row has its probe"


def expected_status(person: Person, action: str) -> int:
    """roles.md: outside the scope the appeal does not exist (404); inside, the role decides (403 or allowed)."""
    if person.scope == "foreign":
        return 404
    return 200 if allowed(person.role, action) else 403


def assert_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    detail = response.json()["detail"]
    assert isinstance(detail, str) and len(detail.strip()) > 10, f"a refusal gives its reason: {detail!r}"


def assert_no_hint(response: httpx.Response, card: Card) -> None:
    assert card["number"] not in response.text, "a 404 must not reveal that the appeal exists"
    assert PHONE not in response.text and SHARYA_TEXT not in response.text


def appeal_count(client: TestClient) -> int:
    return int(client.get("/api/v1/appeals").json()["total"])


def check_cell(
    client: TestClient, before: Card, count: int, response: httpx.Response, person: Person, probe: Probe
) -> None:
    """`client` is the administrator, who reads what the request did; `count` the appeals before it."""
    expected = expected_status(person, probe.action)
    if probe.creates_appeal and person.role in AGENCY_SIDE and response.status_code in (403, 404):
        # A message that is not an appeal has no body yet: it is in no body's scope (404), and the role lacks the
        # right (403) — for it roles.md's two answers coincide, so either refusal is the spec's.
        expected = response.status_code
    if expected == 200:
        assert 200 <= response.status_code < 300, (response.status_code, response.text)
        made = response.json()["id"] if probe.creates_appeal else before["id"]
        probe.done(before, card_of(client, made), response, person)
        return
    assert_problem(response, expected)
    if expected == 404:
        assert_no_hint(response, before)
    assert footprint(card_of(client, before["id"])) == footprint(before), "a refused request changes nothing"
    assert appeal_count(client) == count, "a refused request registers nothing"


CELLS = [
    pytest.param(person, probe, id=f"{person.role}-{probe.action}-{person.scope}")
    for probe in PROBES
    for person in PEOPLE
]


@pytest.mark.parametrize(("person", "probe"), CELLS)
def test_cell(client: TestClient, staff_team: StaffTeam, person: Person, probe: Probe) -> None:
    state = probe.agency_side_state if person.role in AGENCY_SIDE and probe.agency_side_state else probe.state
    target = prepare(client, staff_team, state)
    before, count = card_of(client, target["appeal"]), appeal_count(client)
    response = probe.send(client, target, staff_team.headers(person.login))
    check_cell(client, before, count, response, person, probe)


# --- lists and counts -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("person", [pytest.param(p, id=f"{p.role}-list-{p.scope}") for p in PEOPLE])
def test_list_shows_only_the_scope_and_counts_only_it(
    client: TestClient, staff_team: StaffTeam, person: Person
) -> None:
    sharya = card_of(client, sharya_appeal(client, "assigned"))
    galich = card_of(client, galich_appeal(client))
    headers = staff_team.headers(person.login)
    region_wide = person.role in {"admin", "regional_moderator", "analyst"}
    visible = {sharya["id"], galich["id"]} if region_wide else {sharya["id"] if person.scope == "own" else galich["id"]}
    queries: list[dict[str, str]] = [{}, {"q": "Советской"}, {"municipality": SHARYA}, {"status": "assigned"}]
    for params in queries:
        response = client.get("/api/v1/appeals", params=params, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        wanted = visible if params.get("municipality") != SHARYA else visible & {sharya["id"]}
        assert {item["id"] for item in body["items"]} == wanted, params
        assert body["total"] == len(wanted), f"`total` counts only what the person may see: {params}"
        for hidden in (sharya, galich):
            if hidden["id"] not in wanted:
                assert hidden["number"] not in response.text, "no hint of an appeal outside the list"
        assert PHONE not in response.text, "personal data masked in lists"


# --- no identity, and integration tokens ----------------------------------------------------------------------
STAFF_PROBES = [pytest.param(p, id=p.action) for p in (LIST, *PROBES)]


@pytest.mark.parametrize("probe", STAFF_PROBES)
def test_no_identity_is_401(
    client: TestClient, anonymous_client: TestClient, staff_team: StaffTeam, probe: Probe
) -> None:
    target = prepare(client, staff_team, probe.state)
    before = card_of(client, target["appeal"])
    response = probe.send(anonymous_client, target, {})
    assert_problem(response, 401)
    assert_no_hint(response, before)
    assert footprint(card_of(client, target["appeal"])) == footprint(before)


@pytest.mark.parametrize("probe", STAFF_PROBES)
def test_an_integration_token_reads_and_changes_nothing(
    client: TestClient, staff_team: StaffTeam, probe: Probe
) -> None:
    """roles.md: a token «posts messages for the channels it was issued for; reads nothing else» — 403."""
    target = prepare(client, staff_team, probe.state)
    before = card_of(client, target["appeal"])
    response = probe.send(client, target, staff_team.gateway)
    assert_problem(response, 403)
    assert_no_hint(response, before)
    assert footprint(card_of(client, target["appeal"])) == footprint(before)


# --- the edges of the scopes ----------------------------------------------------------------------------------
@pytest.mark.parametrize("agency_id", ["transport", "rospotrebnadzor", "cur"])
def test_a_district_moderator_assigns_region_wide_bodies(
    client: TestClient, staff_team: StaffTeam, agency_id: str
) -> None:
    """roles.md: «within the district's bodies and the regional bodies». Our reading (docs/access.md): every body
    without a municipality — the regional executive bodies, Роспотребнадзор's regional office and the center."""
    appeal_id = sharya_appeal(client, "needs_moderation")
    response = client.post(
        f"/api/v1/appeals/{appeal_id}/transitions",
        json={"to": "assigned", "agency_id": agency_id},
        headers=staff_team.headers("sharya.mod"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "assigned" and agency_of(response.json()) == agency_id


def test_a_district_moderator_refusal_to_a_foreign_body_names_the_body(
    client: TestClient, staff_team: StaffTeam
) -> None:
    appeal_id = sharya_appeal(client, "needs_moderation")
    response = client.post(
        f"/api/v1/appeals/{appeal_id}/transitions",
        json={"to": "assigned", "agency_id": GALICH_ADMIN},
        headers=staff_team.headers("sharya.mod"),
    )
    assert_problem(response, 403)
    assert GALICH_ADMIN in response.json()["detail"]


def test_an_appeal_awaiting_moderation_is_not_yet_the_bodys(client: TestClient, staff_team: StaffTeam) -> None:
    """roles.md: an executor's scope is «appeals assigned to their body». An appeal back in moderation (the
    machine's or a body's proposal, not a person's decision) is assigned to nobody; it must not be visible to the
    proposed body, which could otherwise already write to the citizen."""
    appeal_id = sharya_appeal(client, "needs_moderation")
    card = card_of(client, appeal_id)
    assert agency_of(card) == SHARYA_ADMIN, "the proposal stays on the appeal while it waits"
    response = client.get(f"/api/v1/appeals/{appeal_id}", headers=staff_team.headers("sharya.exec"))
    assert_problem(response, 404)
    assert_no_hint(response, card)
