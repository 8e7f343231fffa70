"""The complaint form's items (description, phone, area, name) kept from every message: filled,
corrected, or a phone refused."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from bot.config import Intent, ServiceConfig, Signal
from bot.core.scripts import place_within, same_place
from bot.core.timeline import TimelineKind
from bot.flows import spots
from bot.flows.classify import normalise
from bot.flows.data import AREA_MAX_CHARS, DESCRIPTION_MAX_CHARS, FlowData
from bot.flows.fragments import told_already
from bot.flows.latin_place import latin_words_beside_the_phone
from bot.flows.place_words import LATIN_CHARS_PER_HAN, LONGEST_PLACE_ANSWER, PLACE_ANSWER_EDGES
from bot.flows.records import State
from bot.flows.turn import FlowKit, Turn
from bot.understanding.markup import without_markup
from bot.understanding.patterns import alternation
from bot.understanding.places import DASHED_FLAT, tidy_place
from bot.understanding.result import Understanding

RESTATED = frozenset(
    {State.CONFIRMING, State.CHOOSE_CORRECTION, State.CORRECT_DESCRIPTION, State.CORRECT_PHONE, State.CORRECT_AREA}
)
"""The customer has seen the restatement: what they give now corrects it."""
CORRECTION_CUES = frozenset({Intent.CORRECTION, Intent.NO})
_WHOM_ANGER_NAMES = 4
"""Characters an angry message may hold besides its emotional words and still say no problem."""
_EARLIER_COMPLAINT_REST = 2
""""我上个月就投诉过了" leaves 上 and 过: what is left of a pause only telling of an earlier complaint."""
_NUMBER = re.compile(r"[+\d][\d\s\-()]*")
_ENGLISH_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_MASHED_KEYS = re.compile(r"[bcdfghjklmnpqrstvwxz]{5,}", re.IGNORECASE)
_SPACE_AFTER_LATIN = re.compile(r"(?<=[A-Za-z])\s+")
_LEADING_PHONE = re.compile(r"^\+?(?:\d[\s\-]?){7,}[\s,，、]*")
_PHONE_INSIDE = re.compile(r"(?:\d[\s\-]?){7,}")


def append_description(turn: Turn, text: str) -> None:
    description = turn.step.data.description
    if told_already(description, text):
        return
    if text and (not description or sum(map(len, description)) + len(text) <= DESCRIPTION_MAX_CHARS):
        description.append(text)


def description_text(data: FlowData) -> str:
    return "\n".join(data.description)


def needs_no_place(turn: Turn) -> bool:
    """The problem told is a matter of no place (its category's ``placeless_keywords``: "话费乱收费",
    "app登录不了"), of no other category beside it: no question asks where it happened, on the form,
    for the duty supervisor or after the hand-off."""
    data = turn.step.data
    if not data.description:
        return False
    told = description_text(data)
    understood = turn.kit.understander.understand(told, turn.locale)
    if understood.category is None or understood.other_categories:
        return False
    return turn.says_any(told, turn.kit.rules.category(understood.category).placeless_keywords)


_FORM_STATES = frozenset({State.AWAIT_DESCRIPTION, State.AWAIT_PHONE, State.AWAIT_AREA})
"""The steps of the form, where a part told after the place known adds to it."""
_PHONE_ASKED = frozenset({State.AWAIT_DESCRIPTION, State.AWAIT_PHONE})
"""The steps of the form before the place is asked, where the phone is told or asked for."""


def keep_slots(turn: Turn, understood: Understanding) -> None:
    """Every item the understanding layer finds in any message is kept: a missing one is
    filled; one already known changes when the customer corrects it ("不对，电话是139…",
    "地址写错了，应该是6栋") or answers the restatement with it; a phone typed replaces the
    one the channel gave. What changed is in ``turn.changed`` for the state to act on."""
    data, state = turn.step.data, turn.step.state
    intents = understood.intents
    # Asked for the right place, the answer corrects it even when it names a thing ("绿城桂花园12楼电梯").
    correcting = (
        bool(intents & CORRECTION_CUES)
        or (state in RESTATED and Intent.COMPLAINT not in intents)
        or state is State.CORRECT_AREA
    )
    phone, second = turn.phone, turn.second_phone
    another = _another_to_try(turn, phone, second)
    if another:
        # "打不通的话打我老婆的138…" after the contact phone: a number to try too, not a new one.
        phone, second = data.phone, phone
    # "不是603 是630 13812340630" at any step: a whole new number with words taking one back puts the
    # phone right (``form.phone_tail_corrections``), unless it is a number to try too (above).
    puts_phone_right = correcting or (not another and _takes_a_number_back(turn, data.phone, phone, second))
    # "我换个号码 159…" while the complaint is taken: the new number is the phone.
    puts_phone_right = puts_phone_right or (
        data.case_number is None and second is None and _says_of(turn, turn.kit.form.phone_change_words)
    )
    other = _besides_the_kept(data.phone, phone, second)
    if puts_phone_right and other is not None and not another:
        # "不对 不是138…是139…": the number that is not the one kept is the right one, not another.
        phone, second = other, None
    # A number alone after another typed one, before the problem, puts it right ("我电话138…5555" /
    # "138…5556"); at the place question it is an answer holding no place.
    only_a_number = state in (State.NEW, State.AWAIT_DESCRIPTION) and not any(
        char.isalnum() for char in _NUMBER.sub("", understood.text)
    )
    vouched = data.phone if data.phone_from_channel and not puts_phone_right else None
    # "电话139… 打不通就打我老婆的139…": the 打不通 leads to the number to try, the typed phone is alive.
    to_try = second is not None and _says_of(turn, turn.kit.form.alternative_phone_words)
    dead = not another and not to_try and _says_of(turn, turn.kit.form.out_of_service_words)
    if vouched and phone and phone != vouched and dead:
        # "她的手机号138…被停机了" over SMS: the sender's number reaches the customer, the dead one never.
        phone, second = vouched, (second if second != vouched else None)
    replaces = not data.phone or puts_phone_right or only_a_number or data.phone_from_channel
    if phone and phone != data.phone and replaces:
        _changed(turn, "phone", TimelineKind.CONTACT_RECEIVED, replaced=bool(data.phone) and puts_phone_right)
        data.phone, data.phone_from_channel, data.contact_by_channel = phone, False, False
        data.phone_extension = turn.extension_of(phone)
        if vouched and second is None and _says_of(turn, turn.kit.form.others_phone_words):
            # "帮我妈投诉 她的手机号138…" over SMS: hers is the contact, the sender's the one to try too.
            second = vouched
    elif phone and phone == data.phone == turn.phone and turn.phone_extension:
        # The number again with its extension ("0755-26881234转8021" after "0755-26881234").
        if turn.phone_extension != data.phone_extension:
            turn.changed.add("phone")
        data.phone_extension = turn.phone_extension
    _keep_alternative(turn, phone, second)
    area = turn.area
    if not area and not data.area and turn.phone and state in _PHONE_ASKED:
        # "13812345678, Yangguang Huayuan 5 dong": a place in Latin letters the address parser cannot read.
        latin = latin_words_beside_the_phone(turn, understood.text)
        area = place_in_own_words(turn, latin) if latin is not None else None
    if area and state in (State.AWAIT_PHONE, State.AWAIT_AREA, State.CORRECT_AREA):
        area = whole_place_answer(turn, understood.text, area)
    if area and data.area and not correcting and state in _FORM_STATES and only_a_part(turn.kit, area):
        # "3号楼" after "住在红星小区": the building of the place known, more of it, never dropped.
        more = corrected_area(turn.kit, data.area, area)
        if more != data.area and more.startswith(data.area) and not same_place(more, data.area):
            _changed(turn, "area", TimelineKind.AREA_RECEIVED, replaced=False)
            data.area = kept_place(more)
    elif area and (not data.area or correcting):
        district = understood.slots.district
        # "不对 是海淀": the district alone, said short or in full, replaces the old one by its name (海淀区).
        only_district = district is not None and area in (district, understood.slots.district_words)
        if only_district and data.area:
            area = district or area
        # "地址错了 应该是翠湖天地2栋" for 阳光新城: another estate named replaces the place whole.
        renaming = data.area is not None and correcting and not only_district
        elsewhere = another_estate(turn.kit, data.area, area) if renaming and data.area else None
        new_area = elsewhere or (corrected_area(turn.kit, data.area, area, only_district) if data.area else area)
        if not same_place(new_area, data.area):
            _changed(turn, "area", TimelineKind.AREA_RECEIVED, replaced=bool(data.area))
            data.area = kept_place(new_area)
    slots = understood.slots
    # A surname said with a title ("是黎女士") is how the customer wants to be addressed: it puts
    # an earlier one right without a correction word ("哦不对 我姓黎 黎明的黎 是黎女士").
    renamed = correcting or bool(slots.honorific)
    if slots.surname and (not data.surname or renamed) and slots.surname != data.surname:
        _changed(turn, "name", None, replaced=bool(data.surname))
        data.surname, data.honorific, data.name = slots.surname, slots.honorific, slots.name
    elif slots.honorific and slots.surname == data.surname and slots.honorific != data.honorific:
        if not data.honorific:
            # "我是王女士" after "我姓王": how to address them is known now, said back (姓王 → 王女士).
            _changed(turn, "name", None, replaced=state in RESTATED)
            data.honorific = slots.honorific
        elif correcting:  # "不是王先生，是王女士"
            _changed(turn, "name", None, replaced=True)
            data.honorific = slots.honorific
    elif data.surname and not slots.surname and not slots.honorific and state in RESTATED:
        # "不对 我是女的", "是女的不是先生", "I'm a woman, Ms not Mr": the title put right, the surname kept.
        said = turn.kit.understander.matchable(understood.text)
        title = turn.kit.titles.title(said, data.surname, data.honorific)
        if title is not None:
            _changed(turn, "name", None, replaced=True)
            data.honorific = title
    if turn.changed:
        # An item given answers the bot's question: what the customer tells next is answered, not
        # heard out in silence as the rest of a problem still being typed (``form_reask_after``).
        data.recorded_at = None
    reassured = data.phone_refusals > 0
    # A "不对" answering "您确定不需要我们处理了吗？" keeps the complaint; it refuses no phone.
    refused = not data.withdrawing and _refuses_phone(turn.kit, state, understood, bool(turn.changed), reassured)
    if not data.phone and refused:
        data.phone_refusals += 1
        turn.refused = True
        turn.audit(TimelineKind.PHONE_REFUSED, times=data.phone_refusals)
        data.recorded_at = None  # an answer to the bot's question too, never heard out in silence


def _another_to_try(turn: Turn, phone: str | None, second: str | None) -> bool:
    """A message giving one number other than the contact phone kept, with words saying it is one
    to try when that does not answer (``form.alternative_phone_words``: "还有一个号码139…"), or a
    number alone answering the restatement of one the customer typed, while the complaint is still
    being taken (after the hand-off one given so is the case's alternative: ``case.corrected_contact``)."""
    data = turn.step.data
    if not (phone and data.phone and phone != data.phone and second is None) or data.case_number is not None:
        return False
    if turn.understood is None:
        return False
    if turn.says_any(turn.understood.text, turn.kit.form.alternative_phone_words):
        return True
    # Whether it puts the first right or is one more, nothing says: both are kept and restated
    # (电话 and 备用), the first the contact, so "不对 电话是…" can still put it right.
    return (
        turn.step.state is State.CONFIRMING
        and not data.phone_from_channel
        and not any(char.isalnum() for char in _NUMBER.sub("", turn.understood.text))
    )


def _says_of(turn: Turn, words: Iterable[str]) -> bool:
    return turn.understood is not None and turn.says_any(turn.understood.text, words)


def _takes_a_number_back(turn: Turn, kept: str | None, phone: str | None, second: str | None) -> bool:
    """A number other than the contact phone kept, with words taking the kept one back
    (``form.phone_tail_corrections``: "不是603 是630 13812340630", "sorry 13812340630")."""
    words = turn.kit.form.phone_tail_corrections
    if not (kept and phone and phone != kept and words) or turn.understood is None:
        return False
    # An English word whole: "no" is not inside "know" or "nobody".
    said = turn.kit.understander.matchable(turn.understood.text)
    return re.search(rf"(?<![a-z])(?:{alternation(word.lower() for word in words)})(?![a-z])", said) is not None


def _keep_alternative(turn: Turn, phone: str | None, second: str | None) -> None:
    """Two numbers in one message, one of them the contact phone: the other is the number to try
    when it does not answer ("电话138… 打不通就打我老婆的139…"). A contact phone corrected to
    the alternative is no alternative any more."""
    data = turn.step.data
    other = _besides_the_kept(data.phone, phone, second)
    if other is not None and other != data.alternative_phone:
        turn.changed.add("alternative_phone")
        turn.audit(TimelineKind.ALTERNATIVE_CONTACT_RECEIVED, replaced=data.alternative_phone is not None)
        data.alternative_phone, data.alternative_extension = other, turn.extension_of(other)
    elif other is not None and other == data.alternative_phone and (extension := turn.extension_of(other)):
        # The number again with its extension ("或者打010-62345678转8021" after "010-62345678").
        if extension != data.alternative_extension:
            turn.changed.add("alternative_phone")
        data.alternative_extension = extension
    if data.alternative_phone is not None and data.alternative_phone == data.phone:
        data.alternative_phone, data.alternative_extension = None, None


def _besides_the_kept(kept: str | None, phone: str | None, second: str | None) -> str | None:
    """Of two numbers in one message, the one that is not the contact phone kept; None unless
    there are two and one of them is it."""
    if second is None or kept not in (phone, second):
        return None
    return second if phone == kept else phone


def kept_place(area: str) -> str:
    """A place as a case keeps it: at most :data:`AREA_MAX_CHARS` characters."""
    return area[:AREA_MAX_CHARS]


def place_in_own_words(turn: Turn, text: str, *, put_right: bool = False) -> str | None:
    """The customer's words as the place, when they hold no address the understanding layer
    knows; None when they only say yes or no ("係 啱晒"), only words of not knowing, not wanting
    or fillers ("不知道", "随便", "你猜": ``bot/flows/not_a_place.py``), hold only characters never
    inside a place ("在", "我的": ``address_stop_chars``), or hold a forbidden phrase, which the
    restatement would say back. Markup typed or pasted with it (`翠湖天地"><img src=x onerror=alert(1)>`)
    is no part of the place: the words around it are the place, and markup alone is none.
    ``put_right``: ``text`` is what a correction says is right, its no already taken off ("不对，是15楼"
    is 15楼), so the message's no is no answer."""
    text = without_markup_around(text)
    place = _place_in_the_words(turn, text, put_right=put_right)
    return place if place is not None and _may_be_kept_as_a_place(turn, text) else None


_MARKUP_LEFT = re.compile(r"""["'<>]+""")
"""What markup leaves once its tags are gone: the quote and bracket that closed an attribute before a
tag (`"><img…>`), and a bracket of a tag cut short."""


def without_markup_around(text: str) -> str:
    """``text`` without markup tags (a script's code too) and what they leave: the words as typed
    around them; ``text`` itself when it holds no tag."""
    if "<" not in text:
        return text
    cut = without_markup(text)
    if cut == text:
        return text
    return " ".join(_MARKUP_LEFT.sub(" ", cut).split())


def _place_in_the_words(turn: Turn, text: str, *, put_right: bool = False) -> str | None:
    """The words a place could be, before the dearer checks of :func:`_may_be_kept_as_a_place`."""
    if not put_right and turn.understood is not None and turn.understood.intents & {Intent.YES, Intent.NO}:
        return None
    if not _could_be_a_place(turn, text):
        return None
    if only_a_place_lead_in(turn, text):
        return None  # "地址是", "住在": the place is still to come
    place = without_fillers_after(turn, without_openers(turn, text) or text)
    # "住在和平里": the words saying where they live are not the place ("住宅楼" keeps its 住).
    trigger_prefix = turn.kit.place_words.trigger_prefix
    if trigger_prefix is not None:
        place = trigger_prefix.sub("", place) or place
    if _characters_left(turn.kit.config, place) == 0 or _only_not_a_place(turn, place):
        return None
    return kept_place(place)


def _only_not_a_place(turn: Turn, place: str) -> bool:
    """``place`` says only somewhere that is never an address (``gazetteer.not_places``), once the
    characters never inside a place's name are taken out ("就在我家啊" is 家)."""
    said = turn.kit.understander.matchable(place).strip()
    bare = "".join(char for char in said if char not in turn.kit.address_stop_chars and not char.isspace())
    not_places = turn.kit.place_words.not_places_lowered
    return said in not_places or bare in not_places


def _may_be_kept_as_a_place(turn: Turn, text: str) -> bool:
    """Neither only words of not knowing ("不知道", "随便", "你猜", "not sure": no place on any path)
    nor a forbidden phrase, which the restatement would say back. Checked last: the dearest checks
    of a place, and most answers at the phone question are no place before them."""
    return not turn.kit.never_a_place(text) and turn.kit.guard.check(text) is None


def only_a_place_lead_in(turn: Turn, text: str) -> bool:
    """The message only leads in to a place still to be typed ("地址是", "住在", "我家在": the
    ``address_triggers`` and the words of ``correction_fields.area`` that end no place's name, with
    openers, whose and fillers): never a place on its own. "在" alone may say "I'm here" too: it is
    asked again at once, and is no place either."""
    words = turn.kit.place_words
    matchable = turn.kit.understander.matchable(text)
    if not any(word in matchable for word in words.lead_ins):
        return False
    left = _blanked(matchable, words.beside_lead_ins)
    return not any(char.isalnum() for char in left)


def named_as_a_place(turn: Turn, text: str) -> str | None:
    """The customer's words as the place when they end as a place does (an estate, a road, a
    building, a part of either: "南湖小区", "6栋门口"), tell no problem and no story; else None.
    Asked for something else (the phone), only such words are taken for where."""
    understood = turn.understood
    if understood is None or understood.intents or understood.category is not None or understood.signals:
        return None
    return _ends_as_a_place(turn, text)


def told_as_a_place(turn: Turn, text: str) -> str | None:
    """As :func:`named_as_a_place`, though the words name a category by the place's part ("翠湖天地
    地面停车场": a 停车场 is where, and no word says what is wrong there): the place told at any
    question while none is known. None when they say anything else (a problem, a story, a request)."""
    understood = turn.understood
    if understood is None or understood.intents - {Intent.COMPLAINT} or understood.signals:
        return None
    complaint = turn.kit.rules.complaint
    if turn.says_any(text, complaint.symptom_words):
        return None
    return _ends_as_a_place(turn, text)


def place_told_last(turn: Turn, text: str) -> str | None:
    """The last pause of ``text``, when it names a place by itself ("孩子还在车里 快来人啊 地下车库B2":
    the danger told again with where it is); None otherwise."""
    pauses = text.split()
    if len(pauses) < 2:
        return None
    return _ends_as_a_place(turn, pauses[-1])


def _ends_as_a_place(turn: Turn, text: str) -> str | None:
    if turn.says_any(text, turn.kit.form.story_words) or turn.says_any(text, turn.kit.rules.complaint.problem_words):
        return None
    place = _place_in_the_words(turn, text)
    if place is None or not _ends_as_a_place_name(turn, place):
        return None
    return place if _may_be_kept_as_a_place(turn, text) else None


def _ends_as_a_place_name(turn: Turn, place: str) -> bool:
    words = turn.kit.place_words
    if place.isascii() and _has_a_numbered_unit(turn.kit, place):
        # "Rm 1203, 12/F, Tower 5, Metro Harbour View, Tai Kok Tsui": a Hong Kong address, the
        # estate and the district after the flat and the tower, in Latin letters (longer than Han).
        return len(place) <= LONGEST_PLACE_ANSWER * LATIN_CHARS_PER_HAN
    if len(place) > LONGEST_PLACE_ANSWER:
        return False
    said = turn.kit.understander.simplified(place).rstrip(PLACE_ANSWER_EDGES)  # 停車場 ends as 停车场 does
    if said in words.not_places:
        return False
    return _ends_as_a_name_does(said, words.endings) or _ends_with_a_unit(turn.kit, said)


def _ends_as_a_name_does(said: str, endings: tuple[str, ...]) -> bool:
    """``said`` ends with one of ``endings`` and is more than that ending ("小区" ends as "区" does)."""
    if not said.endswith(endings):
        return False
    return said not in endings or any(said.endswith(ending) and said != ending for ending in endings)


def _has_a_numbered_unit(kit: FlowKit, said: str) -> bool:
    """Latin words holding an English unit and its number with a name beside them ("Rm 1203, 12/F,
    Tower 5, Metro Harbour View"): the number alone ("room 5") is not enough."""
    unit = kit.place_words.english_unit_inside
    found = unit.search(said) if unit is not None else None
    if found is None:
        return False
    rest = f"{said[: found.start()]} {said[found.end() :]}"
    return sum(1 for word in re.findall(r"[A-Za-z]+", rest) if word[0].isupper()) >= _NAMED_WORDS


_NAMED_WORDS = 2
"""Capitalised words beside an English unit that name where it is ("Metro Harbour")."""


def _ends_with_a_unit(kit: FlowKit, said: str) -> bool:
    """Words ending in an English unit and its number, after a name ("Green Park block 2", "Tower
    2 flat 5b"), as a Chinese place ends in 栋 or 室."""
    unit = kit.place_words.english_unit_at_end
    ending = unit.search(said) if unit is not None else None
    return ending is not None and bool(said[: ending.start()].strip())


def place_as_written(turn: Turn) -> str | None:
    """The place as the customer wrote it, for a customer writing traditional characters: kept
    from the message that gave it ("台中市西屯區台灣大道三段99號", stored as 台中市西屯区台湾大道三段99号),
    since converting the stored place back would write other characters (臺中市). None when the
    customer writes simplified characters or the place is not in their words as it stands."""
    data = turn.step.data
    if not data.area or not data.traditional:
        return None
    simplified = turn.kit.understander.simplified
    meant = simplified(data.area)
    if data.area_written is not None and simplified(data.area_written) == meant:
        return data.area_written
    said = unicodedata.normalize("NFKC", turn.understood.text) if turn.understood is not None else ""
    read = simplified(said)
    found = re.search(r"\s*".join(map(re.escape, meant)), read) if len(read) == len(said) else None
    written = tidy_place(said[found.start() : found.end()]) if found is not None else None
    if not written:
        # Put right in part ("12樓不是21樓" for 陽光花園3棟21樓): the place in the characters the
        # customer wrote it and this message in.
        written = _in_their_characters(simplified, meant, (data.area_written or "", said))
    data.area_written = written or None
    return data.area_written


def _in_their_characters(simplified: Callable[[str], str], meant: str, written: Iterable[str]) -> str | None:
    """``meant`` (simplified) with each character the customer wrote otherwise in ``written`` as they
    wrote it (园 as their 園, 台 left as they left it, never OpenCC's 臺); None when none is."""
    theirs: dict[str, str] = {}
    for text in written:
        read = simplified(text)
        if len(read) == len(text):  # one character for one, as OpenCC converts most
            theirs.update((after, before) for before, after in zip(text, read, strict=True) if before != after)
    kept = "".join(theirs.get(char, char) for char in meant)
    return kept if kept != meant else None


def within_place(kit: FlowKit, old: str, new: str) -> str:
    """The place ``new`` told after ``old``: when ``old`` names only a part of a place (a building,
    a gate: "6栋门口") and ``new`` names no part of its own, ``old`` is inside it ("紫郡长安" makes
    紫郡长安6栋门口; a spot alone goes after an estate or a building: "阳光花园3栋" and "我家楼下" make
    阳光花园3栋楼下); otherwise ``new`` in its place. In English, ``old`` only a flat, floor or block, the
    parts go first ("15/F" and "Taikoo Shing Tower 3" are "15/F, Tower 3, Taikoo Shing")."""
    english = kit.english_pieces.joined(old, new)
    if english is not None:
        return kept_place(english)
    if place_within(old, new) or not only_a_part(kit, old):
        return kept_place(new)
    if only_a_spot(kit, old) and (only_a_building(kit, new) or not only_a_part(kit, new)):
        return kept_place(_spot_in_estate(kit, old, new))  # "阳光花园" or "3栋" for "我家楼下"
    if only_a_part(kit, new):
        return kept_place(new)
    marker = kit.area_marker
    if marker is not None:
        levels, floors = kit.form.address_levels, kit.config.gazetteer.floor_suffixes
        new_levels = [_level_of(levels, found.group(0), floors) for found in marker.finditer(new.lower())]
        if new_levels and max(new_levels) >= _BUILDING_LEVEL:
            told_before = kit.understander.simplified(old).lower()
            old_levels = [_level_of(levels, found.group(0), floors) for found in marker.finditer(told_before)]
            # "御景华府3栋" after "6栋门口": a whole place of its own; after "15楼", 御景华府3栋15楼
            if max(new_levels) >= min(old_levels, default=_BUILDING_LEVEL):
                return kept_place(new)
    return kept_place(new + old)


_BUILDING_LEVEL = 3
"""The index in ``form.address_levels`` of the buildings (号楼, 栋, 座, ...)."""
_PART_NUMBER = re.compile(r"^(?:[\d〇零幺一二三四五六七八九十两]+|[A-Za-z](?![A-Za-z0-9]))")
"""A building's or a unit's number starting a place: digits, numerals, or a letter alone ("B座12楼")."""


def only_a_part(kit: FlowKit, place: str) -> bool:
    """``place`` starts with a building's number ("6栋门口", "3号楼") or a part of an estate or a
    building ("门口", "地下车库"), or is a spot alone ("我们小区门口", "电梯里"): it names no estate,
    road or district. In either script ("18樓")."""
    gazetteer = kit.config.gazetteer
    place = kit.understander.simplified(place)
    if _PART_NUMBER.match(place) is not None:
        return only_a_building(kit, place)
    if any(place.startswith(part) for part in (*gazetteer.estate_parts, *gazetteer.building_parts)):
        return True
    return only_a_spot(kit, place)


def needs_its_estate(kit: FlowKit, place: str) -> bool:
    """``place`` is a building's number ("5栋", "3号楼2单元"), a spot ("南门", "小区门口", "我家楼下":
    ``estate_gates``, ``estate_spots``) or English flats, floors or blocks ("15/F", "Block B") alone:
    which estate's is asked."""
    return only_a_building(kit, place) or only_a_spot(kit, place) or kit.english_pieces.only_parts(place)


def only_a_spot(kit: FlowKit, place: str) -> bool:
    """``place`` is a spot inside an estate or a building with no estate, road or district named
    ("小区门口", "我家楼下", "电梯里", "南门"), in either script."""
    return spots.only_a_spot(kit.place_words.spots, kit.understander.simplified(place))


def spot_as_asked(kit: FlowKit, place: str) -> str:
    """The place as the question for its estate says it: a spot without whose it is ("我们小区门口"
    is 小区门口), a building as told."""
    if not only_a_spot(kit, place):
        return place
    return spots.spot_as_said(kit.place_words.spots, place, kit.understander.simplified)


def _spot_in_estate(kit: FlowKit, spot: str, estate: str) -> str:
    """The estate told for a spot alone, the spot after it ("阳光花园" for "我们小区门口" is
    阳光花园小区门口); an estate told with a spot of its own ("阳光花园南门") is the place as told, and
    words naming none ("我们小区") leave the spot as it was."""
    words, simplified = kit.place_words.spots, kit.understander.simplified
    read = simplified(estate)
    if spots.names_a_spot(words, read):
        return estate
    if spots.names_no_place(words, read):
        return spot
    said = spots.spot_as_said(words, spot, simplified)
    numbered = kit.place_words.numbered_unit
    building = (numbered is not None and numbered.search(read) is not None) or DASHED_FLAT.search(read) is not None
    return spots.spot_in_estate(words, estate, said, building, simplified)


def only_a_building(kit: FlowKit, place: str) -> bool:
    """``place`` starts with a building's number ("5栋", "3号楼2单元", "1栋顶楼", "B座12楼") or is a flat
    written with dashes alone ("3-2-1201"): no estate, road or district before it."""
    gazetteer = kit.config.gazetteer
    if DASHED_FLAT.fullmatch(place) is not None:
        return True
    place = kit.understander.simplified(place)  # "18樓" as "18楼"
    numbered = _PART_NUMBER.match(place)
    if numbered is None:
        return False
    rest = place[numbered.end() :]
    return any(rest.startswith(suffix) for suffix in (*gazetteer.building_suffixes, *gazetteer.unit_suffixes))


def without_openers(turn: Turn, text: str) -> str:
    """``text`` without the words an answer starts with before its place (``place_answer_openers``:
    "嗯 是东城国际" is 东城国际; ``place_time_words``: "就是今天早上 在南门" is 南门; ``place_at_words``:
    "就在小区门口" is 小区门口) and the spaces and punctuation around them."""
    openers = turn.kit.place_words.openers
    said = text.strip(PLACE_ANSWER_EDGES)
    while True:
        opener = next(
            (word for word in openers.get(said[:1].lower(), ()) if _opens(said, word) and len(said) > len(word)), None
        )
        if opener is None:
            return said
        said = said[len(opener) :].lstrip(PLACE_ANSWER_EDGES)


def _opens(said: str, word: str) -> bool:
    """``said`` starts with ``word``, a Latin one in any case and as a word of its own ("OK 阳光花园",
    not the "Hi" of "Hill Garden")."""
    if said[: len(word)].lower() != word.lower():
        return False
    latin_after = said[len(word) : len(word) + 1].isascii() and said[len(word) : len(word) + 1].isalpha()
    return not (latin_after and word[-1].isascii() and word[-1].isalpha())


def without_fillers_after(turn: Turn, place: str) -> str:
    """``place`` without the spoken fillers it ends with (``place_fillers``: "我家楼下啊" is 我家楼下) and
    the time said after it (``place_time_words``: "南门 今天早上")."""
    fillers = turn.kit.place_words.fillers_after
    while True:
        filler = next(
            (word for word in fillers.get(place[-1:], ()) if place.endswith(word) and len(place) > len(word)), None
        )
        if filler is None:
            return place
        place = place[: -len(filler)].rstrip(PLACE_ANSWER_EDGES)


_EDGES_BUT_QUESTION_MARKS = PLACE_ANSWER_EDGES.replace("?", "").replace("？", "")


def said_without_edges(text: str) -> str:
    """``text`` without the punctuation and spaces around it, question marks kept."""
    return text.strip().rstrip(_EDGES_BUT_QUESTION_MARKS)


def ends_as_a_question(turn: Turn, said: str) -> bool:
    """``said`` (:func:`said_without_edges`) ends as a question does ("你工号多少", "还有别的吗",
    ``form.question_endings``)."""
    return any(said.endswith(ending) for ending in turn.kit.form.question_endings)


def tells_who_is_inside(turn: Turn, text: str) -> bool:
    """``text`` ends saying where someone is or that they cannot get out ("我老公在里面", "我妈在里面
    出不来": ``gazetteer.someone_inside``): who is there, never a place's name."""
    matchable = turn.kit.understander.matchable(said_without_edges(text)).rstrip()
    return matchable.endswith(turn.kit.place_words.someone_inside)


def _could_be_a_place(turn: Turn, text: str) -> bool:
    """Not a question ("你工号多少", ``form.question_endings``, ``form.question_words``), a photo
    (``form.media_words``: "我有照片"), laughter or one key held down
    ("哈哈哈", "666"), or letters mashed on a keyboard ("asdfghjkl")."""
    said = said_without_edges(text)
    asked = turn.understood is not None and any(mark in turn.understood.text for mark in "?？")
    if asked or ends_as_a_question(turn, said):
        return False
    if turn.says_any(said, turn.kit.form.question_words) or turn.says_any(said, turn.kit.form.urging_words):
        return False  # "你工号多少", "快点来人"
    if turn.says_any(said, turn.kit.form.media_words):
        return False  # "我有照片", "[图片]": a photo, not where
    if tells_who_is_inside(turn, said):
        return False  # "我老公在里面": who is in there, not where
    if turn.kit.understander.matchable(said).startswith(turn.kit.place_words.going_to_us):
        return False  # "去你们办公室": where a threat would take the customer, not the problem's place
    letters = [char for char in said.lower() if char.isalnum()]
    if len(letters) >= 2 and len(set(letters)) == 1:
        return False
    return not _MASHED_KEYS.search(said)


def whole_place_answer(turn: Turn, text: str, area: str) -> str:
    """The answer to the place question, when it is all place: the words before the address the
    parser found belong to it ("台中市西屯區台灣大道三段99號" gave 大道三段99号, "沙田第一城5座12樓C室"
    gave 5座12楼C室: places the gazetteer does not know), Latin words with the spaces between them
    too ("The Grand Mansion 5座" gave Grand Mansion 5座). Otherwise the area found."""
    address = turn.understood.slots.address if turn.understood is not None else None
    if not address:
        return area
    gazetteer = turn.kit.config.gazetteer
    said = tidy_place(turn.kit.understander.simplified(unicodedata.normalize("NFKC", text)).strip(PLACE_ANSWER_EDGES))
    said = without_openers(turn, said) or said  # "sorry 阳光花园5栋"
    if turn.phone:
        said = _LEADING_PHONE.sub("", said)  # "15900001111 万达世纪城": the phone, then the place
    if gazetteer.address_triggers:
        said = re.sub(rf"^(?:{alternation(gazetteer.address_triggers)})[\s:]*", "", said)
    if gazetteer.english_address_triggers:
        # "I live in Sunshine Garden block 5": the words saying where they live are not the place.
        triggers = alternation(gazetteer.english_address_triggers)
        said = re.sub(rf"^(?:{triggers})(?![A-Za-z])[\s:]*", "", said, flags=re.IGNORECASE)
    said = without_fillers_after(turn, said)  # "锦江花园 1号楼 1801 今天早上": the time is not the place
    found = said.find(address)
    if found < 0 or len(said) > LONGEST_PLACE_ANSWER:
        return area
    after = said[found + len(address) :]
    if after and not (_estate_named_after(turn, text, after) or _more_of_the_place(turn, text, address, after)):
        return area
    before = _SPACE_AFTER_LATIN.sub("", said[:found])
    if _PHONE_INSIDE.search(before):
        return area  # a phone is never part of the place
    # "3-2-501 阳光花园": a building, unit and flat written as numbers before the estate are its.
    if any(char in gazetteer.address_stop_chars or not (char.isalnum() or char in _NUMBER_JOINERS) for char in before):
        return area
    return said


_NUMBER_JOINERS = "-#"
"""What joins a building's, unit's and flat's numbers ("3-2-501", "#5")."""


def _more_of_the_place(turn: Turn, text: str, address: str, after: str) -> bool:
    """``after``, the end of an answer to the place question past the address found, goes on with
    the place typed in parts ("太古城 金星閣 15樓", "锦江花园 1号楼 顶楼 1801"): the answer names no
    problem, ``after`` starts a part of its own (after a space, or with a number), and holds letters,
    digits and the characters joining numbers only, none never inside a place, no phone, no word of
    a problem or a story ("恒大绿洲3期停电" tells the problem)."""
    gazetteer, understood = turn.kit.config.gazetteer, turn.understood
    if understood is None or understood.category is not None or Intent.COMPLAINT in understood.intents:
        return False
    if _PHONE_INSIDE.search(after):
        return False
    if not (after[0].isdigit() or _paused_after(turn, text, address, after)):
        return False
    inside = set(gazetteer.address_stop_chars) - set(gazetteer.estate_name_chars)
    if any(char in inside or not (char.isalnum() or char.isspace() or char in _NUMBER_JOINERS) for char in after):
        return False
    return not (
        turn.says_any(after, turn.kit.rules.complaint.problem_words)
        or turn.says_any(after, turn.kit.form.story_words)
        or _asks(turn, after)
    )


def _asks(turn: Turn, part: str) -> bool:
    """``part`` of a message asking a question is the question ("阳光花园3栋 几点关门"): never more of the place."""
    understood = turn.understood
    return (
        understood is not None
        and Intent.QUESTION in understood.intents
        and Intent.QUESTION in turn.kit.understander.understand(part, turn.locale).intents
    )


def _paused_after(turn: Turn, text: str, address: str, after: str) -> bool:
    """The customer typed a space between ``address`` and the first character of ``after``."""
    typed = turn.kit.understander.simplified(unicodedata.normalize("NFKC", text))
    spaced = r"\s*".join(map(re.escape, address.replace(" ", "")))
    return re.search(rf"{spaced}\s+{re.escape(after.lstrip()[:1])}", typed) is not None


def _estate_named_after(turn: Turn, text: str, after: str) -> bool:
    """``after``, the end of an answer to the place question past the address found, is an estate's
    name said in a pause of its own ("台北市信義區 松仁路100號 翠湖天地"): no digit (a phone), no character
    never inside a place, no word of a problem or a story ("松仁路100號 漏水" tells the problem)."""
    gazetteer = turn.kit.config.gazetteer
    said = turn.kit.understander.simplified(unicodedata.normalize("NFKC", text)).rstrip(PLACE_ANSWER_EDGES)
    if not said.endswith(after) or not said[: len(said) - len(after)][-1:].isspace():
        return False
    if any(char in gazetteer.address_stop_chars or not char.isalpha() for char in after):
        return False
    return not (
        turn.says_any(after, turn.kit.rules.complaint.problem_words)
        or turn.says_any(after, turn.kit.form.story_words)
        or _asks(turn, after)
    )


def only_names_a_complaint(turn: Turn, text: str) -> bool:
    """The customer wants to complain and has not said what about ("我要投诉", "我想反映个问题",
    "I'd like to make a complaint"). Without the mention words (``complaint.mention_words``),
    ``form.words_naming_a_complaint`` and the characters never inside a place, nothing is left."""
    understood = turn.understood
    if understood is None or Intent.COMPLAINT not in understood.intents or turn.changed:
        return False
    if understood.category not in (None, turn.kit.config.classification.fallback_category):
        return False
    return is_bare_complaint_mention(turn.kit.config, turn.kit.understander.matchable(text))


def is_bare_complaint_mention(config: ServiceConfig, matchable: str) -> bool:
    """Nothing is left of ``matchable`` (a text as keywords are matched) without the mention words,
    ``form.words_naming_a_complaint`` and the characters never inside a place ("我要投诉")."""
    classification = config.classification
    words = [*classification.complaint.mention_words, *classification.form.words_naming_a_complaint]
    return _characters_left(config, _without(matchable, (word.lower() for word in words))) == 0


def only_tells_an_earlier_complaint(config: ServiceConfig, matchable: str) -> bool:
    """``matchable`` says the customer complained before and nothing of what about ("我上个月就投诉过了",
    not "上次投诉你们的客服根本没人回我电话"): a mention word (``complaint.mention_words``), and without
    those, ``form.earlier_complaint_words``, ``form.story_words`` and ``form.words_naming_a_complaint``
    at most a few characters beyond those never inside a place."""
    classification = config.classification
    mentions = [word.lower() for word in classification.complaint.mention_words if word]
    if not any(word in matchable for word in mentions):
        return False
    form = classification.form
    words = [*mentions, *form.earlier_complaint_words, *form.story_words, *form.words_naming_a_complaint]
    left = _without(matchable, (word.lower() for word in words if word))
    return _characters_left(config, left) <= _EARLIER_COMPLAINT_REST


def only_insults(turn: Turn, text: str) -> bool:
    """Nothing but insults ("废物 垃圾", "sb 滚"): an abuse word (``form.abuse_words``), and
    without those and ``form.insult_words`` nothing but characters never inside a place."""
    insults = turn.kit.insults
    matchable = turn.kit.understander.matchable(text)
    if not any(map(matchable.__contains__, insults.abuse)):
        return False
    return _characters_left(turn.kit.config, _blanked(matchable, insults.blanked)) == 0


def only_announces_a_question(turn: Turn, text: str) -> bool:
    """The customer says they have a question and asks nothing yet ("闺女 我问一下", "想咨询一下"):
    without ``form.asking_to_ask``, ``form.forms_of_address`` and the characters never inside a
    place, nothing is left."""
    form = turn.kit.form
    words = [word.lower() for word in (*form.asking_to_ask, *form.forms_of_address)]
    return _characters_left(turn.kit.config, _without(turn.kit.understander.matchable(text), words)) == 0


def says_no_problem(turn: Turn, text: str) -> bool:
    """The message gives form items or feelings and nothing of a problem ("我电话13700137000",
    "我姓王，电话139…", "气死我了！！！", "傻X客服", "my phone is 138…, I live in Sunshine
    Garden"): without the items, the words naming them (``correction_fields``), the emotional
    signal's words, the characters never inside a place (``address_stop_chars``) and the English
    words that say nothing of a problem (``form.words_without_a_problem``), less than two
    characters are left (for anger, less than four; an English word counts as two)."""
    understood = turn.understood
    if understood is None or Intent.COMPLAINT in understood.intents or understood.category is not None:
        return False
    emotional = Signal.EMOTIONAL in understood.signals
    slots = understood.slots
    # An item the customer gives is one even when it is the one known ("我电话138…" over SMS from it).
    gives_items = turn.changed or any((slots.phone, slots.surname, slots.name, slots.address))
    if not gives_items and not emotional:
        return False
    rules = turn.kit.rules
    matchable = turn.kit.understander.matchable
    names = turn.kit.config.names
    introducing = (*names.name_intros, *names.self_intros, *names.self_intro_roles, *names.surname_intros)
    words = [word.lower() for word in (*introducing, *names.clause_surname_intros, *names.surname_spellings)]
    words.extend(word.lower() for words in rules.correction_fields.values() for word in words)
    emotion = rules.signals.get(Signal.EMOTIONAL)
    if emotional and emotion is not None:
        # The insults too ("垃圾公司": an aimed insult, no keyword of the signal's own list).
        words.extend(word.lower() for word in (*emotion.keywords, *rules.form.abuse()))
    left = matchable(text)
    # The items as the text was folded ("Sunshine Garden" is "sunshine garden" there); the
    # configured words are written folded already.
    named = [
        matchable(value)
        for value in (slots.name, slots.surname, slots.honorific, slots.district, slots.district_words, slots.address)
        if value
    ]
    # "红星 小区" typed apart is the place 红星小区: the spaces inside it are no words left over.
    left = _without(tidy_place(left), (*named, *words))
    left = _NUMBER.sub(" ", left)  # after the items, whose numbers ("3栋", "building 3") are theirs
    empty_words = set(turn.kit.config.classification.form.words_without_a_problem)
    english = [word for word in _ENGLISH_WORD.findall(left) if word not in empty_words]
    left = _ENGLISH_WORD.sub(" ", left)
    left_over = _characters_left(turn.kit.config, left) + 2 * len(english)
    # Anger names whom it is aimed at ("傻X客服", "一群废物"); a problem the rules missed says more
    # ("臭味都飘到家里了，气死了" leaves 臭味飘家里).
    return left_over < (_WHOM_ANGER_NAMES if emotional else 2)


def _refuses_phone(
    kit: FlowKit, state: State, understood: Understanding, gave_other_item: bool, reassured: bool
) -> bool:
    """Asked for a phone, a refusal, or a no that gives nothing else ("不是，是海淀区…" corrects
    the area), or, once reassured, another item given instead (the address: the customer moved
    on); elsewhere only a refusal that names the phone ("我不想留电话"): "算了" while describing
    the problem is not about the phone."""
    if state is State.AWAIT_PHONE:
        if Intent.REFUSE_CONTACT in understood.intents or (reassured and gave_other_item):
            return True
        return Intent.NO in understood.intents and not gave_other_item
    if Intent.REFUSE_CONTACT not in understood.intents:
        return False
    folded = normalise(understood.text)
    return any(word.lower() in folded for word in kit.rules.correction_fields.get("phone", []) if not word.isdigit())


def _changed(turn: Turn, name: str, received: TimelineKind | None, replaced: bool) -> None:
    turn.changed.add(name)
    if replaced:
        turn.audit(TimelineKind.CORRECTED, field=name)
    elif received is not None:
        turn.audit(received)


def corrected_area(kit: FlowKit, old: str, new: str, only_district: bool = False) -> str:
    """``new`` in place of the part of ``old`` at its level and below: 朝阳区建国路88号5栋 with
    "6栋" is 朝阳区建国路88号6栋, with "建国路9号" 朝阳区建国路9号; a new district with an address
    replaces it all. A district alone (``only_district``) replaces only the old one's district:
    朝阳区建国路88号院 with "海淀区" is 海淀区建国路88号院."""
    if only_district:
        return _with_district(kit, old, new)
    english = kit.english_pieces.joined(old, new)
    if english is not None:
        return english  # "Taikoo Shing Tower 3" after "15/F": 15/F, Tower 3, Taikoo Shing
    if _ends_a_name(kit, old, new):
        return old + new  # "小区" typed after "和平里" is 和平里小区: the name typed in pieces
    if only_a_part(kit, old) and _numbers_a_part_within(kit, old, new):
        return old + new  # "二单元1201" after "三栋": the unit of the building told, 三栋二单元1201
    if only_a_part(kit, old):
        return within_place(kit, old, new)  # 6栋门口 with "望京花园" is 望京花园6栋门口
    levels, marker = kit.form.address_levels, kit.area_marker
    first_new = marker.search(new) if marker is not None else None
    if marker is not None and first_new is None and DASHED_FLAT.fullmatch(new):
        return _estate_of(kit, old) + new  # "3-2-1201" for 阳光花园3栋: 阳光花园3-2-1201
    if marker is None or first_new is None:
        return new
    floors = kit.config.gazetteer.floor_suffixes
    level = _level_of(levels, first_new.group(0), floors)
    # "5栋" for 锦绣江南6栋: a number and its unit alone replace the old one's, number and all, and keep
    # the name before it even when no word of a level ends that name.
    numbered_only = _UNIT_NUMBER.fullmatch(new[: first_new.start()]) is not None
    if numbered_only and first_new.end() == len(new):
        # "5栋" alone for 阳光花园3栋1202: only the building is put right, the flat after it kept.
        for found in marker.finditer(old):
            if _level_of(levels, found.group(0), floors) != level:
                continue
            number = _UNIT_NUMBER_AT_END.search(old, 0, found.start())
            if number is not None and number.start() > 0:
                return old[: number.start()] + new + old[found.end() :]
    kept_to = 0
    for found in marker.finditer(old):
        if _level_of(levels, found.group(0), floors) >= level:
            number = _UNIT_NUMBER_AT_END.search(old, kept_to, found.start()) if numbered_only else None
            if number is not None:
                kept_to = number.start()
            break
        kept_to = found.end()
    else:
        kept_to = len(old)
    if new.startswith(old[:kept_to]):
        return new  # "万达世纪城2期3号楼" for 万达世纪城2期: the estate kept is said again, not doubled
    return old[:kept_to] + new


def another_estate(kit: FlowKit, old: str, new: str) -> str | None:
    """``new`` as the whole place when a correction names an estate other than ``old``'s ("是陽光花園5棟"
    or "应该是翠湖天地2栋" for 阳光新城): the old estate is wrong, never a name the new one is glued
    onto; a district ``old`` names and ``new`` does not is kept. None when ``new`` names no estate
    ("5栋", "门口") or the same one (阳光花园5栋 for 阳光花园3栋): put right in part as before."""
    simplified = kit.understander.simplified
    old, new = simplified(old), simplified(new)
    if only_a_part(kit, new) or only_a_part(kit, old):
        return None  # "金融街中心" for B座12楼: the estate of the building told, put before it
    estate = _estate_of(kit, new).strip()
    old_estate = _estate_of(kit, old).strip()
    if not estate or _PART_NUMBER.match(estate) is not None:
        return None
    if not old_estate or estate in old_estate or old_estate in estate:
        return None
    district = _district_prefix(kit, old)
    if district and not new.startswith(district) and _district_prefix(kit, new) == "":
        return district + new
    return new


def _district_prefix(kit: FlowKit, place: str) -> str:
    """The words of ``place`` up to the end of its district's level ("朝阳区" of 朝阳区阳光新城), or ""."""
    marker, levels, floors = kit.area_marker, kit.form.address_levels, kit.config.gazetteer.floor_suffixes
    end = 0
    for found in marker.finditer(place) if marker is not None else ():
        if _level_of(levels, found.group(0), floors) != 0:
            break
        end = found.end()
    return place[:end]


def _estate_of(kit: FlowKit, place: str) -> str:
    """The words of ``place`` before its building ("阳光花园" of 阳光花园3栋2单元 and of 阳光花园1-1-101);
    all of it when it names no building ("阳光花园")."""
    marker, levels, floors = kit.area_marker, kit.form.address_levels, kit.config.gazetteer.floor_suffixes
    dashed = DASHED_FLAT.search(place)
    if dashed is not None:
        return place[: dashed.start()]
    for found in marker.finditer(place) if marker is not None else ():
        if _level_of(levels, found.group(0), floors) >= _BUILDING_LEVEL:
            number = _UNIT_NUMBER_AT_END.search(place, 0, found.start())
            return place[: number.start()] if number is not None else ""
    return place


def _numbers_a_part_within(kit: FlowKit, old: str, new: str) -> bool:
    """``new`` starts with a number and the word of a level below every level ``old`` names
    ("二单元1201" after "三栋", "1201室" after "3栋2单元"): a part inside ``old``, not in its place."""
    levels, marker = kit.form.address_levels, kit.area_marker
    if marker is None:
        return False
    first_new = marker.search(new)
    if first_new is None or _UNIT_NUMBER.fullmatch(new[: first_new.start()]) is None:
        return False
    floors = kit.config.gazetteer.floor_suffixes
    old_levels = [_level_of(levels, found.group(0), floors) for found in marker.finditer(old)]
    return bool(old_levels) and _level_of(levels, first_new.group(0), floors) > max(old_levels)


def _ends_a_name(kit: FlowKit, old: str, new: str) -> bool:
    """``new`` is only the word ending a place's name ("小区", "花园": ``estate_suffixes``,
    ``address_suffixes``) and ``old`` a name it may end: not a building or flat, not ended so already."""
    gazetteer = kit.config.gazetteer
    if new not in (*gazetteer.estate_suffixes, *gazetteer.address_suffixes) or old.endswith(new):
        return False
    return not old[-1:].isdigit() and not old.endswith((*gazetteer.unit_suffixes, *gazetteer.building_parts))


_UNIT_NUMBER = re.compile(r"[0-9A-Za-z〇零一二三四五六七八九十百两甲乙丙丁\-]+")
_UNIT_NUMBER_AT_END = re.compile(rf"{_UNIT_NUMBER.pattern}$")


def _with_district(kit: FlowKit, old: str, district: str) -> str:
    """``old`` in ``district``: the district it names (as the slots name it) replaced, or
    ``district`` before it when it names none ("阳光花园3栋" is 海淀区阳光花园3栋; "万柳书院3号楼",
    in 海淀区 without saying so, is 朝阳区万柳书院3号楼)."""
    old_district = kit.understander.district(old)
    if old_district is None or old_district not in old:
        return district + old
    return old.replace(old_district, district, 1)


def markers(levels: list[list[str]]) -> re.Pattern[str] | None:
    words = sorted({word.lower() for level in levels for word in level}, key=len, reverse=True)
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE) if words else None


def _level_of(levels: list[list[str]], marker: str, floors: Iterable[str] = ()) -> int:
    """The index in ``levels`` of ``marker``; a floor's word (``floor_suffixes``: 楼 of "12楼", never
    号楼) at the level of the floors, though 楼 names buildings too ("5栋21楼" with "12楼" is 5栋12楼)."""
    lowered = marker.lower()
    if lowered in floors:
        return max(_level_of(levels, floor) for floor in floors if _has_level(levels, floor))
    return next(index for index, level in enumerate(levels) if lowered in (word.lower() for word in level))


def _has_level(levels: list[list[str]], marker: str) -> bool:
    return any(marker.lower() in (word.lower() for word in level) for level in levels)


def _without(text: str, words: Iterable[str]) -> str:
    """``text`` with every one of ``words`` blanked out, the longest first ("投诉" inside "我要投诉"
    goes with it)."""
    return _blanked(text, sorted(words, key=len, reverse=True))


def _blanked(text: str, longest_first: Iterable[str]) -> str:
    """``text`` with every one of the words blanked out, in the order given."""
    for word in longest_first:
        text = text.replace(word, " ")
    return text


def _characters_left(config: ServiceConfig, text: str) -> int:
    """Letters and digits in ``text`` other than the characters never inside a place
    (``address_stop_chars``: "我", "的", ...)."""
    skipped = config.gazetteer.address_stop_chars
    return sum(1 for ch in text if ch.isalnum() and ch not in skipped)
