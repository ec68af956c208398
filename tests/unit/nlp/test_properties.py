"""Property-based tests: analysis never crashes and stays well-formed on any input."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

KEYS = {
    "is_appeal",
    "appeal_score",
    "toxic",
    "category",
    "location",
    "agency",
    "priority",
    "needs_moderation",
    "explanation",
}
LOCATION_KEYS = {
    "municipality",
    "settlement",
    "street",
    "house",
    "lat",
    "lon",
    "confidence",
    "evidence",
    "alternatives",
}
CHANNELS = st.sampled_from([None, "vk", "telegram", "portal", "hotline", "email", "no-such-channel"])


def assert_well_formed(result: dict[str, Any], municipalities: set[str]) -> None:
    assert set(result) >= KEYS
    assert isinstance(result["is_appeal"], bool) and isinstance(result["toxic"], bool)
    assert 0.0 <= result["appeal_score"] <= 1.0
    assert set(result["location"]) == LOCATION_KEYS
    assert result["location"]["municipality"] is None or result["location"]["municipality"] in municipalities
    assert 0.0 <= result["location"]["confidence"] <= 1.0 and isinstance(result["location"]["alternatives"], list)
    assert result["priority"] in {"normal", "high"}
    assert isinstance(result["needs_moderation"], bool)
    assert all(isinstance(line, str) for line in result["explanation"])
    if result["category"] is not None:
        assert 0.0 <= result["category"]["confidence"] <= 1.0 and result["category"]["group"]
    if result["agency"] is not None:
        assert result["is_appeal"] and result["agency"]["level"] in {"regional", "municipal", "other"}
    else:
        assert result["is_appeal"] or result["category"] is None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=600), channel=CHANNELS)
def test_arbitrary_unicode(analyze: Any, reference: Any, text: str, channel: str | None) -> None:
    assert_well_formed(analyze(text, channel), {m.name for m in reference.municipalities})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(whitelist_categories=("So", "Sk", "Zs")), max_size=40))
def test_emoji_and_symbols_only_are_not_appeals(analyze: Any, reference: Any, text: str) -> None:
    result = analyze(text, "vk")
    assert_well_formed(result, {m.name for m in reference.municipalities})
    assert not result["is_appeal"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.from_regex(r"[A-Za-z ,.!?]{1,200}", fullmatch=True))
def test_latin_only_is_not_an_appeal_of_a_public_channel(analyze: Any, text: str) -> None:
    assert not analyze(text, "vk")["is_appeal"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    words=st.lists(
        st.sampled_from(
            [
                "яма",
                "в",
                "Шарье",
                "нет",
                "воды",
                "ул.",
                "Ленина",
                "д.",
                "5",
                "дебил",
                "!!!",
                "Кострома",
                "фонарь",
                "Никольское",
                "района",
                "Буйского",
                "😀",
                "<p>",
                "&nbsp;",
                "+7 920 111 22 33",
            ]
        ),
        max_size=40,
    ),
    channel=CHANNELS,
)
def test_appeal_like_word_salad(analyze: Any, reference: Any, words: list[str], channel: str | None) -> None:
    assert_well_formed(analyze(" ".join(words), channel), {m.name for m in reference.municipalities})


def test_empty_and_huge_texts(analyze: Any, reference: Any) -> None:
    names = {m.name for m in reference.municipalities}
    for channel in ("vk", "portal", None):
        assert_well_formed(analyze("", channel), names)
        assert_well_formed(analyze("   \n\t ", channel), names)
    huge = ("Во дворе яма, нет воды в Шарье, ул. Ленина д. 5. " * 2500)[:100_000]
    result = analyze(huge, "vk")
    assert_well_formed(result, names)
    assert result["is_appeal"] and result["location"]["municipality"] == "Шарья"
