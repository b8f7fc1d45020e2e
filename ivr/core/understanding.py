"""What a caller's words are about: the routes' `says:` words matched against what Twilio heard.

Both sides go through the same Japanese analyser (Sudachi, offline): text is folded to one
width (NFKC), cut into words, and each word is taken in its dictionary form with its spelling
variants merged (子ども / こども / 子供, ウィルス / ウイルス, 払え / 払う). A `says:` phrase
matches when every content word of it is among the caller's words, in any order, or when its
reading is heard as it is (for words the recogniser wrote in kana: ういるす, かくうせいきゅう).

The topic is chosen only when it is clear: each desk scores the longest of its phrases found,
then the number of its phrases' words found; the best desk must score more than any other. An urgent option (threats, danger, money lost) wins
over every other. Anything else is "not understood": the line says so and reads the keypad menu.

Pure code: the analyser is loaded once, when the routes load; matching reads no clock and no file.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

MAX_HEARD = 200  # characters of a recognition result looked at; the rest is ignored
MAX_HINTS = 500  # phrases passed to Twilio's recogniser as hints, at most
MIN_READING = 4  # kana in a phrase's reading before it may match by reading alone
# Words that carry no topic: the verbs of "there is / do / become / say", and fillers.
_EMPTY = frozenset({
    "為る", "居る", "有る", "成る", "れる", "られる", "せる", "させる", "ます", "です", "だ", "た",
    "て", "事", "物", "所", "為", "様", "方", "の", "ん", "えっと", "あの", "その", "ええ", "はい",
    "ちょっと", "今", "私", "僕", "俺", "自分", "何", "此れ", "其れ", "貰う", "下さる", "欲しい",
    "思う", "相談", "電話", "お願い", "願う", "聞く", "知る", "やる", "出来る",
    "しまう", "いる", "ある", "なる", "くる", "もらう", "ください", "たい",
})
_CONTENT = ("名詞", "動詞", "形容詞", "形状詞", "副詞", "接頭辞", "接尾辞", "感動詞")
_NEGATION = frozenset({"ない", "無い", "ぬ", "ず", "ん"})
_SMALL = str.maketrans("ァィゥェォヵヶッャュョヮ", "アイウエオカケツヤユヨワ")
_NOT_KANA = re.compile(r"[^\u30a0-\u30ffa-z0-9]")


class Analyser:
    """Sudachi's dictionary, shared; each call cuts one text into (dictionary form, reading)."""

    def __init__(self):
        from sudachipy import Dictionary, SplitMode

        self._tokenizer = Dictionary(dict="core").tokenizer(SplitMode.C)
        self._lock = threading.Lock()  # a Sudachi tokenizer is not to be shared between threads

    def words(self, text: str) -> list[tuple[str, str, str]]:
        """(dictionary form, reading, part of speech) of each word, after width folding."""
        text = unicodedata.normalize("NFKC", text).lower()
        text = re.sub(r"\s+", "", text)
        if not text:
            return []
        with self._lock:
            morphemes = self._tokenizer.tokenize(text)
            return [(m.normalized_form().lower(), m.reading_form(), m.part_of_speech()[0])
                    for m in morphemes]


@cache
def analyser() -> Analyser:
    """The one analyser of this process (the dictionary is loaded once)."""
    return Analyser()


def _reading(words: list[tuple[str, str, str]]) -> str:
    """The text as one string of katakana, small kana made full size, long marks dropped."""
    kana = "".join(reading for _, reading, _ in words).translate(_SMALL)
    return _NOT_KANA.sub("", kana.replace("ー", ""))


def _lemmas(words: list[tuple[str, str, str]]) -> frozenset[str]:
    """The content words of a text, in dictionary form; negation kept as ない."""
    found = set()
    for lemma, _, pos in words:
        if lemma in _NEGATION:
            found.add("ない")
        elif pos in _CONTENT and lemma not in _EMPTY and not lemma.isdigit():
            found.add(lemma)
    return frozenset(found) if found - {"ない"} else frozenset()  # a negation alone says nothing


@dataclass(frozen=True)
class Phrase:
    """One `says:` phrase of one option, analysed."""

    menu: str
    key: str
    desk: str
    urgent: bool
    text: str
    lemmas: frozenset[str]
    reading: str

    @property
    def weight(self) -> int:
        """How specific the phrase is: its number of content words."""
        return max(len(self.lemmas), 1)


@dataclass(frozen=True)
class Understood:
    """The option the caller's words are about, or none ("not understood")."""

    menu: str | None = None
    key: str | None = None

    @property
    def topic(self) -> str:
        """The topic as records keep it: menu/key, or not_understood."""
        return f"{self.menu}/{self.key}" if self.menu else NOT_UNDERSTOOD


NOT_UNDERSTOOD = "not_understood"


class Matcher:
    """Chooses an option from a caller's words, or none when that is not clear."""

    def __init__(self, options: Iterable[tuple[str, str, str, bool, tuple[str, ...]]],
                 analyse: Analyser, min_confidence: float = 0.4):
        """`options`: (menu id, key, desk id, urgent, says phrases) for each option that has any."""
        self.analyse = analyse
        self.min_confidence = min_confidence
        phrases = []
        for menu, key, desk, urgent, says in options:
            for text in says:
                words = analyse.words(text)
                phrases.append(Phrase(menu, key, desk, urgent, text, _lemmas(words), _reading(words)))
        self.phrases = tuple(p for p in phrases if p.lemmas or len(p.reading) >= MIN_READING)

    def hints(self) -> tuple[str, ...]:
        """Every phrase once, in file order: Twilio's recogniser is told to expect them."""
        return tuple(dict.fromkeys(p.text for p in self.phrases))[:MAX_HINTS]

    def matches(self, heard: str) -> list[Phrase]:
        """Every phrase found in what was heard."""
        words = self.analyse.words(heard[:MAX_HEARD])
        lemmas, reading = _lemmas(words), _reading(words)
        return [p for p in self.phrases
                if (p.lemmas and p.lemmas <= lemmas)
                or (len(p.reading) >= MIN_READING and p.reading in reading)]

    def understand(self, heard: str, confidence: float | None = None) -> Understood:
        """The option meant, if the words and the recogniser's confidence make it clear."""
        if not heard.strip() or (confidence is not None and confidence < self.min_confidence):
            return Understood()
        found = self.matches(heard)
        urgent = [p for p in found if p.urgent]
        if urgent:
            best = max(urgent, key=lambda p: p.weight)
            return Understood(best.menu, best.key)
        if not found:
            return Understood()
        # Each desk scores its longest phrase found, then all its phrases found together.
        scores: dict[str, tuple[int, int]] = {}
        for p in found:
            longest, total = scores.get(p.desk, (0, 0))
            scores[p.desk] = (max(longest, p.weight), total + p.weight)
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return Understood()
        desk = ranked[0][0]
        best = max((p for p in found if p.desk == desk), key=lambda p: p.weight)
        return Understood(best.menu, best.key)
