"""The appeal state machine: every allowed move works, every other move is refused with a reason."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from otklik.domain.appeal import Appeal
from otklik.domain.errors import IllegalTransition, InvalidInput
from otklik.domain.status import AppealStatus, RejectReason

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def _appeal(status: AppealStatus, agency_id: str | None = "adm-1") -> Appeal:
    return Appeal(
        number="44-2026-000001",
        kind="incident",
        status=status.value,
        channel="vk",
        message_id=1,
        text="t",
        text_masked="t",
        created_at=NOW,
        agency_id=agency_id,
        id=1,
    )


def _extra(target: AppealStatus) -> dict[str, object]:
    if target is AppealStatus.REJECTED:
        return {"reject_reason": RejectReason.SPAM}
    if target is AppealStatus.REDIRECTED:
        return {"agency_id": "other"}
    return {}


S = AppealStatus

# The lifecycle written from the workflow (59-ФЗ and the center's practice, docs/moderation.md, docs/answers.md),
# not read from the product's table: if `ALLOWED_FROM` drifts from it, these cases fail.
EXPECTED_MOVES: dict[tuple[AppealStatus, AppealStatus], str] = {
    # the machine or a moderator decides where a new appeal goes
    (S.NEW, S.NEEDS_MODERATION): "the machine is unsure: a moderator checks",
    (S.NEW, S.ASSIGNED): "the machine routes it to a body on its own",
    (S.NEW, S.REJECTED): "spam or not an appeal, caught at once",
    (S.NEEDS_MODERATION, S.ASSIGNED): "a moderator accepts or corrects and assigns",
    (S.NEEDS_MODERATION, S.REJECTED): "a moderator rejects (spam, not an appeal, duplicate)",
    (S.NEEDS_MODERATION, S.REDIRECTED): "a moderator sends it straight to another body",
    (S.REJECTED, S.NEEDS_MODERATION): "a rejection is undone: back to the queue",
    # the body works it
    (S.ASSIGNED, S.IN_PROGRESS): "an executor takes it into work",
    (S.ASSIGNED, S.ANSWERED): "an interim answer without taking it first",
    (S.ASSIGNED, S.RESOLVED): "a final answer at once",
    (S.ASSIGNED, S.REJECTED): "a moderator rejects an assigned appeal (e.g. a duplicate found later)",
    (S.ASSIGNED, S.REDIRECTED): "the body disputes competence",
    (S.ASSIGNED, S.NEEDS_MODERATION): "a moderator takes it back to the queue",
    (S.IN_PROGRESS, S.ANSWERED): "an interim answer",
    (S.IN_PROGRESS, S.RESOLVED): "the final answer is published",
    (S.IN_PROGRESS, S.REDIRECTED): "competence disputed while in work",
    (S.ANSWERED, S.IN_PROGRESS): "work goes on after an interim answer",
    (S.ANSWERED, S.RESOLVED): "the final answer after an interim one",
    (S.ANSWERED, S.REDIRECTED): "competence disputed after an interim answer",
    # a redirect waits for the other body (or the moderators)
    (S.REDIRECTED, S.ASSIGNED): "the new body is confirmed",
    (S.REDIRECTED, S.IN_PROGRESS): "the new body takes it into work",
    (S.REDIRECTED, S.NEEDS_MODERATION): "a redirect goes back to moderation",
    (S.REDIRECTED, S.REDIRECTED): "the new body redirects again",
    # the citizen's side
    (S.RESOLVED, S.CLOSED): "the reopen window passes or the citizen is satisfied",
    (S.RESOLVED, S.REOPENED): "the citizen says «не решено»",
    (S.CLOSED, S.REOPENED): "reopened within the window after closing",
    (S.REOPENED, S.ASSIGNED): "back to the body",
    (S.REOPENED, S.IN_PROGRESS): "the body works it again",
    (S.REOPENED, S.RESOLVED): "a new final answer",
    (S.REOPENED, S.REDIRECTED): "on reopening it turns out another body is competent",
}

ALL_PAIRS = [(source, target) for source in AppealStatus for target in AppealStatus]


@pytest.mark.parametrize(("source", "target"), ALL_PAIRS, ids=[f"{s.value}->{t.value}" for s, t in ALL_PAIRS])
def test_every_pair_follows_the_lifecycle(source: AppealStatus, target: AppealStatus) -> None:
    appeal = _appeal(source)
    if (source, target) in EXPECTED_MOVES:
        event = appeal.transition(target, actor="тест", at=NOW, **_extra(target))  # type: ignore[arg-type]
        assert appeal.status == target.value
        assert (event.from_status, event.to_status, event.actor) == (source.value, target.value, "тест")
    else:
        with pytest.raises(IllegalTransition) as error:
            appeal.transition(target, actor="тест", at=NOW, **_extra(target))  # type: ignore[arg-type]
        assert source.value in error.value.reason
        assert appeal.status == source.value, "a refused change must leave the appeal untouched"


def test_nothing_leads_back_to_new_and_a_closed_appeal_only_reopens() -> None:
    assert not [pair for pair in EXPECTED_MOVES if pair[1] is S.NEW]
    for target in AppealStatus:
        appeal = _appeal(S.CLOSED)
        if target is S.REOPENED:
            appeal.transition(target, actor="гражданин", at=NOW)
            continue
        with pytest.raises(IllegalTransition):
            appeal.transition(target, actor="тест", at=NOW, **_extra(target))  # type: ignore[arg-type]


def test_redirect_counts_and_records_the_chain() -> None:
    appeal = _appeal(AppealStatus.ASSIGNED, agency_id="adm-34730000")
    event = appeal.transition(AppealStatus.REDIRECTED, actor="исполнитель", at=NOW, agency_id="transport")
    assert event.data == {"from_agency_id": "adm-34730000", "to_agency_id": "transport"}
    assert appeal.redirect_count == 1 and appeal.agency_id == "transport"


def test_redirect_to_the_same_body_is_refused() -> None:
    with pytest.raises(InvalidInput):
        _appeal(AppealStatus.ASSIGNED, agency_id="x").transition(
            AppealStatus.REDIRECTED, actor="a", at=NOW, agency_id="x"
        )


def test_duplicate_rejection_needs_the_original() -> None:
    appeal = _appeal(AppealStatus.NEEDS_MODERATION)
    with pytest.raises(InvalidInput):
        appeal.transition(AppealStatus.REJECTED, actor="м", at=NOW, reject_reason=RejectReason.DUPLICATE)
    appeal.transition(AppealStatus.REJECTED, actor="м", at=NOW, reject_reason=RejectReason.DUPLICATE, duplicate_of_id=7)
    assert (appeal.reject_reason, appeal.duplicate_of_id) == ("duplicate", 7)


def test_assign_needs_a_body() -> None:
    with pytest.raises(InvalidInput):
        _appeal(AppealStatus.NEEDS_MODERATION, agency_id=None).transition(AppealStatus.ASSIGNED, actor="м", at=NOW)


def test_reopen_clears_the_resolution() -> None:
    appeal = _appeal(AppealStatus.IN_PROGRESS)
    appeal.transition(AppealStatus.RESOLVED, actor="и", at=NOW)
    assert appeal.resolved_at == NOW and appeal.answered_at == NOW
    appeal.transition(AppealStatus.REOPENED, actor="гражданин", at=NOW)
    assert appeal.resolved_at is None
