"""Callers' words the routes' phrases do not place, compared with example sentences of callers.

The rules (`understanding.py`) match words the operators wrote; callers often say the same thing
in other words. Each example is a caller's sentence labelled with the desk that helps (the dev
sets' rows, in `ivr/routesfile/examples.tsv`). Words are compared by their character n-grams:
the text is folded to one width (NFKC), lower case and hiragana, with spaces, punctuation and
long marks dropped, and cut into every run of two and three characters. An n-gram found in few
examples weighs more than one found in many (inverse document frequency), and two texts are as
alike as the cosine of their weighted sets. A desk scores the mean of its NEIGHBOURS examples
nearest the words. Over the same n-grams, a logistic regression fitted on every dev set's rows
(`Likeliest`: its weights shipped in ivr/routesfile/likeliest.bin, fitted by tools/likeliest.py)
tells which desk all of them make likeliest, where a few near examples cannot.

This guesses; it never sends a caller anywhere. The flow only ever asks the caller whether the
nearest desk's topic is what they mean (`flow.py`), so a wrong guess costs a "no".

Pure code: the n-grams of every example are worked out once, when the examples load; comparing
reads no file and no clock.
"""

from __future__ import annotations

import math
import re
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Collection, Iterable
from itertools import repeat
from dataclasses import dataclass
from operator import itemgetter

MAX_HEARD = 200  # characters of a recognition result looked at, as the rules do
NEIGHBOURS = 3  # a desk scores the mean of its examples nearest the words, this many
SIZES = (2, 3)  # the lengths of the character n-grams compared
COMMON = 0.1  # share of the examples an n-gram may be in and still be looked up (below)
# Spaces, punctuation, brackets and the long mark (ー), full width and half: dropped before comparing.
_DROPPED = re.compile(r"[\s\u3000\u30fc\u2010-\u2015\uff0d~\u301c\u3001\u3002\uff0c\uff0e,.!?\uff01\uff1f"
                      r"\u30fb\u2026\u300c-\u300f\u3010\u3011()\uff08\uff09\[\]\"'\uff1a:;\uff1b-]")
_NUMBER = "I"  # an example's number in a posting (array and memoryview type code: 4 bytes)
_KATAKANA = str.maketrans({k: k - 0x60 for k in range(0x30A1, 0x30F7)})  # ァ…ヶ as ぁ…ゖ


def normalise(text: str) -> str:
    """The text as compared: one width, lower case, katakana as hiragana, no spaces,
    punctuation or long marks (ウイルス, ういるす and ｳｲﾙｽ are one)."""
    text = unicodedata.normalize("NFKC", text[:MAX_HEARD]).lower().translate(_KATAKANA)
    return _DROPPED.sub("", text)


def grams(text: str) -> frozenset[str]:
    """Every run of two and three characters of the normalised text (the text itself when it is
    shorter)."""
    text = normalise(text)
    found = {text[i:i + n] for n in SIZES for i in range(len(text) - n + 1)}
    return frozenset(found or ({text} if text else ()))


@dataclass(frozen=True, slots=True)
class Example:
    """One caller's sentence and the desk (its id in routes.yaml) that helps them."""

    text: str
    desk: str


@dataclass(frozen=True, slots=True, eq=False)  # compared and hashed as itself (its arrays cannot be)
class Likeliest:
    """A logistic regression over n-grams: for each n-gram (`grams`, in order, joined by line
    breaks: one string, not one object per n-gram in every worker) its weight (inverse document
    frequency) in `idf` and its coefficient for each desk (`desks`, in order) in `coef`, an
    n-gram's desks side by side; each desk's `bias`. `trained_on` names the rows it was fitted on."""

    desks: tuple[str, ...]
    grams: str
    bias: array
    idf: array
    coef: array
    trained_on: str = ""


@dataclass(frozen=True, slots=True)
class Nearest:
    """The desks nearest some words, best first, each with its score (0 to 1)."""

    ranked: tuple[tuple[str, float], ...]

    @property
    def desk(self) -> str | None:
        return self.ranked[0][0] if self.ranked else None

    @property
    def score(self) -> float:
        return self.ranked[0][1] if self.ranked else 0.0

    @property
    def margin(self) -> float:
        """How far the best desk is ahead of the next (its whole score when it is alone)."""
        if not self.ranked:
            return 0.0
        return self.ranked[0][1] - (self.ranked[1][1] if len(self.ranked) > 1 else 0.0)

    def clear(self, score: float, margin: float) -> str | None:
        """The best desk, if it scores at least `score` and leads the next by `margin`."""
        return self.desk if self.score >= score and self.margin >= margin else None


class Examples:
    """Example sentences, their n-grams weighted once, for finding the desks nearest some words."""

    def __init__(self, examples: Iterable[Example], digest: str = "", likeliest: Likeliest | None = None):
        self.examples = tuple(examples)
        self.digest = digest  # what the examples were read from, so a reload can tell them apart
        self.likeliest_weights = likeliest
        self.desks = frozenset(e.desk for e in self.examples)
        # Each example's n-grams once, as numbers (one per distinct n-gram): the n-grams of
        # every example as sets of strings at once would make the peak while indexing, which
        # stays in every worker's memory, twice as high. A new n-gram is numbered by the dict
        # itself (its default is its own length), so the numbering runs in C, not in a Python
        # loop per n-gram. Each example's numbers are kept in a list, as the dict's own int
        # objects: an array would make a new int object each time a number is read below.
        number: defaultdict[str, int] = defaultdict()
        number.default_factory = number.__len__
        coded = [list(map(number.__getitem__, grams(e.text))) for e in self.examples]
        number.default_factory = None  # an n-gram looked up later is not numbered
        known = len(number)
        size = len(self.examples)
        # The numbers of the examples with each n-gram, in order (its postings): their lengths are
        # the n-grams' counts. The arrays are copies of one empty array, quicker than new ones.
        postings = list(map(array.__copy__, repeat(array(_NUMBER), known)))
        for i, found in enumerate(coded):
            for k in found:
                postings[k].append(i)
        counts = array(_NUMBER, map(len, postings))
        # An n-gram's weight depends on its count only: worked out once per count.
        weight_of = [math.log((size + 1) / (count + 1)) + 1 for count in range(size + 1)]
        weights = array("d", map(weight_of.__getitem__, counts))
        self._number = number
        self._weights = weights
        self._unseen = math.log(size + 1) + 1  # an n-gram in no example weighs most
        # Each example's length (the norm of its weighted n-grams) is applied once per example
        # when words are compared, so an n-gram's postings need only the examples' numbers.
        squared = [w * w for w in weights]
        self._lengths = tuple(math.sqrt(sum(map(squared.__getitem__, found))) or 1.0 for found in coded)
        del coded, squared  # before the postings are packed: the peak is lower this way
        # An n-gram in more than COMMON of the examples (ます, した) tells little and costs most:
        # it is weighed in each text's length but not looked up. The numbers of the examples with
        # each n-gram, packed in one bytes object per n-gram (_NUMBER): a list of int objects per
        # n-gram would take several times the memory in every worker.
        common = max(COMMON * size, 10)
        self._postings = {gram: postings[k].tobytes() for gram, k in number.items() if counts[k] <= common}
        del postings
        self._weigh(likeliest)
        self._desk_of = tuple(e.desk for e in self.examples)

    def _weigh(self, likeliest: Likeliest | None) -> None:
        """The regression's weights by the examples' own numbering of n-grams (an n-gram it has
        no weight for, or one no example has, counts for nothing): for each numbered n-gram its
        row in the regression's arrays, or -1, so that no second table of n-grams is kept."""
        if likeliest is None:
            self._rows = array("i")
            return
        row = {gram: r for r, gram in enumerate(likeliest.grams.split("\n"))}
        # The examples' n-grams in the order they were numbered (0, 1, …): each one's row, in C.
        self._rows = array("i", map(row.get, self._number, repeat(-1)))

    def __len__(self) -> int:
        return len(self.examples)

    def likeliest(self, heard: str, desks: Collection[str] | None = None) -> tuple[tuple[str, float], ...]:
        """The desks (of `desks`, by default all), likeliest first, each with the log of its
        probability by the regression (`Likeliest`) over the words' n-grams: where the nearest
        examples look at a few sentences, this weighs what every dev set's row taught. Nothing
        without the regression's weights, or for words with none of its n-grams."""
        model = self.likeliest_weights
        found = grams(heard)
        if model is None or not found:
            return ()
        number, rows, idf, coef = self._number, self._rows, model.idf, model.coef
        width = len(model.desks)
        known = [r for r in (rows[k] for k in map(number.get, found) if k is not None) if r >= 0]
        if not known:
            return ()
        # The words' n-grams weighted by idf and scaled to length one, as in the fit.
        length = math.sqrt(sum(idf[r] * idf[r] for r in known))
        scores = [model.bias[d] + sum(coef[r * width + d] * idf[r] for r in known) / length
                  for d in range(width)]
        top = max(scores)
        total = top + math.log(sum(math.exp(score - top) for score in scores))
        ranked = [(desk, score - total) for desk, score in zip(model.desks, scores)
                  if desks is None or desk in desks]
        return tuple(sorted(ranked, key=lambda item: (-item[1], item[0])))

    def nearest(self, heard: str, desks: Collection[str] | None = None) -> Nearest:
        """The desks (of `desks`, by default all) whose examples are nearest the words, best
        first, each scored by the mean similarity of its NEIGHBOURS nearest examples."""
        found = grams(heard)
        if not found:
            return Nearest(())
        number, weights, unseen, postings = self._number, self._weights, self._unseen, self._postings
        length = 0.0
        shared: dict[int, float] = {}  # each example's weight in common with the words
        for gram in found:
            k = number.get(gram)
            weight = unseen if k is None else weights[k]
            length += weight * weight
            numbers = postings.get(gram)
            if numbers:
                for i in memoryview(numbers).cast(_NUMBER):
                    shared[i] = shared.get(i, 0.0) + weight * weight
        length = math.sqrt(length)
        lengths = self._lengths
        alike = {i: total / lengths[i] for i, total in shared.items()}
        # Each desk's NEIGHBOURS best examples: the examples best first, counted per desk.
        desk_of = self._desk_of
        sums: dict[str, float] = {}
        taken: dict[str, int] = {}
        for i, total in sorted(alike.items(), key=itemgetter(1), reverse=True):
            desk = desk_of[i]
            count = taken.get(desk, 0)
            if count < NEIGHBOURS and (desks is None or desk in desks):
                taken[desk] = count + 1
                sums[desk] = sums.get(desk, 0.0) + total
        scores = {desk: total / (NEIGHBOURS * length) for desk, total in sums.items()}
        return Nearest(tuple(sorted(scores.items(), key=lambda item: (-item[1], item[0]))))

    def weight(self, heard: str, phrases: frozenset[str]) -> float:
        """How much of the words' n-gram weight is found among `phrases`' n-grams (a set made
        by `grams`): to tell which of one desk's topics the words are nearer."""
        number, weights = self._number, self._weights
        return sum(self._unseen if (k := number.get(gram)) is None else weights[k]
                   for gram in grams(heard) & phrases)
