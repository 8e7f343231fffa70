"""The problem put right in plain words: what it is not (``form.denial_words``: "不是对面的") and
what it is (``form.put_right_intros``: "是楼上的空调"), at the restatement or while the form is
still taken; the place put right so ("是地下车库B2层 不是B1"); and the phone's last digit put right
("电话最后一位是9")."""

from __future__ import annotations

import re

from bot.config import Intent
from bot.core.timeline import TimelineKind
from bot.flows.slots import PLACE_ANSWER_EDGES, corrected_area, kept_place, without_openers
from bot.flows.summary import only_answers, pauses
from bot.flows.turn import Turn
from bot.understanding.patterns import alternation

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
    At the restatement, a problem taken back ("还是电梯的事 电梯坏了") is put right as
    :func:`problem_taken_back` says."""
    form = turn.kit.form
    taken_back = problem_taken_back(turn, text) if restated else None
    if taken_back is not None:
        return taken_back
    correcting = bool(turn.intents & {Intent.CORRECTION, Intent.NO})
    if not correcting and not turn.says_any(text, form.denial_words):
        return None  # most messages: nothing denied, no "不对", nothing to read again
    parts = pauses(text)
    denied = [part for part in parts if turn.says_any(part, form.denial_words)]
    kept = [part for part in parts if part not in denied and not _only_answers(turn, part)]
    if not kept or len(kept) == len(parts):
        return None
    right = _without_intro(turn, " ".join(kept))
    if not right:
        return None
    description = turn.step.data.description
    replaced = next(
        (
            found
            for part in denied
            if (found := _replaced(turn, description, _what_is_denied(turn, part), right)) is not None
        ),
        None,
    )
    if _tells_a_problem(turn, right) and (correcting or replaced is not None):
        return [right]
    if replaced is not None:
        return replaced
    if restated and correcting and not denied and _introduced(turn, " ".join(kept)):
        return [right]
    return None


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
    for right, wrong in _rights_and_wrongs(turn, turn.kit.understander.simplified(text)):
        at = said.lower().find(wrong.lower()) if wrong else -1
        if at < 0:
            continue
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


_PART_NUMBER_START = re.compile(r"[0-9〇零幺一二三四五六七八九十两]")


def _without_no(turn: Turn, text: str) -> str:
    """``text`` without the no it opens with ("不对是16楼" is 是16楼; "唔系系16楼" is 系16楼)."""
    rule = turn.kit.rules.intents.get(Intent.NO)
    said = text.strip(PLACE_ANSWER_EDGES)
    for word in sorted(rule.keywords if rule is not None else [], key=len, reverse=True):
        if word and said.lower().startswith(word.lower()) and len(said) > len(word):
            return said[len(word) :].strip(PLACE_ANSWER_EDGES)
    return said


def keep_place_put_right(turn: Turn, text: str) -> None:
    """At any step of the form, a part of the place kept put right in so many words ("12楼不是21楼",
    "不对 是12楼不是21楼") corrects the place at once (``turn.changed``), never more of the problem."""
    if "area" in turn.changed or turn.area:
        return
    corrected = place_put_right(turn, text)
    if corrected is not None:
        turn.step.data.area = corrected
        turn.changed.add("area")
        turn.audit(TimelineKind.CORRECTED, field="area")
        turn.step.data.recorded_at = None


def _rights_and_wrongs(turn: Turn, text: str) -> list[tuple[str, str]]:
    """What the message says is right and what it denies, each pair a guess: in one pause ("是12楼不是21楼",
    "不是21楼是12楼"), then across pauses ("是地下车库B2层 不是B1")."""
    words = turn.kit.config.gazetteer.place_denial_words or turn.kit.form.denial_words
    denial = re.compile(
        "|".join(
            rf"(?<![a-z]){re.escape(word.lower())}(?![a-z])" if word[-1:].isascii() else re.escape(word.lower())
            for word in sorted(words, key=len, reverse=True)
        )
    )
    intros = sorted(turn.kit.form.put_right_intros, key=len, reverse=True)
    found: list[tuple[str, str]] = []
    parts = pauses(text)
    for part in parts:
        for denied in denial.finditer(part.lower()):
            before = part[: denied.start()].strip(PLACE_ANSWER_EDGES)
            after = part[denied.end() :].strip(PLACE_ANSWER_EDGES)
            intro = next((at for word in intros if (at := after.find(word)) > 0), -1)
            if intro > 0:  # "不是21楼是12楼"
                found.append((after[intro:], after[:intro].strip(PLACE_ANSWER_EDGES)))
            if before and not _only_answers(turn, before):
                found.append((before, after))
    denied_parts = [part for part in parts if denial.search(part.lower())]
    kept = [part for part in parts if part not in denied_parts and not _only_answers(turn, part)]
    if denied_parts and kept:
        right = " ".join(kept)
        for part in denied_parts:
            last = list(denial.finditer(part.lower()))[-1]  # "not Tower 1", "不是B1": what the last denies
            found.append((right, part[last.end() :].strip(PLACE_ANSWER_EDGES)))
    return found


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
    return area if _part_in(area, said) is not None else None


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
    back = [part for part in parts if _takes_back(turn, part)]
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
    intros = sorted(turn.kit.form.take_back_intros, key=len, reverse=True)
    intro = next((word for word in intros if lowered.startswith(word.lower())), None)
    if intro is None:
        return False
    rest = part[len(intro) :].strip(PLACE_ANSWER_EDGES)
    complaint = turn.kit.rules.complaint
    named = turn.kit.understander.understand(rest, turn.locale).category is not None
    return bool(rest) and named and not turn.says_any(rest, [*complaint.problem_words, *complaint.symptom_words])


def _only_answers(turn: Turn, part: str) -> bool:
    """The pause only says yes or no, perhaps of the item it names first ("不对", "问题不对")."""
    if only_answers(turn.kit.understander.understand(part, turn.locale).intents):
        return True
    lowered = part.lower()
    words = (word for words in turn.kit.rules.correction_fields.values() for word in words if not word.isdigit())
    named = next((word for word in sorted(words, key=len, reverse=True) if lowered.startswith(word.lower())), None)
    rest = part[len(named) :].strip(PLACE_ANSWER_EDGES) if named else ""
    return bool(rest) and only_answers(turn.kit.understander.understand(rest, turn.locale).intents)


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
    understood = turn.kit.understander.understand(text, turn.locale)
    if Intent.COMPLAINT not in understood.intents or understood.category is None:
        return False
    complaint = turn.kit.rules.complaint
    return turn.says_any(text, [*complaint.problem_words, *complaint.symptom_words])


def _introduced(turn: Turn, text: str) -> bool:
    lowered = text.strip(PLACE_ANSWER_EDGES).lower()
    return any(lowered.startswith(intro.lower()) for intro in turn.kit.form.put_right_intros)


def _without_intro(turn: Turn, text: str) -> str:
    """``text`` without the word introducing what is right ("是保安" is 保安)."""
    said = text.strip(PLACE_ANSWER_EDGES)
    for intro in sorted(turn.kit.form.put_right_intros, key=len, reverse=True):
        if said.lower().startswith(intro.lower()):
            return said[len(intro) :].strip(PLACE_ANSWER_EDGES)
    return said


def _what_is_denied(turn: Turn, part: str) -> str:
    """What follows the last denial word of ``part`` ("问题不是路灯" denies 路灯)."""
    lowered = part.lower()
    ends = [lowered.rfind(word.lower()) + len(word) for word in turn.kit.form.denial_words if word.lower() in lowered]
    return part[max(ends) :].strip(PLACE_ANSWER_EDGES) if ends else ""


def _replaced(turn: Turn, description: list[str], denied: str, right: str) -> list[str] | None:
    """``description`` with ``denied`` (or it without trailing fillers: "对面的" is 对面) replaced
    by ``right``, less the words it shares around it ("楼上的空调" in place of "对面的" before
    "空调滴水" is 楼上的)."""
    fillers = sorted(turn.kit.rules.fillers, key=len, reverse=True)
    candidates = [denied]
    while True:
        shorter = next((candidates[-1][: -len(f)] for f in fillers if f and candidates[-1].endswith(f)), None)
        if not shorter or shorter == candidates[-1]:
            break
        candidates.append(shorter)
    for candidate in candidates:
        if not any(char.isalnum() for char in candidate):
            continue
        for index, entry in enumerate(description):
            at = entry.find(candidate)
            if at < 0:
                continue
            before, after = entry[:at], entry[at + len(candidate) :]
            new = _trimmed(right, before, after)
            return [*description[:index], before + new + after, *description[index + 1 :]]
    return None


def _trimmed(right: str, before: str, after: str) -> str:
    """``right`` less its longest end that ``after`` starts with and its longest start that
    ``before`` ends with, keeping at least one character."""
    for size in range(len(right) - 1, 0, -1):
        if after.startswith(right[-size:]):
            right = right[:-size]
            break
    for size in range(len(right) - 1, 0, -1):
        if before.endswith(right[:size]):
            right = right[size:]
            break
    return right
