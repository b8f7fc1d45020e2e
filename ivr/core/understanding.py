"""What a caller's words are about: the routes' `says:` words matched against what Twilio heard.

Both sides go through the same Japanese analyser (Sudachi, offline): text is folded to one
width (NFKC), cut into words, and each word is taken in its dictionary form with its spelling
variants merged (子ども / こども / 子供, ウィルス / ウイルス, 払え / 払う). A `says:` phrase
matches when every content word of it is among the caller's words, in any order, or when its
reading is heard as it is, as whole words (for words the recogniser wrote in kana: ういるす,
かくうせいきゅう). A verb's ending counts where it changes the meaning: done (払った), done to
the speaker (騙される) and negated (届かない) are told apart, and so are cannot (送れない) and do
not (送らない) (see `_lemmas`); a compound noun counts as its parts too (クレジットカード as
カード), and a counter after a number is itself (何通 as 通, not 通り).

The topic is chosen only when it is clear. An urgent option (threats, danger, money lost) wins
over every other. A phrase found inside another desk's longer phrase counts for nothing. Each
desk scores the longest of its phrases found, then the number of its phrases' words found; the
best desk must have a longer phrase than the next (the center's own words, kept desks, by two
words), and the center's own words are never passed over for another desk's: otherwise the
caller is asked between the two. An urgent option's bare word is asked about beside another
desk's longer phrase too, or one as long where the police's name (警察) is their only word.
Words that name no topic but are about the line's subject (`unclear:`) are asked about too;
anything else is "not understood". Fixed phrases (again, yes, no, …) are found by `Phrases`, which keeps short
replies (はい).

What the rules leave unplaced, or choose on little evidence, the flow compares with callers'
example sentences (`nearest.py`), and only ever asks the caller about: `Understood` says how much
the choice rests on (`weight`, `second`) and whether the words name anything (`described`).

Pure code: the analyser is loaded once, when the routes load; matching reads no clock and no file.
"""

from __future__ import annotations

import itertools
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from .nearest import normalise

MAX_HEARD = 200  # characters of a recognition result looked at; the rest is ignored
MAX_HINTS = 500  # phrases passed to Twilio's recogniser as hints, at most
MAX_ASIDE = 2  # content words besides a fixed phrase (もう一度) for it to count at a menu
MIN_READING = 4  # kana in a phrase's reading before it may match by reading alone
# Words that carry no topic: the verbs of "there is / do / become / say", and fillers.
_EMPTY = frozenset({
    "為る", "居る", "有る", "成る", "れる", "られる", "せる", "させる", "ます", "です", "だ", "た",
    "て", "事", "物", "所", "為", "様", "方", "の", "ん", "えっと", "あの", "その", "ええ", "はい",
    "ちょっと", "今", "私", "僕", "俺", "自分", "何", "此れ", "其れ", "貰う", "下さる", "欲しい",
    "思う", "相談", "電話", "お願い", "願う", "聞く", "やる", "出来る",
    "しまう", "いる", "ある", "なる", "くる", "もらう", "ください", "たい",
})
_CONTENT = ("名詞", "動詞", "形容詞", "形状詞", "副詞", "接頭辞", "接尾辞", "感動詞")
_NEGATION = frozenset({"ない", "無い", "ぬ", "ず", "ん", "へん", "ひん"})  # へん, ひん: Kansai (払わへん)
_SMALL = str.maketrans("ァィゥェォヵヶッャュョヮ", "アイウエオカケツヤユヨワ")
_NOT_KANA = re.compile(r"[^\u30a0-\u30ffa-z0-9]")

# Dictionary form, reading, part of speech, its subclass, and the dictionary forms of a
# compound noun's short parts (クレジットカード: クレジット, カード).
Word = tuple[str, str, str, str, tuple[str, ...]]


class Analyser:
    """Sudachi's dictionary, shared; each call cuts one text into words (`Word`)."""

    def __init__(self):
        from sudachipy import Dictionary, SplitMode

        self._tokenizer = Dictionary(dict="core").tokenizer(SplitMode.C)
        self._short = SplitMode.A
        self._lock = threading.Lock()  # a Sudachi tokenizer is not to be shared between threads

    def words(self, text: str) -> list[Word]:
        """Each word, after width folding: (dictionary form, reading, part of speech, and
        "サ変可能" for a noun that takes する, 非自立可能 for a verb that may follow て, the
        conjugation for an auxiliary; and a compound noun's parts)."""
        text = unicodedata.normalize("NFKC", text).lower()
        text = re.sub(r"\s+", "", text)
        if not text:
            return []
        with self._lock:
            morphemes = self._tokenizer.tokenize(text)
            words = []
            for m in morphemes:
                pos = m.part_of_speech()
                kind = pos[2] if pos[2] == "サ変可能" else pos[5] if pos[0] == "助動詞" else pos[1]
                lemma = m.normalized_form()
                parts: tuple[str, ...] = ()
                if pos[0] == "名詞":
                    if pos[2] == "助数詞可能" and words and words[-1][3] == "数詞":
                        lemma = m.dictionary_form()  # 何通: the counter 通, not 通り (言われた通り)
                    split = m.split(self._short)
                    if len(split) > 1:
                        parts = tuple(p.normalized_form().lower() for p in split
                                      if len(p.normalized_form()) > 1)
                elif pos[0] == "動詞" and pos[1] == "一般" and _potential(m.dictionary_form(), lemma):
                    kind = POTENTIAL
                if (lemma == "成る" and words and words[-1][0] == "無い" and words[-1][2] == "形容詞"
                        and words[-1][1].endswith("ウ")):
                    # 無うなった, 無うなっとる: western for 無くなった (gone), one verb as なくなる is
                    previous = words.pop()
                    words.append(("なくなる", previous[1] + m.reading_form(), "動詞", "一般", ()))
                    continue
                words.append((lemma.lower(), m.reading_form(), pos[0], kind, parts))
            return words


POTENTIAL = "可能"  # a Word's kind for a verb in its potential form (送れる, 払える)
_E_ROW = str.maketrans("えけげせてねべめれ", "うくぐすつぬぶむる")


def _potential(dictionary: str, normalized: str) -> bool:
    """Whether a verb's dictionary form is the potential of its normalized one (送れる of 送る,
    払える of 払う): the normalized stem, then the e-row kana of its ending, then る."""
    return (len(dictionary) >= 3 and dictionary.endswith("る") and dictionary[:-2] == normalized[:-1]
            and dictionary[-2].translate(_E_ROW) == normalized[-1] != dictionary[-2])


@cache
def analyser() -> Analyser:
    """The one analyser of this process (the dictionary is loaded once)."""
    return Analyser()


def _reading(words: list[Word]) -> str:
    """The text as one string of katakana, small kana made full size, long marks dropped."""
    kana = "".join(word[1] for word in words).translate(_SMALL)
    return _NOT_KANA.sub("", kana.replace("ー", ""))


MAX_SPAN = 8  # words in a row whose readings, joined, may be heard as a phrase's reading


def _spans(words: list[Word]) -> frozenset[str]:
    """The readings of every run of up to MAX_SPAN words in a row: a phrase heard as its reading
    (ういるす, かくうせいきゅう) matches whole words only, never the middle of one (高校 is not
    heard in 銀行口座, ギンコウコウザ), and never a name someone poses as (警察を名乗る) or a
    word set aside (警察じゃなくて)."""
    kana = ["・" if _posing(words, i) or (words[i][2] == "名詞" and _set_aside(words, i))
            else _reading([word]) for i, word in enumerate(words)]
    return frozenset("".join(kana[i:j]) for i in range(len(kana))
                     for j in range(i + 1, min(i + MAX_SPAN, len(kana)) + 1))


def _lemmas(words: list[Word], parts: bool = True) -> frozenset[str]:
    """The content words of a text, in dictionary form (with a compound noun's parts, unless
    `parts` is false: 差別的 is also 差別); negation kept as ない.

    A verb (or a noun with する) is read with the words that follow it: negated, it is kept as
    verb~ない instead of the verb (払っていない is not 払う, 届かない is 届く~ない); done, it is
    kept as verb~た besides the verb (払ってしまった, 振り込みました, 送金した: 払う~た, …); done
    to the speaker, as verb~れる besides the verb (騙されて: 騙す~れる); negated in its potential
    form, as verb~える~ない (送れない, 消すことができない: cannot, not 送らない, do not). So a
    phrase in the past matches only words in the past, a passive phrase only passive words, and
    a negated phrase only negated words.
    知る wanted (知りたい) asks for something and names nothing.
    """
    found: set[str] = set()
    verbs: list[list] = []  # [lemma, is a noun with する, negations, done, wanted, passive, ends in て]
    i = 0
    while i < len(words):
        lemma, _, pos, kind, short = words[i]
        suru = _suru(words, i) if pos == "名詞" else 0
        if not (pos == "動詞" or suru):
            if kind == "固有名詞" and not _TOKYO.isdisjoint((lemma, *short)) and not _elsewhere(words, i):
                found.add("東京")  # 世田谷の中学生 is a Tokyo teenager (こたエール's)
            if _amount(words, i) or not _SAVINGS.isdisjoint((lemma, *short)):
                found.add("お金")  # 五万円, 二十万消えてた, 退職金を送った: お金
            if lemma.isdigit() and i + 1 < len(words) and words[i + 1][2] == "名詞":
                # A number with the noun after it (24時間, 110番 or 百十番) is a word of its
                # own, besides the noun: a phrase 24時間 is not heard in 受付時間.
                found.add(f"{lemma}{words[i + 1][0]}")
            if pos == "名詞" and _set_aside(words, i):
                i += 1  # 警察じゃなくて…, 広告ではなく…: the caller's trouble is not this
                continue
            if pos == "名詞" and _posing(words, i):
                # 警察を名乗るメール: the name a sender hides behind, not the caller's
                # trouble with that body; kept as 警察~名乗る (and 名乗る itself).
                found.update(f"{w}~名乗る" for w in (lemma,) + (short if parts else ()))
                found.add("名乗る")
                i += 1
                continue
            if (pos == "名詞" and i + 2 < len(words) and words[i + 1][0] == "だ"
                    and words[i + 1][3].startswith("連体形") and words[i + 2][2] == "名詞"):
                # 変なメール: 変 describes the mail (変~な), it is not スマホが変's 変
                found.add(f"{lemma}~な")
                i += 1
                continue
            if pos == "名詞" and _denied(words, i):
                found.add(f"{lemma}~ない")  # 広告じゃないです: said not to be this (kept too)
            if lemma in _NEGATION:
                found.add("ない")
            elif (lemma == "ぞ" and pos == "助詞") or lemma in _ROUGH:
                found.add(lemma)  # 家を知ってるぞ, お前を見ている: the rough words of a threat
            elif pos in _CONTENT and lemma not in _EMPTY and not lemma.isdigit():
                found.add(_SAME.get(lemma, lemma))
                if parts:
                    found.update(p for p in short if p not in _EMPTY)
            i += 1
            continue
        j, negations, done, wanted, passive, lasting = _tail(words, i + 1 + suru)
        if lasting and not done and (any(w[0] in _ALREADY for w in words[max(0, i - 5):i])
                                     or _sum_paid(words, i)):
            # もう払ってる, 何回も振り込んでて, 三十万払っとる: done already (払ってる alone may be
            # 毎月払っている, and 引き落とされてる a subscription's)
            done = True
        # Money taken, told as going on or left in the て form (カードが使われてて, 引き落とされてる,
        # ポイントも全部使われとって): heard as done (a danger's 使われた is found).
        ongoing = (passive and not done and not negations % 2 and lemma in _TAKEN
                   and (lasting or (words[j - 1][0] in ("て", "で") and (j == len(words) or words[j][2] != "動詞")))
                   and not any(w[0] in _NEGATION or w[0] == "無い" for w in words[j:j + 3]))  # 引き出されてはない
        if ongoing:
            done = True
        if lemma == "知る" and i + 1 < len(words) and words[i + 1][0] == "せる":
            lemma = "知らせる"  # 家族に知らせます (tell) is not 家族を知っている (know)
        if lemma == "来る" and _message_comes(words, i):
            lemma = "届く"  # メールが来た is メールが届いた: no one came (家に来る is someone at the door)
        if done is None:  # 振り込んだら連絡が取れなくなった: done; 払ったらどうなる: not
            done = any(w[2] == "助動詞" and w[0] == "た" for w in words[j:]) or _told_on(words[j:])
        if j < len(words) and (words[j][0] in ("覚え", "記憶", "訳", "こと") or words[j][0] == "と"
                               and j + 1 < len(words) and words[j + 1][0] == "か") and any(
                w[0] in _NEGATION for w in words[j + 1:j + 5]):
            # 払った覚えがない, 取られたわけじゃない, 払ったことはない, 取られたとかはない
            negations += 1
        te = words[j - 1][0] in ("て", "で") and j < len(words) and words[j][2] == "動詞"
        able = kind == POTENTIAL or (j + 2 < len(words) and words[j][0] == "こと"
                                     and words[j + 2][0] == "出来る")  # 消すことができない
        able |= bool(suru) and words[i + suru][0] == "出来る"  # ログインできない (cannot log in)
        if negations % 2 and able:
            lemma = f"{lemma}~える"  # 送れない (cannot send) is not 送らない (do not send)
        verbs.append([lemma, bool(suru), negations, done, wanted, passive, te])
        i = j
    # 買って送った: an action joined by て to one done is done too.
    for k in range(len(verbs) - 2, -1, -1):
        if verbs[k][6] and verbs[k + 1][3] and not verbs[k + 1][2] % 2:
            verbs[k][3] = True
    for lemma, suru, negations, done, wanted, passive, _ in verbs:
        if negations % 2:
            found.add("ない")
        if lemma in _EMPTY or lemma.isdigit() or (wanted and lemma in _ASKED):
            continue
        if negations % 2:
            # A noun with する negated is kept (解約できない is about 解約), and marked denied:
            # 請求されていません answers no to a question about 請求.
            noun = lemma.removesuffix("~える")
            found.update((noun, f"{lemma}~ない") if suru else (f"{lemma}~ない",))
            continue
        found.add(lemma)
        if done:
            found.add(f"{lemma}~た")
        if passive:
            found.add(f"{lemma}~れる")
    return frozenset(found) if found - {"ない"} else frozenset()  # a negation alone says nothing


def _told_on(words: list[Word]) -> bool:
    """Whether words after a verb said with たら tell what happened next and leave off in the て
    form, as a story does (振り込んだら 今度は延長料金まで請求されて): the verb was done, as when a
    later verb is in the past. A question (払ったらどうなりますか) is not, nor words quoted
    (払ったら止まるって言われて: what someone said would happen)."""
    said = [w for w in words if w[2] not in ("補助記号", "空白")]
    quoted = any(_quoting(said, k) for k in range(len(said)))  # 払ったら止まるって言われて
    return (not quoted and len(said) >= 2 and said[-1][0] in ("て", "で") and said[-1][2] == "助詞"
            and said[-2][2] in ("動詞", "助動詞"))


# Verbs a quotation with と goes with: 延長料金と言われて, 払えと書いてあって
_SAYING = frozenset({"言う", "思う", "書く", "聞く", "話す", "脅す", "伝える", "来る", "送る"})


def _quoting(said: list[Word], k: int) -> bool:
    """Whether said[k] closes a quotation: って always; と or とか after a clause (止まると,
    払えとか) or before a verb of saying (延長料金と言われて), not と joining two nouns
    (電話とメールで請求されて)."""
    lemma, _, pos, _, _ = said[k]
    if pos != "助詞" or lemma not in ("って", "と", "とか"):
        return False
    if lemma == "って":
        return True
    after = said[k + 1][0] if k + 1 < len(said) else ""
    return k == 0 or said[k - 1][2] not in ("名詞", "代名詞", "接尾辞") or after in _SAYING


# One word the analyser gives two ways, by what is around it: 勝手に (an adverb in 勝手に買われた)
# and 勝手 (a noun in 株が勝手に買われた); クレカ, short for クレジットカード (a カード, as its parts say)
_SAME = {"勝手に": "勝手", "クレカ": "カード"}
# Tokyo's wards and cities, and places callers name for them: a caller there is in 東京
_TOKYO = frozenset("""
    千代田 中央区 港区 新宿 文京 台東 墨田 江東 品川 目黒 大田 世田谷 渋谷 中野 杉並 豊島 北区 荒川 板橋
    練馬 足立 葛飾 江戸川 八王子 立川 武蔵野 三鷹 青梅 府中 昭島 調布 町田 小金井 小平 日野 東村山
    国分寺 国立 福生 狛江 東大和 清瀬 東久留米 武蔵村山 多摩 稲城 羽村 あきる野 西東京 吉祥寺 池袋
    """.split())
# Tokyo's names that other cities have too (名古屋の港区, 広島の府中, 滋賀の日野)
_SHARED = frozenset({"中央区", "北区", "港区", "府中", "府中市", "日野", "日野市"})


def _elsewhere(words: list[Word], i: int) -> bool:
    """Whether the place words[i] is one Tokyo shares, named after another place (名古屋の港区,
    広島県府中市): then it is not Tokyo's."""
    lemma, _, _, _, short = words[i]
    if _SHARED.isdisjoint((lemma, *short)):
        return False
    if lemma not in _SHARED:  # one word with the place before it: 広島県府中市, not 東京都北区
        return not lemma.startswith("東京") and not any(lemma.startswith(name) for name in _SHARED)
    k = i - 2 if i >= 2 and words[i - 1][0] == "の" else i - 1
    return (k >= 0 and words[k][3] == "固有名詞" and _TOKYO.isdisjoint((words[k][0], *words[k][4]))
            and words[k][0] not in ("東京", "東京都"))


# One's own money by another name: 退職金を送ってしまった is お金を送った, 残高を使われた is お金を使われた
_SAVINGS = frozenset({"退職金", "貯金", "預金", "貯蓄", "現金", "生活費", "財産", "老後資金", "有り金",
                      "売上金", "売り上げ", "残高"})
# What may follow a large number that is an amount of money (三十万以上, 十万ほど)
_ABOUT = frozenset({"円", "以上", "近く", "程", "ほど", "位", "くらい", "ぐらい", "余り", "ちょっと"})


def _amount(words: list[Word], i: int) -> bool:
    """Whether words[i] says an amount of money: 円 (五千円, 何万円), or the end of a number of ten
    thousand or more with no counter after it (二十万消えてた, 何十万も; not 十万件)."""
    lemma, _, pos, kind, _ = words[i]
    if lemma == "円" and pos == "名詞":
        return True
    after = words[i + 1] if i + 1 < len(words) else None
    if kind != "数詞" or (after is not None and after[3] == "数詞"):
        return False
    large = lemma == "万" or (lemma.isdecimal() and int(lemma) >= 10000)
    return large and (after is None or after[2] != "名詞" or after[0] in _ABOUT)


# Verbs of paying, and words that make a sum paid a regular one (毎月五千円払ってる)
_PAYING = frozenset({"払う", "支払う", "振り込む", "送金"})
_REGULAR = frozenset({"毎月", "月額", "毎年", "年額", "年会費", "月会費", "会費", "定期", "毎回", "月々"})


def _sum_paid(words: list[Word], i: int) -> bool:
    """Whether the paying verb words[i], in the ている form, follows a sum of money said just
    before it and no word of a regular payment: 三十万払っとる, 十万円振り込んでる (paid), not
    毎月五千円払ってる."""
    return (words[i][0] in _PAYING and any(_amount(words, k) for k in range(max(0, i - 3), i))
            and not any(w[0] in _REGULAR for w in words))


# What arrives rather than comes: 通知も来る (and any …メール: メールが来た, ショートメール来た)
_MESSAGES = frozenset({"メッセージ", "連絡", "手紙", "通知", "はがき", "葉書", "ハガキ", "SMS",
                       "ショートメッセージ", "ライン", "LINE", "DM", "返信", "返事", "電話", "着信"})


def _message_comes(words: list[Word], i: int) -> bool:
    """Whether the verb 来る at words[i] has a message as its subject: が, も, は or って between
    (メールが来た, 手紙も来る), or the message right before it (メール来た)."""
    k = i - 1
    if k >= 0 and words[k][2] == "助詞" and words[k][0] in ("が", "も", "は", "って", "ばかり", "ばっかり"):
        k -= 1
    if k < 0 or words[k][2] != "名詞":
        return False
    lemma, _, _, _, short = words[k]
    return lemma in _MESSAGES or any(part in _MESSAGES for part in short) or lemma.endswith("メール")


_SURU = frozenset({"為る", "出来る"})
_POSING = frozenset({"名乗る", "騙る", "かたる", "装う"})  # かたる: 騙る as the recogniser writes it in kana


_BUT = frozenset({"けれど", "けど", "けども", "が", "し"})


def _clauses(words: list[Word]) -> list[list[Word]]:
    """The words cut into clauses at けど, が, し, のに and ので (返品を送ったのに | お金を返して
    くれない): a phrase's words are heard together only within one clause."""
    clauses, start = [], 0
    for i, (lemma, _, pos, kind, _) in enumerate(words):
        if pos != "助詞":
            continue
        if kind == "接続助詞" and lemma in _BUT:
            end = i + 1
        elif (lemma == "の" and kind == "準体助詞" and i + 1 < len(words)
              and words[i + 1][0] in ("に", "で")):
            end = i + 2
        else:
            continue
        if end > start:
            clauses.append(words[start:end])
            start = end
    clauses.append(words[start:])
    return [clause for clause in clauses if clause]


def _posing(words: list[Word], i: int) -> bool:
    """Whether the noun words[i] is a name someone poses as: を and 名乗る, 騙る or 装う after it,
    or の名前で (水道局の名前でメールが), or のふり (友達のふりをした)."""
    if (i + 2 < len(words) and words[i + 1][0] == "を" and words[i + 1][2] == "助詞"
            and words[i + 2][0] in _POSING and words[i + 2][2] == "動詞"):
        return True
    if i + 2 < len(words) and words[i + 1][0] == "の" and words[i + 1][2] == "助詞":
        if words[i + 2][0] == "振り":
            return True
        return (words[i + 2][0] == "名前" and i + 3 < len(words) and words[i + 3][0] == "で"
                and words[i + 3][2] == "助詞")
    return False


def _denied(words: list[Word], i: int) -> bool:
    """Whether the noun words[i] is said not to be so: じゃない, ではない, ではありません after it,
    or はされていない (広告じゃないです, 請求はされてないです), also after とか or など (広告とか
    じゃなくて); not asked (詐欺じゃないですか)."""
    k = i + 1
    if k + 1 < len(words) and (words[k][0], words[k + 1][0]) == ("と", "か"):
        k += 2  # とか: read as と, か
    elif k < len(words) and words[k][0] == "など" and words[k][2] == "助詞":
        k += 1
    if (k + 1 < len(words) and words[k][0] in ("は", "も") and words[k][2] == "助詞"
            and words[k + 1][0] == "為る"):
        for lemma, _, pos, _, _ in words[k + 2:k + 7]:  # される, されて(い)ない, されていません
            if lemma in _NEGATION or lemma == "無い":
                return True
            if not (pos == "助動詞" or (pos == "助詞" and lemma in ("て", "で", "は", "も"))
                    or lemma == "居る"):
                return False
        return False
    if k < len(words) and words[k][0] == "だ" and words[k][2] == "助動詞":
        k += 1  # じゃ
    elif k + 1 < len(words) and words[k][0] == "で" and words[k + 1][0] == "は":
        k += 2
    else:
        return False
    if k < len(words) and words[k][0] in ("無い", "ない"):
        k += 1
    elif k + 2 < len(words) and words[k][0] == "有る" and words[k + 2][0] in _NEGATION:
        k += 3
    else:
        return False
    while k < len(words) and words[k][2] == "助動詞":  # です, ます
        k += 1
    return not (k < len(words) and words[k][0] == "か" and words[k][2] == "助詞")


def _set_aside(words: list[Word], i: int) -> bool:
    """Whether the noun words[i] is set aside for another: じゃなくて or ではなく after it (警察
    じゃなくてLINEの会社に), or said not to be worth it (警察に言うほどじゃない, 警察沙汰にするほど
    でもない), or what the caller took the email for at first (宣伝のメールかと思ったら請求書で).
    じゃない alone is not: 詐欺じゃないですか asks whether it is; nor is a doubt (警察に言うほどの
    ことかわからない), nor a suspicion (詐欺かと思って電話しました)."""
    return _instead(words, i) or _not_worth(words, i) or _mistaken(words, i)


def _mistaken(words: list[Word], i: int) -> bool:
    """Whether the noun words[i] is in what the caller first took something for and then found
    otherwise: a noun phrase (お得なメルマガ, セールのお知らせ) with かと思ったら or だと思ったら
    after it, or かと思って開いたら (opened it, and it was something else)."""
    k = i + 1
    while k < len(words) and (words[k][2] in ("名詞", "接尾辞", "接頭辞", "形状詞")
                              or (words[k][2] == "助詞" and words[k][0] in ("の", "って"))
                              or (words[k][0] == "だ" and words[k][3].startswith("連体形"))):
        k += 1  # the rest of the noun phrase: の, な, って join it
    if k < len(words) and words[k][0] in ("か", "だ") and words[k][2] in ("助詞", "助動詞"):
        k += 1
    if not (k + 1 < len(words) and words[k][0] == "と" and words[k + 1][0] == "思う"):
        return False
    k += 2
    if k + 2 < len(words) and words[k][0] == "て" and words[k + 1][2] == "動詞":
        k += 2  # 思って開いたら, 思って見たら
    return k < len(words) and words[k][0] == "た" and words[k][3].startswith("仮定形")


def _not_worth(words: list[Word], i: int) -> bool:
    """Whether a verb of going to the noun words[i] is followed by ほどじゃない (に言うほどじゃない,
    に相談するほどではない, 沙汰にするほどでもない)."""
    k = i + 1
    while k < min(len(words), i + 5) and words[k][0] != "ほど" and (
            (words[k][2] == "助詞" and words[k][0] == "に") or words[k][2] == "動詞"
            or words[k][3] == "サ変可能"):
        k += 1
    if k == i + 1 or k >= len(words) or words[k][0] != "ほど" or words[k - 1][2] != "動詞":
        return False
    k += 1
    if k < len(words) and words[k][0] == "だ" and words[k][2] == "助動詞":
        k += 1
        if k < len(words) and words[k][0] in ("は", "も") and words[k][2] == "助詞":
            k += 1
        return k < len(words) and words[k][0] in ("無い", "ない")
    return False


def _instead(words: list[Word], i: int) -> bool:
    """Whether じゃなくて or ではなく follows the noun words[i]."""
    k = i + 1
    if k < len(words) and words[k][0] == "だ" and words[k][2] == "助動詞":
        k += 1
    elif k + 1 < len(words) and words[k][0] == "で" and words[k + 1][0] == "は":
        k += 2
    else:
        return False
    return k < len(words) and words[k][0] in ("無い", "ない") and words[k][1] == "ナク"


_ROUGH = frozenset({"御前", "てまえ", "手前", "貴様"})  # お前, てめえ, 貴様


def _suru(words: list[Word], i: int) -> int:
    """How many words after the noun words[i] make it a verb: 1 for する or できる right after it
    (送金した, 解約できない), 2 for を and する (支払いをした) or が and できる (解約ができない);
    else 0."""
    def verb(k: int) -> bool:
        return k < len(words) and words[k][0] in _SURU and words[k][2] == "動詞"
    if verb(i + 1):
        return 1
    if i + 1 < len(words) and words[i + 1][0] == "を" and words[i + 1][2] == "助詞" and verb(i + 2):
        return 2
    if (i + 1 < len(words) and words[i + 1][0] == "が" and words[i + 1][2] == "助詞" and verb(i + 2)
            and words[i + 2][0] == "出来る"):
        return 2
    return 0
_DONE = frozenset({"た", "だ", "仕舞う", "ちゃう", "じゃう"})
# Verbs of money taken from the speaker (in the passive: 使われて, 引き落とされてる, 買われてた)
_TAKEN = frozenset({"使う", "引き落とす", "取る", "盗む", "引き出す", "抜く", "抜き取る", "奪う", "持つ", "買う", "送金"})
_ASKED = frozenset({"知る"})
_ALREADY = frozenset({"もう", "既に", "何回", "何度", "総額", "合計"})  # before a verb in the ている form: done


def _tail(words: list[Word], j: int) -> tuple[int, int, bool | None, bool, bool, bool]:
    """The auxiliaries after a verb from words[j]: where they end, how many negations, whether
    the action is done (た, しまう; None for たら, which depends on what follows), whether it is
    wanted (たい), whether it was done to the speaker (れる, られる), whether it is in the
    ている form (払ってる, 使われている, western 払っとる)."""
    negations, done, wanted, passive, lasting = 0, False, False, False, False
    conditional = False
    while j < len(words):
        lemma, _, pos, kind, _ = words[j]
        previous = words[j - 1][0]
        if pos == "助動詞":
            # ばらされたくなかったら: the wish is negated, not the action
            negations += lemma in _NEGATION and previous != "たい"
            # 払った方がいい: not done; 払ったら: as the sentence goes on
            conditional |= lemma in _DONE and kind.startswith("仮定形")
            done |= lemma in _DONE and not kind.startswith("仮定形") and not (
                j + 1 < len(words) and words[j + 1][0] == "方")
            wanted |= lemma == "たい"
            passive |= lemma in ("れる", "られる")
            lasting |= lemma in ("てる", "とる")  # とる: western ている as an auxiliary (引き落とされとる)
        elif pos == "助詞" and lemma in ("て", "で"):
            pass
        elif pos == "助詞" and lemma in ("たって", "だって") and (
                j + 1 == len(words) or words[j + 1][2] in ("助詞", "助動詞")
                or words[j + 1][0] in ("言う", "話す")):
            done = True  # 二万円払ったって (reported: they paid); not 払ったって無駄 (even if)
        elif lemma in ("へん", "ひん") and previous in ("て", "で"):
            negations += 1  # 払ってへん: Kansai for 払っていない (read as the noun へん)
        elif pos == "動詞" and lemma == "取る" and previous in ("て", "で", "れる", "られる"):
            lasting = True  # 請求されとらん, 払っとる: western とる (ている), read as 取る
        elif (lemma == "もう" and previous in ("て", "で") and j + 1 < len(words)
              and words[j + 1][0] == "た"):
            done = True  # 払ってもうた: Kansai for 払ってしまった (read as the adverb もう)
        elif previous in ("て", "で") and ((pos == "動詞" and lemma == "持つ" and words[j][1] == "モタ") or (
                lemma == "も" and pos == "助詞" and j + 1 < len(words) and words[j + 1][0] == "た"
                and words[j + 1][2] == "助動詞")):
            done = True  # 振り込んでもた, 払ってもたんです: Kansai for てしまった (read as 持つ, or も + た)
        elif (lemma == "しも" and previous in ("て", "で") and j + 1 < len(words)
              and words[j + 1][0] == "取る"):
            done = lasting = True  # 払うてしもとる: western for 払ってしまっている (read as しも + 取る)
            j += 1
        elif lemma == "笞" and previous in ("て", "で"):
            done = True  # 払ってしもとって: the same, read as the noun 笞 (しもと)
        elif (lemma == "こと" and j + 3 < len(words) and words[j + 1][0] == "に"
              and words[j + 2][0] == "成る" and words[j + 3][0] in ("た", "て")):
            done = True  # 振り込むことになった, 払うことになって: it came to that (払うことになる: not yet)
            j += 3
        elif pos == "助詞" and lemma in ("ば", "と") and previous in _NEGATION:
            pass  # 払わなければならない, 払わないといけない: must pay
        elif pos == "動詞" and kind == "非自立可能" and (previous in ("て", "で", "ば", "と", "てる")
                                                      or previous in _NEGATION):
            done |= lemma in _DONE
            lasting |= lemma in ("居る", "いる") and previous in ("て", "で")
        elif pos == "動詞" and lemma == "為る" and (previous in _SURU or words[j - 1][2] == "動詞"):
            pass  # 振り込まされた, read as 振り込ま + さ
        else:
            break
        j += 1
    return j, negations, (None if conditional and not done else done), wanted, passive, lasting


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
    size: int = 1  # its number of content words (払った: one), a compound noun's parts not counted
    across: bool = False  # it is itself more than one clause (解約したのに引き落とされた)
    named: bool = False  # it names the desk, or holds its number (警察, 110番; read for urgent ones)
    numbered: bool = False  # it holds its desk's number (110番, 188): the desk asked for by it

    @property
    def marked(self) -> bool:
        """Whether the phrase is done or negated (払った, 届かない): then it is never matched by
        its reading alone, which would not tell 払った from 払ったら."""
        return any("~" in lemma for lemma in self.lemmas)

    @property
    def weight(self) -> int:
        """How specific the phrase is: its number of content words."""
        return max(self.size, 1)


@dataclass(frozen=True)
class Understood:
    """The option the caller's words are about; or the topics to ask the caller between (one:
    to confirm); or neither ("not understood")."""

    menu: str | None = None
    key: str | None = None
    ask: tuple[str, ...] = ()  # topics as menu/key
    weight: int = 0  # the chosen desk's longest phrase found, in content words
    second: str | None = None  # the topic of the next desk's phrases found, if any (menu/key)
    unclear: bool = False  # asked because the words are about the line's subject and name no topic
    described: bool = False  # nothing chosen, but the words name something (a noun, verb or adjective)
    # the chosen desk is asked for by its number (人権110番, 188; the police by name too: 警察):
    # answered as chosen, whatever the callers' examples say (flow.py)
    direct: bool = False

    @property
    def topic(self) -> str:
        """The topic as records keep it: menu/key, or not_understood."""
        return f"{self.menu}/{self.key}" if self.menu else NOT_UNDERSTOOD


NOT_UNDERSTOOD = "not_understood"


class Matcher:
    """Chooses an option from a caller's words, asks when two desks are close, or finds none."""

    def __init__(self, options: Iterable[tuple[str, str, str, bool, tuple[str, ...]]],
                 analyse: Analyser, min_confidence: float = 0.4, *,
                 vague: tuple[str, ...] = (), vague_ask: tuple[str, ...] = (),
                 kept: frozenset[str] = frozenset(), names: dict[str, str] | None = None):
        """`options`: (menu id, key, desk id, urgent, says phrases) for each option that has any.

        `vague`: phrases about the line's subject that name no topic (変なメール); heard with no
        topic, the caller is asked between the topics `vague_ask`. `kept`: desks whose words are
        never passed over for another desk's without asking (the center's own work). `names`:
        each desk's name and phone as written (警察相談専用電話 #9110), so that a phrase naming
        the desk or holding its number is known (`Phrase.named`).
        """
        self.analyse = analyse
        self._names = {desk: _lemmas(analyse.words(name)) for desk, name in (names or {}).items()}
        # the numbers in each desk's name and phone (110 of 人権110番, 9110, 188, 24 of 24時間)
        self._numbers = {desk: tuple(re.findall(r"[0-9]+", unicodedata.normalize("NFKC", name)))
                         for desk, name in (names or {}).items()}
        self.min_confidence = min_confidence
        self.kept = kept
        phrases = []
        for menu, key, desk, urgent, says in options:
            for text in says:
                phrases.append(self._phrase(menu, key, desk, urgent, text))
        self.phrases = tuple(p for p in phrases if p.lemmas or len(p.reading) >= MIN_READING)
        vague_phrases = [self._phrase("", "", "", False, text) for text in vague]
        self.vague = tuple(p for p in vague_phrases if p.lemmas or len(p.reading) >= MIN_READING)
        self.vague_ask = vague_ask

    def _phrase(self, menu: str, key: str, desk: str, urgent: bool, text: str) -> Phrase:
        words = self.analyse.words(text)
        size = len({lemma.split("~")[0] for lemma in _lemmas(words, parts=False)
                    if not lemma[:1].isdigit()})  # 24時間 weighs as 時間
        lemmas = _lemmas(words)
        numbered = self._numbered(lemmas, desk)
        named = bool(lemmas) and (lemmas <= self._names.get(desk, frozenset()) or numbered)
        return Phrase(menu, key, desk, urgent, text, lemmas, _reading(words), size,
                      len(_clauses(words)) > 1, named, numbered)

    def _numbered(self, lemmas: frozenset[str], desk: str) -> bool:
        """Whether a phrase holds a number of its desk's own (110番 for the police's #9110, 188):
        asked for by it. A number of two digits at least; 二段階認証 or 二重に引き落とされた only
        say how many."""
        numbers = self._numbers.get(desk, ())
        return any(len(digits) >= 2 and any(digits in number for number in numbers)
                   for digits in (re.match(r"[0-9]*", lemma)[0] for lemma in lemmas))

    def hints(self) -> tuple[str, ...]:
        """Every phrase once, for Twilio's recogniser to expect: the urgent options' all first,
        then one of each other option's in turn, in file order, so that where there are more than
        Twilio takes (MAX_HINTS) every option keeps its first phrases."""
        by_option: dict[tuple[str, str], list[str]] = {}
        for p in self.phrases:
            if not p.urgent:
                by_option.setdefault((p.menu, p.key), []).append(p.text)
        urgent = [p.text for p in self.phrases if p.urgent]
        turns = [p for texts in itertools.zip_longest(*by_option.values()) for p in texts if p]
        return tuple(dict.fromkeys(urgent + turns))[:MAX_HINTS]

    def matches(self, heard: str | list[Word], phrases: tuple[Phrase, ...] | None = None) -> list[Phrase]:
        """Every phrase (of `phrases`, by default the options') found in what was heard (its
        text, or its words as the analyser cut them)."""
        words = self.analyse.words(heard[:MAX_HEARD]) if isinstance(heard, str) else heard
        whole, readings = _lemmas(words), _spans(words)
        parts = _clauses(words)
        clauses = [whole] if len(parts) == 1 else [_lemmas(clause) for clause in parts]
        return [p for p in (self.phrases if phrases is None else phrases)
                if (p.lemmas and p.lemmas <= whole
                    and (p.across or any(p.lemmas <= lemmas for lemmas in clauses)))
                or (len(p.reading) >= MIN_READING and p.reading in readings and not p.marked)]

    def understand(self, heard: str, confidence: float | None = None) -> Understood:
        """The option meant, if the words and the recogniser's confidence make it clear; the
        topics to ask between, if two desks are close; else nothing."""
        if not heard.strip() or (confidence is not None and confidence < self.min_confidence):
            return Understood()
        words = self.analyse.words(heard[:MAX_HEARD])
        # 子供じゃないです, 請求はされてないです: a phrase of a word said not to be so is not found
        denied = {w[0] for i, w in enumerate(words) if w[2] == "名詞" and _denied(words, i)}
        found = [p for p in self.matches(words)
                 if "ない" in p.lemmas or denied.isdisjoint(p.lemmas)]
        # A phrase found inside another desk's longer phrase says nothing of its own
        # (迷惑メール inside 迷惑メールを送っている; 110番 inside みんなの人権110番). A phrase heard by
        # its reading alone (no content word: どこに相談, いなくなった) is inside every phrase, and
        # yields to any other desk's unless it is a danger's (息子がいなくなって is the police's).
        found = [p for p in found if (p.urgent and not p.lemmas)
                 or not any(q.desk != p.desk and p.lemmas < q.lemmas for q in found)]
        urgent = [p for p in found if p.urgent]
        if urgent:
            best = max(urgent, key=lambda p: p.weight)
            def heft(p: Phrase) -> tuple[int, bool]:  # the center's own words count one more
                return p.weight + (p.desk in self.kept), p.desk in self.kept

            rival = max((p for p in found if p.desk != best.desk), key=heft, default=None)
            # The police named and nothing of their danger told (警察ですか…アカウントに誰かが
            # 入った): the office a caller asks for is often not the one for the trouble told
            # after it, so another desk's words count as much as the name.
            only_named = all(p.named and not p.numbered for p in urgent)
            if (rival is not None and not best.marked
                    and (heft(rival)[0] > best.weight
                         or (only_named and heft(rival)[0] >= best.weight))):
                # Another desk's words say more than a bare word of the danger's (警察に言うほど
                # では…広告のメール), or as much if they are the center's own work: the caller is
                # asked which, the danger first, never passed by unasked. Money paid or taken
                # (払ってしまった, marked as done) is not asked about here.
                return Understood(ask=(f"{best.menu}/{best.key}", f"{rival.menu}/{rival.key}"))
            return Understood(best.menu, best.key, weight=best.weight, direct=best.named)
        if not found:
            if self.vague and self.vague_ask and self.matches(words, self.vague):
                return Understood(ask=self.vague_ask, unclear=True)
            return Understood(described=_describes(words))
        # Each desk scores its longest phrase found, then all its phrases found together.
        scores: dict[str, tuple[int, int]] = {}
        best_of: dict[str, Phrase] = {}
        for p in found:
            longest, total = scores.get(p.desk, (0, 0))
            scores[p.desk] = (max(longest, p.weight), total + p.weight)
            if p.desk not in best_of or p.weight > best_of[p.desk].weight:
                best_of[p.desk] = p
        ranked = sorted(scores, key=lambda desk: scores[desk], reverse=True)
        first = best_of[ranked[0]]
        # the desk asked for by its number (人権110番, 188): as a caller who named the police
        named = any(p.desk == ranked[0] and p.numbered for p in found)
        if len(ranked) == 1:
            return Understood(first.menu, first.key, weight=first.weight, direct=named)
        second = best_of[ranked[1]]
        kept = [d for d in ranked[1:] if d in self.kept]
        if kept and ranked[0] not in self.kept:
            # Words of the center's own work are never passed over without asking.
            second = best_of[kept[0]]
        elif scores[ranked[0]][0] > scores[ranked[1]][0] + (ranked[0] in self.kept):
            # The center's own words lead by two words or more (ラインのお知らせが届く, one
            # word ahead of ライン, is asked about: a notice from a service is its own matter).
            return Understood(first.menu, first.key, weight=first.weight, direct=named,
                              second=f"{second.menu}/{second.key}")
        return Understood(ask=(f"{first.menu}/{first.key}", f"{second.menu}/{second.key}"))

    def among(self, heard: str, topics: tuple[str, ...]) -> str | None:
        """Which of `topics` (menu/key) the words name, by the options' phrases, never one they
        deny (請求されていません, 広告じゃないです); None if none or not one more than the others."""
        words = self.analyse.words(heard[:MAX_HEARD])
        whole = _lemmas(words)
        found = [p for p in self.matches(words)
                 if f"{p.menu}/{p.key}" in topics and not _denies(whole, p)]
        weights: dict[str, int] = {}
        for p in found:
            topic = f"{p.menu}/{p.key}"
            weights[topic] = max(weights.get(topic, 0), p.weight)
        ranked = sorted(weights.items(), key=lambda item: item[1], reverse=True)
        if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]


    def denies(self, heard: str, topics: tuple[str, ...]) -> bool:
        """Whether the words deny one of `topics` (menu/key): お金は請求されていません to a
        question about 身に覚えのない請求."""
        words = self.analyse.words(heard[:MAX_HEARD])
        whole = _lemmas(words)
        return any(_denies(whole, p) for p in self.matches(words) if f"{p.menu}/{p.key}" in topics)


def _denies(lemmas: frozenset[str], phrase: Phrase) -> bool:
    """Whether words (their lemmas) deny what a phrase names: a word of it said not to be so,
    where the phrase itself is not negated."""
    return "ない" not in phrase.lemmas and any(f"{lemma}~ない" in lemmas for lemma in phrase.lemmas)


class Phrases:
    """A few fixed phrases, each standing for one thing (again, transfer, yes, no, …), found in
    words by the same analyser. Short replies count here (はい, いいえ), so every word but
    particles and auxiliaries is kept, negation as ない."""

    def __init__(self, meanings: Iterable[tuple[str, tuple[str, ...]]], analyse: Analyser,
                 requests: frozenset[str] = frozenset()):
        """`requests`: meanings asked for, not told of: their phrases are not found where their
        verb was said as done (メッセージを送ってきた tells of a message, it asks for none)."""
        self.analyse = analyse
        self.requests = requests
        self.phrases = tuple((meaning, text, _all_lemmas(analyse.words(text)))
                             for meaning, says in meanings for text in says)
        # A phrase of no word but particles and auxiliaries (ちゃう, んだ: dialect no and yes) is
        # heard only as the whole of what was said.
        self.whole = {normalise(text): meaning for meaning, text, lemmas in self.phrases if not lemmas}
        self.texts = tuple((meaning, text) for meaning, text, _ in self.phrases)  # hints, in order
        self.phrases = tuple(p for p in self.phrases if p[2])

    def hints(self, meanings: Iterable[str] | None = None) -> tuple[str, ...]:
        """The phrases (of these meanings, by default all), for the recogniser."""
        wanted = None if meanings is None else set(meanings)
        return tuple(dict.fromkeys(text for meaning, text in self.texts
                                   if wanted is None or meaning in wanted))

    def found(self, heard: str, alone: bool = False) -> dict[str, int]:
        """Each meaning whose phrases are in what was heard, with its longest phrase's length.

        `alone`: only where the phrases are most of what was said, with at most MAX_ASIDE
        content words besides them (すみません、もう一回, 耳が遠いのでもう一度): words that describe
        something (パソコンが再起動を繰り返す) are not a request to hear the menu again."""
        words = self.analyse.words(heard[:MAX_HEARD])
        lemmas = _all_lemmas(words)
        read = _lemmas(words, parts=False)
        content = {lemma.split("~")[0] for lemma in read} - _FILLERS
        done = {lemma[:-2] for lemma in read if lemma.endswith("~た")} | _supposed(words)
        weights: dict[str, int] = {}
        covered: dict[str, set[str]] = {}
        whole = self.whole.get(normalise(heard))
        if whole is not None:
            weights[whole], covered[whole] = 1, set()
        for meaning, _, phrase in self.phrases:
            if phrase <= lemmas and not (meaning in self.requests and phrase & done):
                weights[meaning] = max(weights.get(meaning, 0), len(phrase))
                covered.setdefault(meaning, set()).update(phrase)
        if alone:
            weights = {meaning: weight for meaning, weight in weights.items()
                       if len(content - covered[meaning]) <= MAX_ASIDE}
        return weights

    def find(self, heard: str, alone: bool = False) -> str | None:
        """The meaning of the phrases in what was heard, if one is clear (None if two tie);
        `alone` as in `found`."""
        ranked = sorted(self.found(heard, alone).items(), key=lambda item: item[1], reverse=True)
        if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]


# A key said aloud instead of pressed: the whole of what was heard once the words around a key
# are taken off (いち, 1番, えーと4番, よん番です, ２), or one "<digit>番" in a short request
# (そうですね、4番, 4番にします, 1番をお願いしたいんですが). し and く (4 and 9) are left out:
# alone, they are more often a word cut short than a key; いちばん only alone (else: "most").
_KEY_NAMES = {"0": "0", "〇": "0", "零": "0", "ぜろ": "0", "れい": "0", "1": "1", "一": "1", "いち": "1",
              "2": "2", "二": "2", "に": "2", "3": "3", "三": "3", "さん": "3", "4": "4", "四": "4",
              "よん": "4", "5": "5", "五": "5", "ご": "5", "6": "6", "六": "6", "ろく": "6", "7": "7",
              "七": "7", "なな": "7", "しち": "7", "8": "8", "八": "8", "はち": "8", "9": "9", "九": "9",
              "きゅう": "9"}
_FILLER = r"(?:えと|えっと|ええと|え|あの|あのう|じゃあ|じゃ|では|そうですね|うん|はい)*"
_AROUND_KEY = re.compile(_FILLER + r"(.+?)(?:ばん|番)?(?:を|で)?"
                         r"(?:おします|押します|おねがいします|お願いします|です)?")
_KEY_IN = re.compile(r"(?<![0-9])([0-9])番(?![0-9目号地線台])")
MAX_KEY_REQUEST = 24  # characters of a short request that names a key (1番をお願いしたいんですが)


def spoken_key(heard: str) -> str | None:
    """The key a caller said instead of pressing it, or None when the words are more than a
    key (a number of a desk, 110番, a "first" meant as "most", a trouble described)."""
    text = normalise(heard)  # one width, lower case, hiragana; no spaces, punctuation or ー
    found = _AROUND_KEY.fullmatch(text)
    if found and found.group(1) in _KEY_NAMES:
        return _KEY_NAMES[found.group(1)]
    keys = _KEY_IN.findall(text) if len(text) <= MAX_KEY_REQUEST else []
    return keys[0] if len(keys) == 1 else None


_FUNCTION_WORDS = ("助詞", "助動詞", "補助記号", "空白")
_NAMING = ("名詞", "動詞", "形容詞", "形状詞")
_FILLERS = frozenset({"えーと", "ええと", "ううん", "うーん", "一寸", "もしもし", "すむ", "済む", "聞こえる", "御免", "失礼", "違う",
                      "無い", "ない", "有り難う", "御座る", "どうも", "御"})


def _describes(words: list[Word]) -> bool:
    """Whether words name something: a noun, verb or adjective that carries a topic (not
    えーと, すみません or 聞こえますか, which only fill the silence)."""
    return any(pos in _NAMING and lemma not in _EMPTY and lemma not in _FILLERS
               and not lemma.isdigit() for lemma, _, pos, _, _ in words)


def _supposed(words: list[Word]) -> set[str]:
    """The verbs said as a supposition (転送したら, つないだら, 送れば: if …), with a noun before
    する: a request's phrase said so asks for nothing (このメール転送したら調べてもらえますか)."""
    found: set[str] = set()
    for i, (lemma, reading, pos, _, _) in enumerate(words[1:], start=1):
        if (pos == "助動詞" and lemma == "た" and reading in ("タラ", "ダラ")) or (pos == "助詞" and lemma == "ば"):
            verb = words[i - 1]
            if verb[2] == "動詞":
                found.add(verb[0])
                if i >= 2 and words[i - 2][2] == "名詞":
                    found.add(words[i - 2][0])
    return found


def _all_lemmas(words: list[Word]) -> frozenset[str]:
    """Every word of a short reply in dictionary form but particles and auxiliaries; negation
    kept as ない."""
    return frozenset("ない" if lemma in _NEGATION else lemma for lemma, _, pos, _, _ in words
                     if lemma in _NEGATION or pos not in _FUNCTION_WORDS)


def ends_in_a_predicate(text: str) -> bool:
    """Whether a text ends in a verb, an adjective or an auxiliary (消えない), which reads badly
    before は and a key (…消えないは2; …消えないときは2 reads well)."""
    words = [w for w in analyser().words(text) if w[2] not in ("補助記号", "空白")]
    return bool(words) and words[-1][2] in ("動詞", "形容詞", "助動詞")
