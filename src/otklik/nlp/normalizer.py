"""The Normalizer of the pipeline: cleaned text plus a masked copy without personal data."""

from __future__ import annotations

from dataclasses import dataclass

from otklik.nlp.pii import find_personal_data, mask
from otklik.nlp.text.normalize import clean_text
from otklik.pipeline.components import NormalizedText


@dataclass(frozen=True)
class TextNormalizer:
    def normalize(self, raw: str) -> NormalizedText:
        text = clean_text(raw)
        spans = find_personal_data(text)
        return NormalizedText(text=text, masked=mask(text, spans), personal_data=spans)
