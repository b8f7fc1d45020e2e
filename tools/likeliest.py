"""Train the weights behind `Examples.likeliest` and write ivr/routesfile/likeliest.bin.

Usage: python tools/likeliest.py [--check | --cross]

The flow asks which desk all the callers' examples make likeliest (`ivr/core/nearest.py`), to
offer the police where words of money taken or of someone feared name no phrase, and to ask
where the rules' choice is another desk's. That opinion is a logistic regression over the same
character n-grams the nearest examples are compared by (each weighted by its inverse document
frequency, the vector scaled to length one), fitted here with scikit-learn (the `train` extra:
pip install -e '.[train]') and shipped as numbers the line reads without it.

It is fitted on the dev sets' rows: the shipped examples (ivr/routesfile/examples.tsv) and the
later dev sets in tests/ (DEV_SETS below; each row's first desk), and routes.yaml's `says:`
phrases with their desks; never a held-out set, nor a row that is word for word a held-out
set's. Fit again after changing any of them. Its
n-grams are those of the shipped examples found in at least MIN_DF training rows, so the line
looks them up in the examples' own index. The file records a digest of the rows it was fitted
on; `tests/test_examples.py` checks it against the rows as they are, so a changed dev set or
example without a new fit is caught. `--check` says whether the shipped file is current;
`--cross` judges each later dev set by a fit without its own rows (docs/callers.md, round 22).

The file: a first line `ivr-likeliest 1`, a second line of JSON (desks, n-gram count, the gram
block's length in bytes, the digest, the fit's settings), the n-grams as UTF-8 joined by line
breaks, then little-endian 32-bit floats: each desk's bias, each n-gram's weight (its inverse
document frequency), and each n-gram's coefficient for each desk, an n-gram's desks side by side.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from array import array
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ivr.core.nearest import grams  # noqa: E402
from ivr.routesfile.examples import load_examples  # noqa: E402
from ivr.routesfile.likeliest import LIKELIEST, MAGIC  # noqa: E402
from ivr.routesfile.loader import load_routes  # noqa: E402

TESTS = ROOT / "tests"
ROUTES = ROOT / "routes.yaml"
# The dev sets whose rows are not among the shipped examples (held-out sets never are).
DEV_SETS = tuple(TESTS / name for name in (
    "callers_paraphrases8.tsv", "callers_validation9.tsv", "callers_paraphrases10.tsv",
    "callers_paraphrases12.tsv", "callers_paraphrases14.tsv", "callers_paraphrases17.tsv",
    "callers_paraphrases19.tsv", "callers_paraphrases21.tsv", "callers_paraphrases22.tsv",
    "callers_paraphrases24.tsv", "callers_paraphrases25.tsv", "callers_paraphrases27.tsv",
    "callers_paraphrases30.tsv", "callers_paraphrases34.tsv", "callers_paraphrases41.tsv",
    "callers_paraphrases44.tsv", "callers_paraphrases51.tsv", "callers_paraphrases52.tsv",
    "callers_paraphrases55.tsv", "callers_paraphrases56.tsv", "callers_paraphrases63.tsv",
    "callers_paraphrases64.tsv", "callers_paraphrases68.tsv", "callers_paraphrases69.tsv",
    "callers_paraphrases73.tsv", "callers_paraphrases77.tsv", "callers_paraphrases78.tsv",
    "callers_paraphrases82.tsv", "callers_paraphrases87.tsv",
    "callers_paraphrases91.tsv", "callers_paraphrases95.tsv", "callers_paraphrases99.tsv",
    "callers_paraphrases103.tsv", "callers_paraphrases107.tsv", "callers_paraphrases111.tsv",
    "callers_paraphrases119.tsv", "callers_paraphrases131.tsv", "callers_paraphrases135.tsv",
    "callers_paraphrases139.tsv", "callers_paraphrases143.tsv", "callers_paraphrases147.tsv",
    "callers_paraphrases151.tsv", "callers_paraphrases155.tsv",
    "callers_paraphrases159.tsv"))
# The sets' labels (the guide's desks) as routes.yaml's desk ids.
DESKS = {"center": "center", "info": "center", "hotline": "hotline", "sangyo": "jiaa", "ipa": "ipa",
         "phishing": "antiphishing", "police": "police", "sns": "sns", "sos": "child_sos",
         "jinken": "jinken", "kotoel": "kotaeru"}
C = 30.0  # the inverse of the fit's L2 penalty: measured over the later dev sets at 3, 10 and 30
# (each set scored by a fit without its own rows; docs/callers.md, round 22)
MIN_DF = 2  # an n-gram in fewer training rows than this has no weight


def _rows(path: Path) -> list[list[str]]:
    """A set's rows (words, answers, kind), read as tests/test_understanding.py reads them."""
    with path.open(encoding="utf-8") as handle:
        return [row for row in list(csv.reader(handle, delimiter="\t"))[1:] if row]


def held_out_words() -> set[str]:
    """Every held-out set's words: a dev row that is word for word one of them (a short, common
    sentence two writers both wrote) is not fitted on, so no held-out row is scored by its own
    words."""
    return {row[0] for path in TESTS.glob("callers_heldout*.tsv") for row in _rows(path)}


def training_rows() -> list[tuple[str, str]]:
    """(words, desk) for every row fitted on, sorted: the shipped examples, then the later dev
    sets' rows not among them (a row's first desk), then routes.yaml's `says:` phrases, each
    with its option's desk (so a phrase said alone is its own desk's); none that a held-out set
    has too."""
    rows = {example.text: example.desk for example in load_examples(weights=None).examples}
    for path in DEV_SETS:
        for row in _rows(path):
            rows.setdefault(row[0], DESKS[row[1].split("|")[0]])
    for menu in load_routes(ROUTES).menus.values():
        for option in menu.options:
            if option.desk is not None:
                for phrase in option.says:
                    rows.setdefault(phrase, option.desk)
    held_out = held_out_words()
    return sorted(item for item in rows.items() if item[0] not in held_out)


def digest(rows: list[tuple[str, str]]) -> str:
    """What the rows were, as the file records it."""
    text = "".join(f"{words}\t{desk}\n" for words, desk in rows)
    return hashlib.sha256(f"C={C} min_df={MIN_DF}\n{text}".encode("utf-8")).hexdigest()[:16]


def fit(rows: list[tuple[str, str]]) -> bytes:
    """The file's bytes for a fit on `rows`."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    shipped = [example.text for example in load_examples(weights=None).examples]
    found_in: dict[str, int] = {}
    for words, _ in rows:
        for gram in grams(words):
            found_in[gram] = found_in.get(gram, 0) + 1
    vocabulary = sorted(g for g in set().union(*map(grams, shipped)) if found_in.get(g, 0) >= MIN_DF)
    vectoriser = TfidfVectorizer(analyzer=lambda text: list(grams(text)), sublinear_tf=True,
                                 vocabulary=vocabulary)
    matrix = vectoriser.fit_transform([words for words, _ in rows])
    model = LogisticRegression(C=C, max_iter=5000)
    model.fit(matrix, [desk for _, desk in rows])
    desks = [str(desk) for desk in model.classes_]
    block = "\n".join(vocabulary).encode("utf-8")
    header = {"desks": desks, "grams": len(vocabulary), "gram_bytes": len(block),
              "trained_on": digest(rows), "rows": len(rows), "C": C, "min_df": MIN_DF}
    numbers = array("f", [float(b) for b in model.intercept_])
    numbers.extend(float(w) for w in vectoriser.idf_)
    numbers.extend(float(w) for w in model.coef_.T.ravel())  # an n-gram's desks side by side
    if sys.byteorder != "little":
        numbers.byteswap()
    return (f"{MAGIC}\n{json.dumps(header, ensure_ascii=False)}\n".encode("utf-8") + block
            + numbers.tobytes())


def cross(rows: list[tuple[str, str]]) -> None:
    """Each later dev set judged as tests/test_understanding.py judges a set, by a fit without
    its rows and the shipped examples less its rows: how the fit's settings were chosen."""
    from ivr.clock import is_japan_holiday

    sys.path.insert(0, str(TESTS))
    import test_understanding as judged  # noqa: PLC0415 (the tests' judge, only here)

    from ivr.core.flow import CallFlow
    from ivr.core.nearest import Examples
    from ivr.core.readings import Reader
    from ivr.core.wording import load_translations
    from ivr.routesfile.examples import load_examples
    from ivr.routesfile.likeliest import parse_likeliest

    routes, reader, shipped = load_routes(ROUTES), Reader(load_translations()), load_examples(weights=None)
    total = [0, 0, 0, 0, 0, 0]
    for path in DEV_SETS:
        own = {words for words, _ in judged.cases(path)}
        model = parse_likeliest(fit([row for row in rows if row[0] not in own]))
        examples = Examples((e for e in shipped.examples if e.text not in own), likeliest=model)
        found = judged.judge(CallFlow(routes, reader, is_japan_holiday, examples), path)
        n = found["rows"]
        figures = [n, round(found["right"] * n), round(found["wrong"] * n), len(found["danger"]),
                   len(found["ads"]), round(found["asked"] * n)]
        total = [a + b for a, b in zip(total, figures)]
        print(f"{path.name}: rows, right, wrong, police and center callers elsewhere, asked: {figures}",
              flush=True)
    print(f"all: {total}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="only say whether the shipped file was fitted on the rows as they are now")
    parser.add_argument("--cross", action="store_true",
                        help="write nothing: judge each later dev set by a fit without its own rows "
                             "(a few minutes; needs the test extra too)")
    args = parser.parse_args(argv)
    rows = training_rows()
    if args.cross:
        cross(rows)
        return 0
    if args.check:
        from ivr.routesfile.likeliest import load_likeliest
        current = load_likeliest().trained_on == digest(rows)
        print("current" if current else f"out of date: run python {Path(__file__).relative_to(ROOT)}")
        return 0 if current else 1
    LIKELIEST.write_bytes(fit(rows))
    print(f"{LIKELIEST.relative_to(ROOT)}: fitted on {len(rows)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
