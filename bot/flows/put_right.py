"""The problem put right in plain words: what it is not (``form.denial_words``: "不是对面的") and
what it is (``form.put_right_intros``: "是楼上的空调"), at the restatement or while the form is
still taken; the place put right so ("是地下车库B2层 不是B1"); and the phone's last digit put right
("电话最后一位是9")."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from itertools import islice, pairwise

from bot.config import Intent
from bot.core.timeline import TimelineKind
from bot.flows.fragments import told_already
from bot.flows.place_words import PLACE_ANSWER_EDGES
from bot.flows.slots import corrected_area, kept_place, without_openers
from bot.flows.summary import only_answers, pauses
from bot.flows.turn import Turn
from bot.understanding.patterns import alternation

_TAKING_BACK = frozenset({Intent.CORRECTION, Intent.NO, Intent.APOLOGY})
"""What a pause saying the customer said it wrong holds ("我说错了", "sorry I said it wrong")."""
_NO_OR_SORRY = frozenset({Intent.NO, Intent.APOLOGY})
"""What a pause taking back the words before it holds, when what is right follows ("不对", "no wait", "sorry")."""
_NUMERALS = {char: str(digit) for digit, char in enumerate("零一二三四五六七八九")} | {"〇": "0"}
_DIGIT_AFTER = re.compile(r"\D{0,12}?([0-9零〇一二三四五六七八九])(?![0-9零〇一二三四五六七八九])")


def denies(turn: Turn, text: str) -> bool:
    """The message says what the problem is not ("是楼上的空调 不是对面的"), with something else
    besides the denial."""
    parts = pauses(text)
    return len(parts) > 1 and any(turn.says_any(part, turn.kit.form.denial_words) for part in parts)


def problem_put_right(turn: Turn, text: str, *, restated: bool) -> list[str] | None:
    """The description as the message puts it right, or None when it puts nothing right.

    The pauses that deny nothing and answer more than yes or no say what is right. When they tell
    a problem of their own ("是 但是问题不是路灯 是电梯坏了") they are the problem; else what is
    denied ("不是保洁", "不是对面的") is replaced by them in the problem ("我要投诉保安", "我家楼上的
    空调滴水…"); else, at the restatement (``restated``), a no and what is right ("哦不对 是晚上十点
    以后还在钻") is the problem. A denial of nothing said ("不是我说 你们物业太差了") puts nothing right.
    What the message says before it takes it back (:func:`meant_pauses`: "停水了 哦不对 是停电了") is
    never right; while the form is taken, what is right then joins the problem told before.
    At the restatement, a problem taken back ("还是电梯的事 电梯坏了") is put right as
    :func:`problem_taken_back` says."""
    form = turn.kit.form
    taken_back = problem_taken_back(turn, text) if restated else None
    if taken_back is not None:
        return taken_back
    parts = pauses(text)
    # "问题说错了", "问题写得不全": about the restatement, never part of the problem.
    faults = {part: kind for part in parts if (kind := fault_of(turn, part)) is not None} if restated else {}
    correcting = bool(turn.intents & {Intent.CORRECTION, Intent.NO}) or bool(faults)
    if not correcting and not turn.says_any(text, form.denial_words):
        return None  # most messages: nothing denied, no "不对", nothing to read again
    parts, took_back = meant_pauses(turn, text)
    denied = [part for part in parts if turn.says_any(part, form.denial_words)]
    denials = set(denied)
    kept = [part for part in parts if part not in denials and part not in faults and not _only_answers(turn, part)]
    kept = [part for part in kept if not _says_it_was_said_wrong(turn, part) and not _only_no_or_sorry(turn, part)]
    if not kept or len(kept) == len(parts):
        return None
    right = _without_intro(turn, " ".join(kept))
    if not right:
        return None
    description = turn.step.data.description
    if took_back and not restated:
        # "停水了 哦不对 是停电了" while the form is taken: the message takes back its own words, never
        # what was told before it; what is right is told beside that.
        understood = turn.read(right)
        if Intent.COMPLAINT not in understood.intents or understood.category is None:
            return None  # "漏水 不对 是楼上那家": no problem of its own, the message kept as told
        return list(description) if told_already(description, right) else [*description, right]
    replaced = next(
        (
            found
            for part in denied
            if (found := _replaced(turn, description, _what_is_denied(turn, part), right)) is not None
        ),
        None,
    )
    told = _tells_a_problem(turn, right) or (bool(denied or faults) and _another_kind(turn, right, description))
    if told and (correcting or replaced is not None):
        # "问题写得不全 是电梯坏了一个星期了": what is told completes the problem, never the words about it.
        return _completed(turn, description, right) if _INCOMPLETE in faults.values() and not denied else [right]
    if replaced is not None:
        return replaced
    if restated and correcting and not denied and (faults or _introduced(turn, " ".join(kept))):
        return _completed(turn, description, right) if _INCOMPLETE in faults.values() else [right]
    return None


def meant_pauses(turn: Turn, text: str) -> tuple[list[str], bool]:
    """The pauses of ``text`` from the last one taking back what was said before it in the message
    ("停水了 哦不对 是停电了" is 哦不对, 是停电了; "哦说错了 是电梯坏了"), a pause saying what is right
    and then what is not cut in two ("是电梯坏了不是门禁坏了" is 是电梯坏了, 不是门禁坏了); and whether
    anything said before was taken back. A no is a taking back only before what is right
    (``form.put_right_intros``: "不对 是…"): "物业说修好了 不对 根本没修好" takes nothing back."""
    parts = _pieces(turn, text)
    for at in range(len(parts) - 2, -1, -1):
        if _taking_back(turn, parts[at], parts[at + 1]):
            return parts[at:], any(not _only_answers(turn, part) for part in parts[:at])
    return parts, False


def puts_itself_right(turn: Turn, text: str) -> bool:
    """The message takes back words of its own before saying what is right ("停水了 哦不对 是停电了",
    "哦说错了 是电梯坏了", "唔係 係停電"), as :func:`meant_pauses` reads it."""
    if not turn.intents & {Intent.CORRECTION, Intent.NO}:
        return False  # most messages: no word of a no, no pause read again
    parts = _pieces(turn, text)
    return any(_taking_back(turn, part, following) for part, following in pairwise(parts))


def _pieces(turn: Turn, text: str) -> list[str]:
    """The pauses of ``text``, a no or a sorry run into what is right cut after it ("不对是15楼" is 不对,
    是15楼; "sorry I mean the power is off" is sorry, I mean the power is off) and what is right then
    what is not cut at the denial ("是15楼不是5楼" is 是15楼, 不是5楼)."""
    intros = _longest_first(tuple(turn.kit.form.put_right_intros))
    rules = turn.kit.rules.intents
    noes = _longest_first(
        tuple(word for intent in _NO_THEN_SORRY if (rule := rules.get(intent)) is not None for word in rule.keywords)
    )
    denials = _denials(turn)
    lowered_denials = frozenset(word.lower() for word in denials)
    denial = _denial_pattern(denials)
    english_no = _english_no_run(noes, intros, lowered_denials)
    return [
        piece
        for part in pauses(text)
        for said in _cut_before_a_no(part, english_no)
        for run in _no_then_right(turn, said, noes, lowered_denials, intros)
        for piece in _right_then_denied(turn, run, intros, denial)
    ]


_NO_THEN_SORRY = (Intent.NO, Intent.APOLOGY)


@functools.lru_cache(maxsize=8)
def _english_no_run(noes: tuple[str, ...], intros: tuple[str, ...], denials: frozenset[str]) -> re.Pattern[str] | None:
    """An English no or sorry and a word introducing what is right, words of their own ("sorry I
    mean", "no wait it's"), compiled once per word list."""
    english_noes = [word.lower() for word in noes if word.isascii() and word.lower() not in denials]
    english_intros = [word.lower() for word in intros if word.isascii()]
    if not english_noes or not english_intros:
        return None
    return re.compile(rf"(?<![a-z'’])(?:{alternation(english_noes)})\s+(?:{alternation(english_intros)})(?![a-z])")


def _cut_before_a_no(part: str, english_no: re.Pattern[str] | None) -> list[str]:
    """``part`` cut before each English no or sorry run into what is right, typed without a comma
    ("the water is off sorry I mean the power is off" is the water is off, sorry I mean the power is off)."""
    lowered = part.lower()
    if english_no is None or len(lowered) != len(part):
        return [part]
    starts = [found.start() for found in english_no.finditer(lowered) if found.start() > 0]
    if not starts:
        return [part]
    return [piece for at, end in pairwise([0, *starts, len(part)]) if (piece := part[at:end].strip())]


def _no_then_right(
    turn: Turn, part: str, noes: tuple[str, ...], denials: frozenset[str], intros: tuple[str, ...]
) -> list[str]:
    """``part`` cut after the no or sorry it opens with when what is right follows at once ("不对是15楼",
    "错了应该是停电", "no it's 15/F", "sorry I mean the power is off"); ``part`` alone otherwise, and when
    its no is a denial ("不是5楼", "不是就是停电吗"). An English no is a word of its own ("nothing")."""
    read = _read_as_written(turn, part)
    no = next((word.lower() for word in noes if _opens_with(read, word.lower())), None)
    if no is None or no in denials:
        return [part]
    rest = read[len(no) :].lstrip()
    intro = next((word.lower() for word in intros if _opens_with(rest, word.lower())), None)
    if intro is None or not rest[len(intro) :].strip(PLACE_ANSWER_EDGES):
        return [part]
    return [part[: len(no)], part[len(no) :].strip()]


def _taking_back(turn: Turn, part: str, following: str) -> bool:
    """``part`` takes back what came before it: it says it was said wrong ("哦说错了"), or it only says
    no or sorry ("哦不对", "唔係", "no wait", "sorry") and ``following`` says what is right ("是停电了",
    "係停電", "it's no power", "I mean the power is off")."""
    if _says_it_was_said_wrong(turn, part):
        return True
    return _only_no_or_sorry(turn, part) and _introduced(turn, following)


def _only_no_or_sorry(turn: Turn, part: str) -> bool:
    """The pause says only no or sorry, or both ("不对", "no wait", "sorry", "no sorry"), nothing named."""
    read = turn.read(part)
    return bool(read.intents) and read.intents <= _NO_OR_SORRY and read.category is None


def _right_then_denied(turn: Turn, part: str, intros: tuple[str, ...], denial: re.Pattern[str]) -> list[str]:
    """``part`` cut where it denies after saying what is right ("是15楼不是5楼" is 是15楼, 不是5楼);
    ``part`` alone when it opens with none of ``intros`` or denies nothing after one ("是不是停电了"
    says nothing before its 不是)."""
    read = _read_as_written(turn, part)
    intro = next((word for word in intros if _opens_with(read, word.lower())), None)
    if intro is None:
        return [part]
    found = denial.search(read, len(intro))
    if found is None or not part[len(intro) : found.start()].strip(PLACE_ANSWER_EDGES):
        return [part]
    return [part[: found.start()].strip(), part[found.start() :].strip()]


def _denials(turn: Turn) -> tuple[str, ...]:
    """The words denying a part of the problem or of the place ("不是", "唔係", "not")."""
    return (*turn.kit.form.denial_words, *turn.kit.config.gazetteer.place_denial_words)


def denies_only(turn: Turn, part: str) -> bool:
    """``part`` opens with a denial ("不是5楼", "唔係停水"): what is not, never what is."""
    return _denial_pattern(_denials(turn)).match(_read_as_written(turn, part)) is not None


_FAULT = "fault"
_INCOMPLETE = "incomplete"
_SHORT_FAULT = 2
"""Characters of a fault word that counts only after the problem's item word ("问题不全"; "漏了" is a leak)."""


def fault_of(turn: Turn, part: str) -> str | None:
    """What a pause says of the restated problem when that is all it says: that it is wrong
    ("问题说错了", "我刚才说错了": ``form.fault_words``) or short of something ("问题写得不全":
    ``form.incomplete_words``); None for any other pause."""
    form, fields = turn.kit.form, turn.kit.rules.correction_fields
    pattern = _fault_pattern(
        tuple(word for word in fields.get("description", ()) if not word.isdigit()),
        tuple(form.fault_speakers),
        tuple(form.fault_words),
        tuple(form.incomplete_words),
        tuple(turn.kit.rules.fillers),
    )
    if pattern is None:
        return None
    found = pattern.fullmatch(turn.kit.understander.matchable(part).strip(PLACE_ANSWER_EDGES))
    if found is None:
        return None
    kind = _FAULT if found.group(_FAULT) is not None else _INCOMPLETE
    if found.group("item") is None and len(found.group(kind)) <= _SHORT_FAULT:
        return None
    return kind


def names_a_fault(turn: Turn, text: str) -> bool:
    """A pause of the message says only that the restated problem is wrong or short of something."""
    return any(fault_of(turn, part) is not None for part in pauses(text))


@functools.lru_cache(maxsize=8)
def _fault_pattern(
    items: tuple[str, ...],
    speakers: tuple[str, ...],
    faults: tuple[str, ...],
    incomplete: tuple[str, ...],
    fillers: tuple[str, ...],
) -> re.Pattern[str] | None:
    """A pause that is only a fault word, perhaps after whose words and the problem's item word."""
    if not faults and not incomplete:
        return None

    def any_of(words: tuple[str, ...]) -> str:
        return alternation(word.lower() for word in words if word) or "(?!)"

    speaker = rf"(?:(?:{any_of(speakers)})\s*)?"
    return re.compile(
        rf"{speaker}(?:(?P<item>{any_of(items)})\s*)?{speaker}"
        rf"(?:(?P<{_FAULT}>{any_of(faults)})|(?P<{_INCOMPLETE}>{any_of(incomplete)}))"
        rf"(?:\s*(?:{any_of(fillers)}))*"
    )


def _another_kind(turn: Turn, right: str, description: list[str]) -> bool:
    """What is said to be right is a complaint of another category than the problem restated
    ("不是漏水 是楼上半夜装修太吵" after 楼上漏水): a problem of its own, not a part put right."""
    understood = turn.read(right)
    if Intent.COMPLAINT not in understood.intents or understood.category is None:
        return False
    return turn.read("\n".join(description)).category != understood.category


def _completed(turn: Turn, description: list[str], right: str) -> list[str]:
    """``description`` completed by ``right``: the entries it tells again ("电梯坏了" in "电梯坏了一个
    星期了") give way to it; else it is added."""
    simplified = turn.kit.understander.simplified
    said = simplified(right)
    again = [entry for entry in description if simplified(entry).strip(PLACE_ANSWER_EDGES) in said]
    if not again:
        return [*description, right]
    first = description.index(again[0])
    return [*description[:first], right, *(entry for entry in description[first:] if entry not in again)]


def place_put_right(turn: Turn, text: str) -> str | None:
    """The place as the message puts it right, or None: a part of the place kept denied ("不是B1",
    "不是21楼", "not Tower 1", ``place_denial_words``) and what is right said with a word of an address
    level, in a pause of its own ("是地下车库B2层 不是B1") or the same one ("是12楼不是21楼", "its Tower 2
    not Tower 1"). The same kind of part (a floor for a floor: 21楼 → 12楼) takes its place; else what is
    right replaces the place's part at its level and below (金地广场地下车库B1层 is 金地广场地下车库B2层)."""
    area, marker = turn.step.data.area, turn.kit.area_marker
    if not area or marker is None:
        return None
    said = turn.kit.understander.simplified(area)
    stop = turn.kit.config.gazetteer.address_stop_chars
    # The message read as the place is ("不是21樓" denies the 21楼 of 阳光花园3栋21楼); the place is
    # said back in the customer's characters (``place_as_written``).
    for right, wrong in _rights_and_wrongs(turn, turn.kit.understander.simplified(text), said):
        at = said.lower().find(wrong.lower())
        right = _without_intro(turn, without_openers(turn, right))  # "哦 是12楼"
        if not right.isascii():
            right = right.replace(" ", "")
        if not right or marker.search(right) is None or any(char in stop for char in right if not char.isascii()):
            continue
        if _kind_of_part(right) == _kind_of_part(wrong):
            corrected = said[:at] + right + said[at + len(wrong) :]  # "21楼" → "12楼", "Tower 1" → "Tower 2"
        elif right.isascii():
            continue  # "flat 12B not 12C": English parts are put right by their kind (english_place_put_right)
        else:
            corrected = corrected_area(turn.kit, said, right)
        corrected = kept_place(corrected)
        return corrected if corrected != said else None
    return None


_NUMBERED_PARTS = re.compile(r"[0-9A-Za-z〇零幺一二三四五六七八九十两]+")


def place_part_put_right(turn: Turn, text: str) -> str | None:
    """The place with a part of it put right by a no and that part alone ("不对 是16楼B室",
    "唔係 係16樓B室", "不对 是5栋"), or None: the part (numbers with their level's words, a flat's
    letter) takes the place of the part at its level ("太古城金星阁12楼B室" is 太古城金星阁16楼B室),
    the rest of the place kept; never the problem."""
    area, marker = turn.step.data.area, turn.kit.area_marker
    if not area or marker is None or _tells_a_problem(turn, text):
        return None
    simplified = turn.kit.understander.simplified
    kept = [part for part in pauses(simplified(text)) if not _only_answers(turn, part)]
    if not kept:
        return None
    right = _without_no(turn, "".join(kept))
    right = _without_intro(turn, right).replace(" ", "")
    if not right or _PART_NUMBER_START.match(right) is None or marker.search(right) is None:
        return None
    if _NUMBERED_PARTS.sub("", marker.sub("", right)):
        return None  # more than numbered parts: a name, a thing ("16楼电梯")
    said = simplified(area)
    corrected = kept_place(corrected_area(turn.kit, said, right))
    return corrected if corrected != said else None


def place_part_after_a_denial(turn: Turn, text: str) -> str | None:
    """The place with a part of it put right by a bare denial and that part ("不是 是11期", "不是，是12栋",
    "唔係 係11期" for 阳光花园10期: 阳光花园11期), as :func:`place_part_put_right` puts it; None when
    the message opens with no denial of the place (``place_denial_words``), or the denial names what it
    denies ("不是11期": what is right is not said), or a name follows ("不是 是金星阁5栋": a place of
    its own, taken whole as any place is)."""
    if not turn.step.data.area:
        return None
    said = turn.kit.understander.simplified(text).strip(PLACE_ANSWER_EDGES)
    denial = _opening_denial(turn, said)
    if denial is None:
        return None
    rest = said[len(denial) :]
    right = rest.strip(PLACE_ANSWER_EDGES)
    if not right or (right == rest and not _introduced(turn, right)):
        return None  # "不是11期" denies 11期; "不是 11期" and "不是是11期" say it is right
    return place_part_put_right(turn, right)


def opens_with_a_place_denial(turn: Turn, text: str) -> bool:
    """The message opens with a Chinese denial of the place ("不是11期", "唔係…": ``place_denial_words``)."""
    return _opening_denial(turn, turn.kit.understander.simplified(text).strip(PLACE_ANSWER_EDGES)) is not None


def _opening_denial(turn: Turn, said: str) -> str | None:
    lowered = said.lower()
    denials = _longest_first(tuple(turn.kit.config.gazetteer.place_denial_words))
    return next((word for word in denials if not word.isascii() and lowered.startswith(word.lower())), None)


def what_is_right(turn: Turn, text: str, *, denied_beside: bool = False) -> str | None:
    """What a correction says is right, without its no and the word introducing it ("哦不对 是东门那边"
    is 东门那边, "sorry I mean Tower 3" Tower 3), or None when the message is no correction or says
    nothing beside the no. ``denied_beside``: a message with no word of a no is read too, for what
    it says beside what it denies ("sorry, 15th floor, not 5th" is 15th floor, "15楼 不是5楼" 15楼)."""
    correcting = bool(turn.intents & {Intent.CORRECTION, Intent.NO})
    if not correcting and not (denied_beside and _denial_pattern(_denials(turn)).search(text.lower())):
        return None
    parts, _ = meant_pauses(turn, text)
    kept = [
        part
        for part in parts
        if not _only_answers(turn, part)
        and not _says_it_was_said_wrong(turn, part)
        and not _only_no_or_sorry(turn, part)
    ]
    # "不对 是15楼 不是5楼": what is not right is never said back as what is.
    not_denied = [part for part in kept if not denies_only(turn, part)]
    if not correcting and (not not_denied or len(not_denied) == len(kept)):
        return None  # no no, and nothing denied beside what is said: nothing put right
    kept = not_denied or kept
    right = _without_intro(turn, _without_no(turn, without_openers(turn, " ".join(kept)) or " ".join(kept)))
    if right and any(_opens_with(right.lower(), word.lower()) for word in turn.kit.form.not_put_right_after):
        return None  # "no it's fine": all is well, nothing put right
    return right if right and right != text.strip(PLACE_ANSWER_EDGES) else None


_PART_NUMBER_START = re.compile(r"[0-9〇零幺一二三四五六七八九十两]")


def _without_no(turn: Turn, text: str) -> str:
    """``text`` without the no it opens with ("不对是16楼" is 是16楼; "唔系系16楼" is 系16楼)."""
    rule = turn.kit.rules.intents.get(Intent.NO)
    said = text.strip(PLACE_ANSWER_EDGES)
    for word in _longest_first(tuple(rule.keywords if rule is not None else ())):
        if word and said.lower().startswith(word.lower()) and len(said) > len(word):
            return said[len(word) :].strip(PLACE_ANSWER_EDGES)
    return said


def keep_place_put_right(turn: Turn, text: str) -> None:
    """At any step of the form, a part of the place kept put right in so many words ("12楼不是21楼",
    "不对 是12楼不是21楼") corrects the place at once (``turn.changed``), never more of the problem."""
    if "area" in turn.changed or turn.area:
        return
    corrected = place_put_right(turn, text) or place_part_after_a_denial(turn, text)
    if corrected is not None:
        turn.step.data.area = corrected
        turn.changed.add("area")
        turn.audit(TimelineKind.CORRECTED, field="area")
        turn.step.data.recorded_at = None


_DENIALS_READ = 3
"""Denial words read in one pause for a part of the place put right: a correction denies one
part, or two ("不是21楼是12楼 不是B座"); reading all that comes before each of a pause of thousands
("唔係唔係…") would cost the square of its length in the one thread that serves every customer."""


def _rights_and_wrongs(turn: Turn, text: str, said: str) -> Iterator[tuple[str, str]]:
    """What the message says is right and what it denies of the place ``said``, each pair a guess:
    in one pause ("是12楼不是21楼", "不是21楼是12楼"), then across pauses ("是地下车库B2层 不是B1").
    Only denials of a part of ``said`` are paired, the first found first: the pauses are read
    again (:func:`_only_answers`) for those alone."""
    denial = _denial_pattern(tuple(turn.kit.config.gazetteer.place_denial_words or turn.kit.form.denial_words))
    intros = _longest_first(tuple(turn.kit.form.put_right_intros))
    place = said.lower()

    def of_the_place(wrong: str) -> bool:
        return bool(wrong) and wrong.lower() in place

    parts = pauses(text)
    for part in parts:
        for word in islice(denial.finditer(part.lower()), _DENIALS_READ):
            before = part[: word.start()].strip(PLACE_ANSWER_EDGES)
            after = part[word.end() :].strip(PLACE_ANSWER_EDGES)
            intro = next((at for intro_word in intros if (at := after.find(intro_word)) > 0), -1)
            if intro > 0 and of_the_place(wrong := after[:intro].strip(PLACE_ANSWER_EDGES)):  # "不是21楼是12楼"
                yield after[intro:], wrong
            if before and of_the_place(after) and not _only_answers(turn, before):
                yield before, after
    # "not Tower 1", "不是B1": what the last denial of each pause denies.
    wrongs = {part: _after_the_last(denial, part) for part in parts if denial.search(part.lower())}
    denied = [wrong for wrong in wrongs.values() if of_the_place(wrong)]
    if not denied:
        return
    kept = [part for part in parts if part not in wrongs and not _only_answers(turn, part)]
    if kept:
        right = " ".join(kept)
        for wrong in denied:
            yield right, wrong


def _after_the_last(denial: re.Pattern[str], part: str) -> str:
    found = [*denial.finditer(part.lower())]
    return part[found[-1].end() :].strip(PLACE_ANSWER_EDGES) if found else ""


@functools.lru_cache(maxsize=64)
def _denial_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Any of ``words`` in a lowered text, an English one as a word of its own ("not", not "note")."""
    return re.compile(
        "|".join(
            rf"(?<![a-z]){re.escape(word.lower())}(?![a-z])" if word[-1:].isascii() else re.escape(word.lower())
            for word in _longest_first(words)
        )
    )


@functools.lru_cache(maxsize=64)
def _longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    """Configured words, the longest first, sorted once per word list, not for every message."""
    return tuple(sorted(words, key=len, reverse=True))


_NUMBERS_OF_A_PART = re.compile(r"[0-9〇零幺一二三四五六七八九十两\s]+")


def _kind_of_part(part: str) -> str:
    """What a part of a place is without its number ("12楼" and "二十一楼" are 楼, "Tower 2" is tower)."""
    return _NUMBERS_OF_A_PART.sub("", part).lower()


def english_place_put_right(turn: Turn, text: str) -> str | None:
    """The place as a message putting a part of it right in English says it, or None: the flat,
    room, block or floor it says is right ("no, it's 15/F not 5/F") in place of the one it says is
    wrong (``form.place_denial_words``: "not 5/F"), else of the place's part of the same kind (its
    floor, its flat: "no, it's 15/F"); the place as it is when it already says the right part."""
    area, parts = turn.step.data.area, turn.kit.english_parts
    if not area or parts is None or _tells_a_problem(turn, text):
        return None
    denials = turn.kit.form.place_denial_words
    denial = re.compile(rf"\b(?i:{alternation(denials)})\s+$") if denials else None
    right: re.Match[str] | None = None
    wrong: list[str] = []
    for part in parts.finditer(text):
        if denial is not None and denial.search(text[: part.start()]):
            wrong.append(part.group())
        elif right is None:
            right = part
    if denial is not None:
        # "not 12C": a flat's number alone, after a denial.
        wrong += [found.group(1) for found in re.finditer(rf"\b(?i:{alternation(denials)})\s+(\w+)\b", text)]
    if right is None:
        return None
    said = right.group()
    for denied in wrong:
        at = _part_in(area, denied)
        if at is not None:
            unit = right.group("unit")
            # "Flat 12C" put right by "flat 12B not 12C": the number, not the word again.
            new = said[len(unit) :].lstrip(" .") if unit and not parts.fullmatch(denied) else said
            return area[: at[0]] + new + area[at[1] :]
    kind = (right.group("unit") or "").lower()
    for found in parts.finditer(area):
        if (found.group("unit") or "").lower() == kind:
            return area[: found.start()] + said + area[found.end() :]
    if _part_in(area, said) is not None:
        return area
    if kind:
        return None
    # A floor put right ("15/F not 5/F") for a place that names none ("rm 1502 tower 3 the belcher's"):
    # the floor joins the place after the flat it opens with, as Hong Kong writes it (Flat 5C, 12/F, …).
    first = parts.search(area)
    gap = ", " if "," in area else " "
    if first is not None and first.start() == 0 and first.group("unit"):
        return area[: first.end()] + gap + said + gap + area[first.end() :].lstrip(" ,")
    return said + gap + area


def _part_in(area: str, part: str) -> tuple[int, int] | None:
    """Where ``part`` stands in ``area`` as a whole part ("5/F" is not in "15/F"), any case."""
    found = re.search(rf"(?<![\w/]){re.escape(part)}(?![\w/])", area, re.IGNORECASE)
    return found.span() if found is not None else None


def problem_taken_back(turn: Turn, text: str) -> list[str] | None:
    """The problem as a message taking it back says it ("算了 还是电梯的事 电梯坏了 楼道灯没事" is
    电梯坏了): its pauses telling a problem, when one pause opens with a ``form.take_back_intros``
    word and names a thing, not what is wrong with it ("还是没修" is no taking back), and the
    others are not only fine (``form.no_problem_words``: "楼道灯没事"); None otherwise."""
    form = turn.kit.form
    parts = pauses(text)
    back = {part for part in parts if _takes_back(turn, part)}
    if not back:
        return None
    told = [
        part
        for part in parts
        if part not in back and not turn.says_any(part, form.no_problem_words) and _tells_a_problem(turn, part)
    ]
    return [" ".join(told)] if told else None


def _takes_back(turn: Turn, part: str) -> bool:
    lowered = part.lower()
    intros = _longest_first(tuple(turn.kit.form.take_back_intros))
    intro = next((word for word in intros if lowered.startswith(word.lower())), None)
    if intro is None:
        return False
    rest = part[len(intro) :].strip(PLACE_ANSWER_EDGES)
    complaint = turn.kit.rules.complaint
    named = turn.read(rest).category is not None
    return bool(rest) and named and not turn.says_any(rest, [*complaint.problem_words, *complaint.symptom_words])


def _only_answers(turn: Turn, part: str) -> bool:
    """The pause only says yes or no, perhaps of the item it names first ("不对", "问题不对")."""
    if only_answers(turn.read(part).intents):
        return True
    lowered = part.lower()
    words = _longest_first(tuple(word for words in turn.kit.rules.correction_fields.values() for word in words))
    named = next((word for word in words if not word.isdigit() and lowered.startswith(word.lower())), None)
    rest = part[len(named) :].strip(PLACE_ANSWER_EDGES) if named else ""
    return bool(rest) and only_answers(turn.read(rest).intents)


def _says_it_was_said_wrong(turn: Turn, part: str) -> bool:
    """The pause only says the customer said it wrong ("我说错了", "sorry I said it wrong"): a correction
    and perhaps an apology, nothing named, no number."""
    read = turn.read(part)
    if Intent.CORRECTION not in read.intents or not read.intents <= _TAKING_BACK or read.category is not None:
        return False
    return not any(char.isdigit() for char in part) and not (read.slots.phone or read.slots.address)


def last_digit_put_right(turn: Turn, text: str) -> str | None:
    """The phone with its last digit as the message says ("最后一位是9"), or None."""
    phone = turn.step.data.phone
    if not phone:
        return None
    matchable = turn.kit.understander.matchable(text)
    for word in turn.kit.form.last_digit_words:
        at = matchable.find(word.lower())
        if at < 0:
            continue
        found = _DIGIT_AFTER.match(matchable, at + len(word))
        if found is not None:
            digit = found.group(1)
            return phone[:-1] + _NUMERALS.get(digit, digit)
    return None


def _tells_a_problem(turn: Turn, text: str) -> bool:
    """A complaint with a word for what is wrong ("电梯坏了"), not a thing alone ("楼上的空调")."""
    understood = turn.read(text)
    if Intent.COMPLAINT not in understood.intents or understood.category is None:
        return False
    complaint = turn.kit.rules.complaint
    return turn.says_any(text, [*complaint.problem_words, *complaint.symptom_words])


def _introduced(turn: Turn, text: str) -> bool:
    """``text`` opens with a word introducing what is right ("是停电了", "it's no power"), not with one
    saying more of the same thing after it (``form.not_put_right_after``: "it's been broken a week")."""
    form = turn.kit.form
    lowered = _read_as_written(turn, text.strip(PLACE_ANSWER_EDGES))
    intro = next(
        (word.lower() for word in _longest_first(tuple(form.put_right_intros)) if _opens_with(lowered, word.lower())),
        None,
    )
    if intro is None:
        return False
    rest = lowered[len(intro) :].lstrip()
    return not any(_opens_with(rest, word.lower()) for word in form.not_put_right_after)


def _opens_with(read: str, word: str) -> bool:
    """``read`` starts with ``word``, both lowered; an English word as a word of its own ("its" is not
    the start of "itself", "no" not of "nothing")."""
    if not read.startswith(word):
        return False
    after = read[len(word) : len(word) + 1]
    return not (word[-1:].isascii() and word[-1:].isalpha() and after.isascii() and after.isalpha())


def _read_as_written(turn: Turn, text: str) -> str:
    """``text`` in simplified characters and lower case, character for character as written ("係停電" is
    系停电, so 係 is read as the configured 系 and cut where it stands); lowered only when converting
    changes its length."""
    read = turn.kit.understander.simplified(text).lower()
    return read if len(read) == len(text) else text.lower()


def _without_intro(turn: Turn, text: str) -> str:
    """``text`` without the word introducing what is right ("是保安" is 保安, "係停電" 停電)."""
    said = text.strip(PLACE_ANSWER_EDGES)
    read = _read_as_written(turn, said)
    for intro in _longest_first(tuple(turn.kit.form.put_right_intros)):
        if _opens_with(read, intro.lower()):
            return said[len(intro) :].strip(PLACE_ANSWER_EDGES)
    return said


def _what_is_denied(turn: Turn, part: str) -> str:
    """What follows the last denial word of ``part`` ("问题不是路灯" denies 路灯, "唔係停水" 停水)."""
    lowered = _read_as_written(turn, part)
    ends = [lowered.rfind(word.lower()) + len(word) for word in turn.kit.form.denial_words if word.lower() in lowered]
    return part[max(ends) :].strip(PLACE_ANSWER_EDGES) if ends else ""


def _replaced(turn: Turn, description: list[str], denied: str, right: str) -> list[str] | None:
    """``description`` with ``denied`` (or it without trailing fillers: "对面的" is 对面) replaced
    by ``right``, less the words it shares around it ("楼上的空调" in place of "对面的" before
    "空调滴水" is 楼上的)."""
    fillers = [filler for filler in _longest_first(tuple(turn.kit.rules.fillers)) if filler]
    longest = max(map(len, description), default=0)
    first_alnum = next((at for at, char in enumerate(denied) if char.isalnum()), len(denied))
    end = len(denied)
    while end > 0:
        # Only what is as short as an entry can be in it: "的的…的" is not sought again for each 的.
        if first_alnum < end <= longest:
            candidate = denied[:end]
            for index, entry in enumerate(description):
                at = entry.find(candidate)
                if at < 0:
                    continue
                before, after = entry[:at], entry[at + len(candidate) :]
                new = _trimmed(right, before, after)
                return [*description[:index], before + new + after, *description[index + 1 :]]
        end -= next((len(filler) for filler in fillers if denied.endswith(filler, 0, end)), end)
    return None


def _trimmed(right: str, before: str, after: str) -> str:
    """``right`` less its longest end that ``after`` starts with and its longest start that
    ``before`` ends with, keeping at least one character."""
    for size in range(min(len(right) - 1, len(after)), 0, -1):
        if after.startswith(right[-size:]):
            right = right[:-size]
            break
    for size in range(min(len(right) - 1, len(before)), 0, -1):
        if before.endswith(right[:size]):
            right = right[size:]
            break
    return right
