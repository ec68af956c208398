"""The appeal state machine: every allowed move works, every other move is refused with a reason."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from otklik.domain.appeal import Appeal
from otklik.domain.errors import IllegalTransition, InvalidInput
from otklik.domain.status import ALLOWED_FROM, AppealStatus, RejectReason

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


ALL_PAIRS = [(source, target) for source in AppealStatus for target in AppealStatus]


@pytest.mark.parametrize(("source", "target"), ALL_PAIRS, ids=[f"{s.value}->{t.value}" for s, t in ALL_PAIRS])
def test_every_pair_follows_the_table(source: AppealStatus, target: AppealStatus) -> None:
    appeal = _appeal(source)
    allowed = source in ALLOWED_FROM.get(target, frozenset())
    if allowed:
        event = appeal.transition(target, actor="тест", at=NOW, **_extra(target))  # type: ignore[arg-type]
        assert appeal.status == target.value
        assert (event.from_status, event.to_status, event.actor) == (source.value, target.value, "тест")
    else:
        with pytest.raises(IllegalTransition) as error:
            appeal.transition(target, actor="тест", at=NOW, **_extra(target))  # type: ignore[arg-type]
        assert source.value in error.value.reason
        assert appeal.status == source.value, "a refused change must leave the appeal untouched"


def test_every_status_is_reachable_except_new() -> None:
    reachable = set(ALLOWED_FROM)
    assert reachable == set(AppealStatus) - {AppealStatus.NEW}


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
