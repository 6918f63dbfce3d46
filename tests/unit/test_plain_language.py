"""Automatic prompts for the Finnish selkokieli texts (docs/plain-language.md).

There is no validated readability formula for Finnish; these catch the
patterns Selkokeskus warns about, so a human reviewer sees fewer of them.
"""

from __future__ import annotations

import re

import pytest

from portal import translations

MESSAGES = [
    message.id
    for message in translations.read_catalog(translations.TEMPLATE_PATH)
    if message.id and isinstance(message.id, str)
]
SENTENCES = [
    sentence
    for message in MESSAGES
    for sentence in re.split(r"(?<=[.!?])\s+", message)
    if sentence.strip()
]
PASSIVE = re.compile(r"\b\w+(?:taan|tään|ttiin|tiin)\b", re.IGNORECASE)
NOT_PASSIVE = {"enintään", "mitään", "vähintään", "yhtään", "ainakaan"}
SUBORDINATORS = re.compile(r"\b(?:että|koska|jos|kun|joka|jotka|jonka|joita|jossa)\b", re.IGNORECASE)
ABBREVIATIONS = re.compile(r"\b(?:KTT|SHL|TE|Kela|THL|esim|yms|ym|jne)\b\.?")


def test_there_are_texts_to_check() -> None:
    assert len(SENTENCES) > 200


@pytest.mark.parametrize("sentence", SENTENCES)
def test_sentence_is_short(sentence) -> None:
    assert len(sentence.split()) <= 15


def test_average_sentence_is_about_eight_words() -> None:
    average = sum(len(sentence.split()) for sentence in SENTENCES) / len(SENTENCES)
    assert average <= 8.5


def test_no_passive_voice() -> None:
    found = [
        sentence
        for sentence in SENTENCES
        if any(word.lower() not in NOT_PASSIVE for word in PASSIVE.findall(sentence))
    ]
    assert found == []


def test_at_most_one_subordinate_clause() -> None:
    assert [sentence for sentence in SENTENCES if len(SUBORDINATORS.findall(sentence)) > 1] == []


def test_no_unexplained_abbreviations() -> None:
    assert [message for message in MESSAGES if ABBREVIATIONS.search(message)] == []
