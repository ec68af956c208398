"""Parsing letters: Russian charsets, multipart, attachments, quoted replies and signatures, auto-replies."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from mail_samples import sample

from otklik.channels.email.attachments import AttachmentStore, safe_filename
from otklik.channels.email.parsing import NotACitizenLetter, parse_letter
from otklik.domain.message import InboundMessage

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def parse(raw: bytes, tmp_path: Path, *, limit: int = 10_000_000) -> InboundMessage:
    store = AttachmentStore(tmp_path)
    return parse_letter(raw, store=store, formal=True, received_at=NOW, max_attachment_bytes=limit)


def test_koi8r_body_and_encoded_headers(tmp_path: Path) -> None:
    message = parse(sample("koi8r_plain.eml"), tmp_path)
    assert message.author.name == "Иван Петров" and message.author.email == "ivan.petrov@example.ru"
    assert message.text.startswith("Яма на улице Советской\n\nЗдравствуйте!")
    assert "огромная яма, машины бьют колёса" in message.text
    assert "С уважением" not in message.text, "the closing and the signature are trimmed"
    assert message.external_id == "koi8r-0001@example.ru" and message.formal
    assert message.created_at == datetime(2026, 11, 27, 6, 15, tzinfo=UTC)
    assert message.context["message_id"] == "<koi8r-0001@example.ru>"


def test_windows1251_multipart_with_an_attachment(tmp_path: Path) -> None:
    message = parse(sample("cp1251_multipart_attachment.eml"), tmp_path)
    assert "третий день нет холодной воды" in message.text and "<p>" not in message.text
    assert message.text.count("третий день") == 1, "the HTML twin is not added to the text"
    (attachment,) = message.attachments
    assert attachment.filename == "подъезд.jpg" and attachment.content_type == "image/jpeg"
    assert (tmp_path / attachment.storage_key).read_bytes() == bytes(range(256)) * 4
    assert attachment.size == 1024
    again = parse(sample("cp1251_multipart_attachment.eml"), tmp_path)
    assert again.attachments == message.attachments, "the same bytes are the same stored file"


def test_reply_loses_its_quote_and_signature_and_keeps_the_thread(tmp_path: Path) -> None:
    message = parse(sample("utf8_reply_quoted.eml"), tmp_path)
    assert message.text == "Спасибо за ответ, но фонари во дворе на улице Мира в Костроме так и не горят."
    assert message.context["reply_to"] == "anna.home@example.ru"
    assert message.context["in_reply_to"] == "<otklik.abc@example.org>"
    assert message.context["references"] == ["<first@example.ru>", "<otklik.abc@example.org>"]


def test_html_only_letter_is_flattened_without_quotes_and_styles(tmp_path: Path) -> None:
    message = parse(sample("html_only.eml"), tmp_path)
    assert message.text == "Не вывозят мусор во дворе на улице Октябрьской в Буе уже две недели."
    assert message.author.name is None and not message.author.is_identified


def test_auto_replies_and_bounces_are_not_letters_of_citizens(tmp_path: Path) -> None:
    with pytest.raises(NotACitizenLetter):
        parse(sample("auto_reply.eml"), tmp_path)
    bounce = b"From: MAILER-DAEMON@example.org\r\nSubject: Undelivered\r\n\r\nsorry\r\n"
    with pytest.raises(NotACitizenLetter):
        parse(bounce, tmp_path)


def test_raw_8bit_headers_and_unlabelled_body_in_windows1251(tmp_path: Path) -> None:
    raw = (
        "From: Ольга <olga@example.ru>\r\nSubject: Не горит фонарь\r\nMessage-ID: <raw8@example.ru>\r\n"
        "Content-Type: text/plain\r\n\r\nВо дворе на улице Мира не горит фонарь.\r\n"
    ).encode("cp1251")
    message = parse(raw, tmp_path)
    assert message.author.name == "Ольга"
    assert message.context["subject"] == "Не горит фонарь"
    assert message.text == "Во дворе на улице Мира не горит фонарь.", "a subject the body repeats is not doubled"


def test_letter_without_message_id_is_identified_by_its_bytes(tmp_path: Path) -> None:
    raw = b"From: a@example.ru\r\nSubject: x\r\n\r\nText\r\n"
    assert parse(raw, tmp_path).external_id == parse(raw, tmp_path).external_id
    assert parse(raw, tmp_path).external_id.startswith("sha256:")


def test_oversized_attachment_is_not_kept_but_named(tmp_path: Path) -> None:
    message = parse(sample("cp1251_multipart_attachment.eml"), tmp_path, limit=100)
    assert message.attachments == ()
    assert message.context["attachments_not_kept"] == ["подъезд.jpg (1024 bytes: over the limit of 100)"]


def test_attachment_names_cannot_escape_their_folder() -> None:
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\фото двора.jpg") == "фото двора.jpg"
    assert safe_filename("...") == "attachment"
