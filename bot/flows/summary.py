"""The restatement's problem (问题): a short summary built from the understanding layer's reading.

The customer's description is cut into clauses; only clauses the understanding layer reads as
the problem (a complaint, or a category) are kept, not one that only says they want to complain
("我要投诉"), the angry ones only when no other is, without the name, phone and address they
carry, and never a forbidden phrase: a customer quoting "这不是我们的责任" must not hear the bot say
it back, so the phrase is cut out with the words that go with it (staff speech around it, where
staff sent the customer, "为什么" after the customer's own "我不懂"), the problem beside it kept.
Nor is an insult or a curse said back ("信号tmd差到爆" is 信号差到爆, "WTF the water is off" the
water is off), nor a threat typed beside the problem ("电梯坏了三天了 再不修我就找媒体曝光" is
电梯坏了三天了, "…and I will report you to the consumer council" goes: the signal still acts, from
the whole text), nor who is writing ("我是她女儿", "我老公电话…": ``names.writer_roles``), nor voice
input's fillers ("那个嗯我家暖气不热啊" is 我家暖气不热), the acknowledgement opening a clause ("行 小区的路灯坏了"),
the customer's word for the service opening a pause ("你们电梯又坏了" is 电梯又坏了), a list's numbers,
a case number or a pause about an earlier case's number ("编号忘了") or only about complaining ("我要投诉 电梯天天坏",
"我上个月就投诉过了 …"). A clause telling only how often the customer has asked already
("打了十几次客服电话都没解决") is the problem when nothing else is; when no clause is kept, the
customer's own words are, cleaned the same way: the problem is never restated as the category
alone while the customer said what it is. A question about the cost ("物业来修 要收费吗") is kept after
the problem, for the agent to answer. Markup tags ("<img src=x onerror=…>") go whole, and what
a spreadsheet would run as a formula ("=HYPERLINK(…)") is never read back.
"""

from __future__ import annotations

import collections
import re
import unicodedata
from collections.abc import Callable, Iterable

from bot.config import FormRules, Intent, Signal
from bot.core.case_numbers import case_numbers_cut
from bot.core.phones import SPOKEN_DIGITS
from bot.understanding.guard import ForbiddenGuard
from bot.understanding.patterns import alternation
from bot.understanding.phones import TailPutRight
from bot.understanding.result import Slots, Understanding
from bot.understanding.service_voice import said, units
from bot.understanding.threat_clauses import ThreatClauses
from bot.understanding.tokens import is_chinese
from bot.understanding.understander import Understander

# An apostrophe between letters is part of a word ("it's", "don’t"), and one after an "s" before
# a word is a possessive ("the neighbours' dog"), not a quotation mark; a point between digits is
# part of a number ("3.5元").
_CLAUSE_BREAK = re.compile(
    r"(?:[,!?;:，。！？；：、\n\"“”‘「」『』《》()（）…~～]|(?<!\d)\.|\.(?!\d)|(?<![A-Za-z])['’]"
    r"|(?<![sS])['’](?![A-Za-z])|(?<=[sS])['’](?!\s+[A-Za-z]))+"
)
# A space after Chinese is a pause, as a comma is, in text typed or dictated without punctuation
# ("cnm你们这物业 停车场的灯坏了", "宽带又断了 nmd三天了"); after a digit or a Latin letter it is
# inside a phrase ("88 号", "the lift"). Cantonese characters outside the basic block are Chinese
# too (the 㗎 of "痴線㗎 冇熱水", the 𨋢 of "部𨋢").
_HAN = "\u4e00-\u9fff\u3400-\u4dbf\U00020000-\U0002a6df"
# A few words in quotation marks, none inside them ("'wait'", "“再等等”").
_QUOTED = r"['‘\"“「『](?P<said>[^'‘’\"“”「」『』\n]{1,30})['’\"”」』](?![A-Za-z])"
_PAUSE = re.compile(rf"(?<=[{_HAN}])\s+(?=[{_HAN}A-Za-z])")
_SPACE_BEFORE_CHINESE = re.compile(rf"\s+(?=[{_HAN}])")
# A phone typed, or said digit by digit as voice input writes it ("幺三九幺幺幺幺零零零三"): seven
# digits or more, too many for a count, a date or an amount.
# A letter O or l typed for a 0 or a 1 between digits ("1391234O215") is part of the phone too; a
# number before a space and a whole mobile is not (the flat's: "翠湖苑7栋2203 13912340703").
_DIGITS = re.compile(
    rf"\+?\d(?:[\d\-]|(?<=\d)[OoIl](?=\d)| (?!\d{{11}})){{5,}}\d"
    rf"|[{SPOKEN_DIGITS}\d](?:[{SPOKEN_DIGITS}\d\-]| (?!\d{{11}})){{5,}}[{SPOKEN_DIGITS}\d]"
)
_SPACES = re.compile(r"\s{2,}")
_CUT_SPACES = re.compile(r"[ \t]{2,}")
# Markup pasted or typed ("<img src=x onerror=alert(1)>", "<b>…</b>"): a tag goes whole, with a
# script's or a style's content; a tag is an element's name alone, closing, self-closing, or
# followed by attributes (an "="), so "<阳光花园>" and "<Sunshine Garden>" stay words.
_MARKUP = re.compile(
    r"<(script|style)\b[^<>]*>.*?</\1\s*>|<!--.*?-->|<![^<>]*>"
    r"|</?[A-Za-z][A-Za-z0-9:-]*(?:\s*/|\s[^<>]*=[^<>]*)?>",
    re.IGNORECASE | re.DOTALL,
)
# What a spreadsheet would run as a formula (CSV injection): at the start of a word, "=" and what
# follows it ("=1+1", "=HYPERLINK(…)", "=cmd|' /C calc'!A0"), or "+", "-" or "@" before a
# function or a command ("@SUM(…)", "-cmd|…"), with its quoted and bracketed parts; "-5度" and
# "@物业" stay words.
_FORMULA = re.compile(
    r"(?<![^\s,，;；:：.。!！?？、(（\[【])(?:=(?=\S)|[+\-@](?=[A-Za-z][A-Za-z0-9_.]*[(（|]))"
    r"""(?:"[^"]*"?|'[^']*'?|[(（][^()（）]*(?:[(（][^()（）]*[)）][^()（）]*)*[)）]?|[^\s"'()（）])*"""
)
# "1.电梯坏了 2.楼道灯不亮": a list's numbers open its items, they are no part of them ("3.5元" is an
# amount). A list starts at 1 and counts up: in "building 9. I've asked" the 9 is the building's.
_LIST_NUMBER = re.compile(r"(?:^|(?<=\s))(\d{1,2})[.、)）](?!\d)")
# "幸福小区十二栋三单元502": a flat's number right after the place goes with it ("阳光花园3栋 2楼漏水" keeps 2楼).
_FLAT_NUMBER = r"(?:\s*\d+(?![\d\u4e00-\u9fffA-Za-z]))?"
_EDGES = " \t,，、:：;；"
"""What a cut leaves at the edges of what is left of a pause."""
_LEADING = "的在是 \t-—"
_NUMERALS = "零〇一二三四五六七八九十幺两"
# "滨江花园5栋楼道里的灯": the 里 (in) after a place goes with it, not 里面 (the inside).
_LOCATIVE = r"(?:\s*[里内](?![面边头部]))?"
_SURNAME_INTRO_CHARS = 3
"""A pause that gives the surname and nothing else: the surname and at most this many characters ("免贵姓")."""
_ANSWERS = frozenset({Intent.YES, Intent.NO})
_ASKING = frozenset({Intent.STATUS_QUERY, Intent.QUESTION})
_ASKING_FOR_SOMEONE = frozenset({Intent.HUMAN, Intent.SUPERVISOR})
"""A pause only asking for a person or a leader ("叫你们经理出来"): what the customer wants, not
what went wrong."""
_THREATS = frozenset({Signal.MEDIA_LEGAL, Signal.VIOLENCE, Signal.SELF_HARM})
"""A clause threatening the media, a regulator, violence or the customer's own life ("再不处理我就打12345",
"我就不活了") is said back only when nothing else tells the problem, as an angry one is."""
_PRAISING = frozenset({Intent.PRAISE, Intent.THANKS})
_STORY_SIGNALS = frozenset({Signal.REPEAT})
"""Signals that tell the problem's story ("打了五次电话了"), not something besides the problem."""
_OF_THE_CUSTOMER = frozenset({Signal.ELDER, Signal.HEALTH})
"""Signals of who the customer is ("我73岁了 差点摔倒", "我有心脏病"): told beside the problem, said back with it."""
_PICTOGRAPH_CATEGORIES = frozenset({"So", "Sk"})
"""Emoji and other pictographs, and the skin tones that modify them."""
_EMOJI_JOINERS = "\u200d"


class ProblemSummary:
    """Built once with the flow; :meth:`summarise` runs at each restatement."""

    def __init__(
        self,
        understander: Understander,
        guard: ForbiddenGuard,
        rules: FormRules,
        is_bare_complaint_mention: Callable[[str], bool],
        item_words: Iterable[str] = (),
        greeting_words: Iterable[str] = (),
        tail_put_right: TailPutRight | None = None,
        sent_elsewhere_words: Iterable[str] = (),
        tells_only_an_earlier_complaint: Callable[[str], bool] = lambda _: False,
        familiar_prefixes: Iterable[str] = (),
        filler_words: Iterable[str] = (),
        locative_words: Iterable[str] = (),
        writer_words: Iterable[str] = (),
        sarcasm_words: Iterable[str] = (),
        case_prefix: str = "",
        without_service_voice: Callable[[str], str] = lambda text: text,
        name_intros: Iterable[str] = (),
        problem_words: Iterable[str] = (),
        symptom_words: Iterable[str] = (),
        address_me_intros: Iterable[str] = (),
        address_me_ends: Iterable[str] = (),
    ) -> None:
        self._understander = understander
        # "叫我陈先生就行", "你叫我老李就好": how to address the customer, asked for, goes out whole.
        asked_intros = alternation(word for word in address_me_intros if word)
        asked_ends = alternation(word for word in address_me_ends if word)
        familiar = alternation(word for word in familiar_prefixes if word)
        self._address_me = (
            (rf"(?:{asked_intros})\s*(?:{familiar})?", rf"(?:\s*(?:{asked_ends}))?" if asked_ends else "")
            if asked_intros
            else None
        )
        # "我们会赔偿您5000元", "您的投诉已解决": never said back in the bot's own voice.
        self._without_service_voice = without_service_voice
        self._problem_words = tuple(word.lower() for word in problem_words if word)
        self._symptom_words = frozenset(word.lower() for word in symptom_words if word)
        self._case_prefix = case_prefix
        self._sarcasm_words = tuple(word.lower() for word in sarcasm_words if word)
        self._tells_only_an_earlier_complaint = tells_only_an_earlier_complaint
        self._familiar_prefixes = tuple(prefix for prefix in familiar_prefixes if prefix)
        spoken = alternation(word.lower() for word in rules.spoken_fillers if word)
        self._spoken_filler = re.compile(spoken) if spoken else None
        # "我想投诉一下我们小区的电梯 天天坏", "电梯坏了 怎么办": what only opens or closes the telling goes too.
        leading = alternation(word.lower() for word in (*rules.pause_fillers, *rules.leading_asides) if word)
        trailing = alternation(word.lower() for word in (*rules.pause_fillers, *rules.trailing_asides) if word)
        self._leading_filler = re.compile(rf"^(?:{leading})") if leading else None
        self._trailing_filler = re.compile(rf"(?:{trailing})$") if trailing else None
        # "你去找开发商": a forbidden phrase ending so goes out with where it sent the customer.
        self._sent_elsewhere = tuple(word.lower() for word in sent_elsewhere_words if word)
        # "营业员跟我说我不知道": the speaker before a forbidden phrase goes out with it.
        speech = alternation(word for word in rules.speech_words if word)
        self._spoken = re.compile(rf"(?<![A-Za-z])(?:{speech})[\s:：]*$", re.IGNORECASE) if speech else None
        # "Your staff keep saying 'wait'", "客服老是说“再等等”": what was said, quoted after who said it, is part
        # of the clause, not a clause of its own cut off.
        self._quoted_speech = (
            re.compile(rf"(?<![A-Za-z])(?P<speech>{speech})(?P<gap>[\s:：,，]*){_QUOTED}", re.IGNORECASE)
            if speech
            else None
        )
        followers = alternation(word for word in rules.forbidden_followers if word)
        self._follower = re.compile(rf"\s*(?:{followers})(?![A-Za-z])\s*", re.IGNORECASE) if followers else None
        self._guard = guard
        self._rules = rules
        to_try = alternation(word.lower() for word in rules.alternative_phone_words if word)
        extension = alternation(word.lower() for word in rules.phone_extension_words if word)
        then_extension = rf"(?:\s*(?:{extension})\s*\d+)?" if extension else ""
        self._numbers_to_try = (
            # Whose number comes between ("打不通就打我老婆的139…"), never the number's own first digit:
            # "热线永远打不通13977776666" is the line that does not answer, and the contact phone.
            re.compile(
                rf"(?:{to_try})[^\s\d,，。;；!！?？][^\s,，。;；!！?？]*?\s*(?:{_DIGITS.pattern}){then_extension}"
            )
            if to_try
            else None
        )
        self._threat_clauses = ThreatClauses(
            rules.threat_conditions, rules.threat_consequences, rules.threat_openers, understander.simplified
        )
        self._is_bare_complaint_mention = is_bare_complaint_mention
        self._tail_put_right = tail_put_right
        # Not the digits that choose an item to correct ("2" is the phone): "…单元 1102 电话138…".
        item_words = [word for word in (*item_words, *rules.item_intros) if word and not word.isdigit()]
        words = alternation(item_words)
        owners = alternation(word for word in rules.item_owners if word)
        writers = alternation(word for word in writer_words if word)
        # What is left of "我电话138…", "住海淀区…", "我是王先生", "他电话…", "我是她女儿 电话…" once
        # the items are taken out.
        naming = (
            rf"(?:{words}|{owners or '(?!)'}|{writers or '(?!)'}|[{_NUMERALS}0-9我的是在:：\s])+"
            if words
            else rf"[{_NUMERALS}0-9]+"
        )
        self._only_naming_items = re.compile(naming)
        # The words introducing an item, whose it is first ("她电话是", "他住", "call me at"), taken
        # out with it; an English one only as a word of its own ("flat" does not end with "at").
        # Across a space only when it opens the pause: in "还骂我 在阳光花园" the 我 is the one scolded.
        owner = rf"(?:(?:{owners})|(?<![\u4e00-\u9fff])(?:{owners})\s+)?" if owners else ""
        # Intros typed on one after another ("我的联系电话是") only within a pause: in "打了十几次电话 我手机139…"
        # the 电话 ends the pause before and is no intro of the phone.
        self._item_intro = rf"(?:(?:(?<![A-Za-z]){owner}(?:{words})(?![A-Za-z])[:：]*)*[\s:：]*)" if words else ""
        # "我住在那个幸福小区十二栋三单元502啊 电话是…": the spoken fillers around an item go out with
        # it; after it only where a pause or another item follows ("…这个月" is this month).
        spoken_fillers = [word for word in filler_words if word]
        fillers = alternation(spoken_fillers)
        self._fillers_before = rf"(?:(?:{fillers})\s*)*" if fillers else ""
        next_item = f"|{words}" if words else ""
        self._filler_after = rf"(?:\s*(?:{fillers})(?=$|{_CLAUSE_BREAK.pattern}|\s{next_item}))?" if fillers else ""
        # A place is kept without the spaces typed inside it ("阳光花园 3 栋" is 阳光花园3栋), the 的
        # that tied a part to it ("金地广场的地下车库" is 金地广场地下车库), a filler ("阳光花园啊 七栋")
        # or a word saying "in" ("恒大绿洲里5栋" is 恒大绿洲5栋).
        inside = alternation(["的", *spoken_fillers, *(word for word in locative_words if word)])
        self._inside_a_place = rf"\s*(?:(?:{inside})\s*)?"
        # "信号tmd差到爆": the curse goes, the problem stays; a Latin one only as a word of its own.
        abuse = alternation(word for word in rules.abuse() if word)
        # "I'm Mrs Shithead", "我叫傻逼": an insult given as a name goes with the words naming it.
        naming_insult = alternation(word for word in name_intros if word)
        curse = rf"(?<![A-Za-z])(?:{abuse})(?![A-Za-z])"
        named = rf"(?<![A-Za-z])(?:{naming_insult})\s*{curse}(?:\s*,?\s*and(?![A-Za-z]))?|" if naming_insult else ""
        self._abuse = re.compile(rf"{named}{curse}", re.IGNORECASE) if abuse else None
        # "楼下那个傻子天天半夜敲墙", "the idiot upstairs keeps banging": an insult naming a neighbour.
        places = alternation(word.lower() for word in rules.neighbour_places if word)
        pointers = alternation(word.lower() for word in rules.neighbour_pointers if word)
        english_places = alternation(word.lower() for word in rules.english_neighbour_places if word)
        nouns = alternation(word.lower() for word in rules.neighbour_nouns if word)
        not_said_who = rf"(?!\s*(?:{nouns})(?![A-Za-z]))" if nouns else ""
        named_neighbour = []
        if abuse and places:
            pointed = rf"(?:\s*(?:{pointers}))?" if pointers else ""
            named_neighbour.append(rf"(?:{places}){pointed}\s*(?P<near>{curse}){not_said_who}")
        if abuse and pointers and english_places:
            named_neighbour.append(
                rf"(?<![A-Za-z])(?:{pointers})\s+(?P<before>{curse})(?=\s+(?:{english_places})(?![A-Za-z]))"
            )
        self._named_neighbour = (
            re.compile("|".join(named_neighbour), re.IGNORECASE) if named_neighbour and rules.neighbour_word else None
        )
        self._case_number_words = tuple(word.lower() for word in rules.case_number_words if word)
        self._vent_words = tuple(word.lower() for word in rules.vent_words if word)
        # "电梯又坏了 草": a curse that is an everyday character inside words (草坪) only as a pause of its own.
        self._standalone_curses = frozenset(word.lower() for word in rules.standalone_curses if word)
        self._vent_pauses = frozenset(word.lower() for word in rules.vent_pauses if word) | self._standalone_curses
        greetings = alternation(word for word in greeting_words if word)
        # "hi my water heater…", "你好 我家漏水": the hello before the problem is not the problem.
        # "hello dear, the hot water…": how the customer calls the agent right after the hello goes with it,
        # when a pause follows it ("你好 师傅没来修" keeps its 师傅, who is the problem).
        called = alternation(word for word in rules.forms_of_address if word)
        addressed = rf"(?:[\s,，]*(?:{called})(?=\s*[,，.!！~～]))?" if called else ""
        self._leading_greeting = (
            re.compile(rf"^(?:{greetings}){addressed}(?![A-Za-z])[\s,.!~，。！～]*", re.IGNORECASE)
            if greetings
            else None
        )
        spoken = alternation(word for word in rules.spoken_punctuation if word)
        self._spoken_punctuation = re.compile(spoken) if spoken else None
        # "行 小区的路灯坏了", "ok 楼道灯不亮", "好吧小区的路灯坏了": the acknowledgement opening a clause goes.
        acknowledgements = alternation(word.lower() for word in rules.acknowledgements if word)
        self._acknowledgement = re.compile(rf"^(?:{acknowledgements})") if acknowledgements else None
        self._typed_on = frozenset(word.lower() for word in rules.acknowledgements_typed_on if word)
        # "你们电梯又坏了": the customer's word for the service, opening a pause, is not said back by it.
        addressees = alternation(word.lower() for word in rules.you_words if word)
        self._addressee = re.compile(rf"^(?:{addressees})(?![A-Za-z])") if addressees else None
        self._kept_questions = tuple(word.lower() for word in rules.kept_question_words if word)
        starts = alternation(word for word in rules.run_on_clause_starts if word)
        self._clause_start = (
            re.compile(rf"(?<=[A-Za-z0-9])\s+(?=(?:{starts})(?![A-Za-z]))", re.IGNORECASE) if starts else None
        )

    def summarise(self, description: Iterable[str], locale: str) -> str:
        """The problem in the customer's words, at most ``summary_limit(locale)`` long; "" when no
        clause is about the problem or none is fit to say."""
        joiner = self._rules.summary_joiner.get(locale)
        limit = self._rules.summary_limit(locale)
        kept: list[str] = []
        too_long: list[str] = []  # clauses left out for want of room, not for what they say
        description = list(description)
        latest = description[-1] if len(description) > 1 else None
        long_text = 0 < self._rules.long_text_chars < sum(map(len, description))
        description = self._within_reading(description)
        clauses = list(map(self._run_on, self._problem_clauses(description, locale)))
        # "路灯坏了，路灯坏了晚上黑漆漆的": a clause told again at the start of another is said once.
        distinct = set(clauses)
        clauses = [
            clause
            for clause in clauses
            if not any(len(other) > len(clause) and other.startswith(clause) for other in distinct)
        ]
        if long_text:
            # A long rant: what is wrong ("楼道灯坏了") before the anger, and what it tells once before
            # what it tells over and over.
            told = collections.Counter(clauses)
            wrong = {clause: self._says_what_is_wrong(clause) for clause in told}
            clauses.sort(key=lambda clause: (not wrong[clause], told[clause] > 1))
        for clause in clauses:
            if clause in kept:
                continue
            candidate = joiner.join([*kept, clause])
            if len(candidate) > limit:
                if not kept:
                    kept.append(self._shortened(clause, limit - 1) + "…")
                elif (made := self._with_room_for(kept, clause, joiner, limit, locale)) is not None:
                    kept = made
                else:
                    too_long.append(clause)
                continue  # a shorter problem told later may still fit
            if self._guard.check(candidate) is not None:
                continue
            kept.append(clause)
        summary = self._with_the_customer_s_health(joiner.join(kept), clauses, joiner, limit, locale)
        if summary and latest is not None and too_long:
            summary = self._with_the_addition(summary, too_long, latest, joiner, limit, locale)
        if summary:
            summary = self._with_the_questions(summary, description, joiner, limit, locale)
        if not summary:
            # Never the category alone while the customer said what is wrong: their own words.
            said = self._run_on(" ".join(self._own_words(description, locale)))
            if len(said) > limit:
                said = self._shortened(said, limit - 1) + "…"
            summary = said
        return summary if summary and self._guard.check(summary) is None else ""

    def _within_reading(self, description: list[str]) -> list[str]:
        """The description as far as the summary reads it: its first clauses, at most
        ``form.summary_read_clauses`` different ones and ``form.summary_read_chars`` characters, cut
        where a clause ends (a text without punctuation at the characters' bound). Each clause costs
        the understanding layer several readings, so a 2,000-character text of short clauses cost a
        second of the thread every conversation shares; 40 characters are said back at most."""
        clauses_left, chars_left = self._rules.summary_read_clauses, self._rules.summary_read_chars
        seen: set[str] = set()
        read: list[str] = []
        for message in description:
            if chars_left <= 0 or clauses_left <= 0:
                break
            start, cut = 0, len(message)
            breaks = _CLAUSE_BREAK.finditer(message, 0, chars_left + 1)
            while start < len(message):
                found = next(breaks, None)
                stop = found.start() if found is not None else len(message)
                if stop > chars_left:
                    cut = start if start else chars_left
                    break
                clause = message[start:stop].strip()
                if clause and clause not in seen:
                    if clauses_left <= 0:
                        cut = start
                        break
                    seen.add(clause)
                    clauses_left -= 1
                start = found.end() if found is not None else len(message)
            if message[:cut].strip():
                read.append(message[:cut])
            chars_left -= cut
        return read

    def _with_the_customer_s_health(
        self, summary: str, clauses: list[str], joiner: str, limit: int, locale: str
    ) -> str:
        """``summary`` with the customer's health condition ("我有心脏病") when the limit cut it off: it
        is part of the situation, so the problem before it is shortened to make room, never it."""
        different = list(dict.fromkeys(clauses))  # a rant's clause told over and over, read once
        if not summary or Signal.HEALTH not in self._understander.understand(" ".join(different), locale).signals:
            return summary
        told = next(
            (
                pause
                for clause in different
                for pause in _PAUSE.split(clause)
                if Signal.HEALTH in self._understander.understand(pause, locale).signals
            ),
            None,
        )
        if told is None or told in summary:
            return summary
        if len(told) > limit // 2:
            told = self._shortened(told, limit // 2 - 1) + "…"
        room = limit - len(joiner) - len(told)
        problem = summary.removesuffix("…")
        if len(problem) > room:
            problem = self._shortened(problem, room - 1) + "…"
        made = joiner.join([problem, told])
        return made if self._guard.check(made) is None else summary

    def _with_the_addition(
        self, summary: str, too_long: list[str], latest: str, joiner: str, limit: int, locale: str
    ) -> str:
        """``summary`` with the first clause of the customer's latest message that found no room in it
        ("also the lobby lights are out…" added at the restatement): what they just added is said back,
        the problem before it shortened to make room, as for the customer's health."""
        added = set(map(self._run_on, self._problem_clauses([latest], locale)))
        clause = next((told for told in too_long if told in added and told not in summary), None)
        if clause is None:
            return summary
        if len(clause) > limit // 2:
            clause = self._shortened(clause, limit // 2 - 1) + "…"
        room = limit - len(joiner) - len(clause)
        problem = summary.removesuffix("…")
        if len(problem) > room:
            problem = self._shortened(problem, room - 1) + "…"
        made = joiner.join([problem, clause])
        return made if self._guard.check(made) is None else summary

    def _with_the_questions(self, summary: str, description: list[str], joiner: str, limit: int, locale: str) -> str:
        """``summary`` with the questions the customer asked about the problem (``form.kept_question_words``:
        "物业来修 要收费吗" keeps its 要收费吗), so the agent answers them: the problem before them is
        shortened to make room, as for the customer's health; a question that cannot fit is left out."""
        if not self._kept_questions:
            return summary
        made = summary
        for question in self._questions(description, locale):
            if question in made:
                continue
            room = limit - len(joiner) - len(question)
            if room < len(joiner) * 2 + 1:
                continue
            problem = made.removesuffix("…")
            if len(problem) > room:
                problem = self._shortened(problem, room)
            candidate = joiner.join([problem, question])
            if self._guard.check(candidate) is None:
                made = candidate
        return made

    def _questions(self, description: list[str], locale: str) -> list[str]:
        """The customer's pauses asking a question of ``form.kept_question_words`` ("要收费吗",
        "收不收费"), cleaned as the problem is; only the pauses holding such a word are read."""
        found: list[str] = []
        read: set[str] = set()  # a pause told again is read once
        for message in map(_without_markup, description):
            for raw in _clauses(self._without_case_numbers(self._without_service_voice(message))):
                for part in _PAUSE.split(raw.strip()):
                    if part in read:
                        continue
                    read.add(part)
                    matchable = self._understander.matchable(part)
                    if not any(word in matchable for word in self._kept_questions):
                        continue
                    if Intent.QUESTION not in self._understander.understand(part, locale).intents:
                        continue
                    cleaned = self._without_fillers(self._cleaned(self._without_chatter(part, locale), locale))
                    if len(cleaned) >= 2 and cleaned not in found and self._guard.check(cleaned) is None:
                        found.append(cleaned)
        return found

    def _with_room_for(self, kept: list[str], clause: str, joiner: str, limit: int, locale: str) -> list[str] | None:
        """``kept`` and ``clause`` within ``limit`` when ``clause`` says what is wrong and the last kept
        clause's later pauses make room for it ("电梯坏了三天了 老人上下楼很不方便 物业一直说在等配件"
        then "我们单元门禁也坏了": the second thing wrong is said back, the last pause left out); ``clause``
        alone when none kept says what is wrong; None when they cannot."""
        if not self._says_what_is_wrong(clause):
            return None
        if len(clause) <= limit and not any(self._tells_a_problem(told, locale) for told in kept):
            # "I'm writing on behalf of my elderly father who lives at Flat 12A" then "the water heater
            # stopped working": who it is for gives way to what is wrong, never the other way round.
            return [clause] if self._guard.check(clause) is None else None
        last = kept[-1]
        room = limit - len(joiner.join([*kept[:-1], clause])) - len(joiner)
        ends = [match.start() for match in _PAUSE.finditer(last) if match.start() <= room]
        if not ends:
            return None
        shortened = last[: max(ends)].rstrip()
        if self._says_what_is_wrong(last) and not self._says_what_is_wrong(shortened):
            return None
        made = [*kept[:-1], shortened, clause]
        return made if self._guard.check(joiner.join(made)) is None else None

    def _says_what_is_wrong(self, clause: str) -> bool:
        matchable = self._understander.matchable(clause)
        return any(word in matchable for word in self._problem_words)

    def _run_on(self, clause: str) -> str:
        """The clause without the space between two Chinese words typed apart ("家里 暖气" is 家里暖气:
        ``typed_apart_max_chars``); a space beside a longer run is a pause, kept ("态度差 骂人")."""
        most = self._rules.typed_apart_max_chars
        words = clause.split(" ")
        if most <= 0 or len(words) < 2:
            return clause
        said, last = words[0], words[0]
        for word in words[1:]:
            apart = bool(last) and bool(word) and is_chinese(last[-1]) and is_chinese(word[0])
            run_on = apart and max(len(last), len(word)) <= most and not self._two_problems(last, word)
            said += word if run_on else f" {word}"
            last = word
        return said

    def _two_problems(self, before: str, after: str) -> bool:
        """Short words typed apart that tell two problems: one a problem whole in itself (停水, 漏水) and
        the other of another category on its own ("垃圾没人收 臭 停水" is never "臭停水"); a thing and
        what is wrong with it ("电梯 坏了", "马桶 堵了") run on."""
        if not {self._understander.matchable(before), self._understander.matchable(after)} & self._symptom_words:
            return False
        first = self._understander.understand(before).category
        second = self._understander.understand(after).category
        return first is not None and second is not None and first != second

    def _own_words(self, description: Iterable[str], locale: str) -> list[str]:
        """The customer's clauses as they said them, without what is never said back: hellos,
        phones, places and names, forbidden phrases, insults, markup, formulas and "我要投诉" alone."""
        kept: list[str] = []
        for message in map(_without_markup, description):
            for raw in _clauses(self._without_case_numbers(self._without_service_voice(message))):
                chatless = self._without_chatter(raw.strip(), locale)
                clause = self._without_threats(self._without_asides(chatless, locale), locale)
                if clause and self._guard.check(clause) is not None:
                    clause = self._without_forbidden(clause, locale)
                if not clause or self._is_bare_complaint_mention(self._understander.matchable(clause)):
                    continue
                cleaned = self._without_fillers(self._cleaned(clause, locale))
                if len(cleaned) >= 2 and cleaned not in kept and self._guard.check(cleaned) is None:
                    kept.append(cleaned)
        return kept

    def _without_chatter(self, clause: str, locale: str) -> str:
        """The clause without hellos, acknowledgements, emoji and fillers."""
        if not clause:
            return ""
        greeted = self.without_greeting(_without_pictographs(clause))
        return self._without_fillers(self._without_acknowledgements(greeted, locale))

    def _without_acknowledgements(self, clause: str, locale: str) -> str:
        """The clause without the acknowledgements opening it (``form.acknowledgements``: "行 小区的路灯坏了"
        is 小区的路灯坏了), each followed by a pause, or typed on where a word ends and the rest still
        tells the problem (``form.acknowledgements_typed_on``: "好吧小区的路灯坏了"); the clause itself
        when it is nothing but them."""
        if self._acknowledgement is None:
            return clause
        rest = clause
        while rest:
            read = self._read_as_lower_simplified(rest)
            found = self._acknowledgement.match(read)
            if found is None:
                break
            end = found.end()
            if end == len(rest):
                break
            if rest[end] in _EDGES or rest[end].isspace() or unicodedata.category(rest[end]).startswith("P"):
                rest = rest[end:].lstrip(_EDGES).lstrip()
            elif self._typed_on_here(rest, found.group(), end, locale):
                rest = rest[end:]
            else:
                break
        return rest or clause

    def _typed_on_here(self, text: str, word: str, end: int, locale: str) -> bool:
        """``word`` of ``form.acknowledgements_typed_on`` opens ``text`` typed on to the rest: a word ends
        after it (a Latin one before no letter or digit) and the rest read alone tells the problem."""
        if word not in self._typed_on:
            return False
        if word.isascii():
            if text[end].isascii() and text[end].isalnum():
                return False
        elif end not in self._understander.word_ends(text):
            return False
        understood = self._understander.understand(text[end:], locale)
        return Intent.COMPLAINT in understood.intents or understood.category is not None

    def only_vents(self, text: str) -> bool:
        """Every pause of ``text`` only vents ("你们什么态度", "你们就知道推", "说了多少遍了"): anger at us,
        nothing of the problem to say back."""
        parts = [part for part in _PAUSE.split(self._without_fillers(text)) if part.strip(_EDGES + "!?！？")]
        return bool(parts) and all(self._only_vents(part) for part in parts)

    def _without_vents(self, clause: str) -> str:
        """The clause without its pauses that only vent ("wy的人呢 停水一整天了" is 停水一整天了, the
        "不行" of "不行 停水一整天了"): a pause holding one of ``form.vent_words`` and no problem word,
        or one that is all of a ``form.vent_pauses`` or ``form.standalone_curses`` ("电梯又坏了 草"); "" when
        nothing else is left."""
        if not self._vent_words and not self._vent_pauses:
            return clause
        kept = [part for part in _PAUSE.split(clause) if not self._only_vents(part)]
        return " ".join(kept)

    def _only_vents(self, part: str) -> bool:
        matchable = self._understander.matchable(part).strip(_EDGES + "!?！？")
        if matchable in self._vent_pauses:
            return True
        if not any(word in matchable for word in self._vent_words):
            return False
        for word in sorted(self._vent_words, key=len, reverse=True):
            matchable = matchable.replace(word, " ")  # "管不管" is no "管不": the vent itself says nothing wrong
        return not any(word in matchable for word in self._problem_words)

    def _without_fillers(self, clause: str) -> str:
        """The clause without voice input's fillers (``form.spoken_fillers`` anywhere,
        ``form.pause_fillers`` at a pause's edges), each only as a word of its own, nor the
        customer's word for the service opening a pause (``form.you_words``: "你们电梯又坏了"
        is 电梯又坏了)."""
        if self._spoken_filler is None and self._leading_filler is None and self._addressee is None:
            return clause
        parts = (self._pause_without_fillers(part) for part in _PAUSE.split(clause))
        return " ".join(part for part in parts if part)

    def _pause_without_fillers(self, part: str) -> str:
        if self._spoken_filler is not None:
            part = self._cut_words(part, self._spoken_filler, pointing=True)
        while part:
            ends = {0, *self._understander.word_ends(part)}
            read = self._read_as_lower_simplified(part)
            leading = self._leading_filler.match(read) if self._leading_filler is not None else None
            trailing = self._trailing_filler.search(read) if self._trailing_filler is not None else None
            addressee = self._addressee.match(read) if self._addressee is not None else None
            if leading is not None and leading.end() in ends:
                part = part[leading.end() :].strip(_EDGES)
            elif trailing is not None and trailing.start() in ends:
                part = part[: trailing.start()].strip(_EDGES)
            elif addressee is not None and addressee.end() in ends and part[addressee.end() :].strip(_EDGES):
                part = part[addressee.end() :].strip(_EDGES)
            else:
                break
        return part

    def _cut_words(self, text: str, words: re.Pattern[str], pointing: bool = False) -> str:
        """``text`` without what ``words`` finds where whole words are ("滚筒洗衣机" keeps its 滚);
        with ``pointing``, not a word that points at the one-character word after it (see
        :func:`_points_at`)."""
        read = self._read_as_lower_simplified(text)
        ends = sorted({0, *self._understander.word_ends(text)})
        spans = [
            found.span()
            for found in words.finditer(read)
            if found.start() in ends and found.end() in ends and not (pointing and _points_at(text, found.span(), ends))
        ]
        for start, end in reversed(spans):
            text = text[:start] + text[end:]
        return _SPACES.sub(" ", text).strip(_EDGES) if spans else text

    def _read_as_lower_simplified(self, text: str) -> str:
        read = self._read_as_simplified(text)
        return read.lower() if len(read.lower()) == len(read) else read

    def _without_asides(self, clause: str, locale: str) -> str:
        """The clause without its pauses about an earlier case's number ("编号忘了": gone, though
        nothing is left) and, when another pause is left, those that only say the customer
        complains or complained before ("我要投诉", "我上个月就投诉过了")."""
        parts = _PAUSE.split(clause) if clause else []
        kept = [part for part in parts if not self._names_a_case_number(part)]
        told = [part for part in kept if not self._only_mentions_complaining(part, locale)]
        kept = told or kept
        return clause if len(kept) == len(parts) else " ".join(kept)

    def _without_case_numbers(self, message: str) -> str:
        """The message without the case numbers it names ("TS20261206DZYGQP 垃圾又堆满了"): a number
        is no part of the problem, and its digits alone would be cut as a phone's ("TS DZYGQP")."""
        if not self._case_prefix:
            return message
        cut = case_numbers_cut(message, self._case_prefix)
        return message if cut == message else _SPACES.sub(" ", cut).strip()

    def _names_a_case_number(self, text: str) -> bool:
        matchable = self._understander.matchable(text)
        return any(word in matchable for word in self._case_number_words)

    def _only_mentions_complaining(self, text: str, locale: str) -> bool:
        matchable = self._understander.matchable(text)
        if self._is_bare_complaint_mention(matchable):
            return True
        # "我帮我爸反映一下" says for whom, no earlier complaint: it stays.
        return self._tells_only_an_earlier_complaint(matchable) and (
            Signal.REPEAT in self._understander.understand(text, locale).signals
        )

    def _cleaned(self, clause: str, locale: str) -> str:
        """The clause without the items it gives (name, phone, place) and without insults."""
        slots = self._understander.understand(clause, locale).slots
        return self._without_abuse(self._named_items_out(clause, slots))

    def _named_items_out(self, clause: str, slots: Slots) -> str:
        named = f"{slots.surname}{slots.honorific}" if slots.surname and slots.honorific else None
        titled = f"{slots.name}{slots.honorific}" if slots.name and slots.honorific else None  # "欧阳娜娜女士"
        clause = self._without_address_me(clause, (titled, named, slots.name, slots.surname))
        return self._without_item_names(
            self._without_slots(
                clause, (slots.name, named, titled), (slots.region, slots.district, slots.district_words, slots.address)
            ),
            slots.surname,
        )

    def _without_address_me(self, clause: str, names: Iterable[str | None]) -> str:
        """The clause without the customer asking how to be addressed ("叫我陈先生就行", "你叫我老李就好"):
        the words asking, the name or title and the words ending the aside; the name has its own line."""
        said = alternation(self._read_as_simplified(name) for name in names if name)
        if self._address_me is None or not said:
            return clause
        before, after = self._address_me
        read = self._read_as_simplified(clause)
        found = re.search(rf"{before}(?:{said}){after}", read)
        if found is None:
            return clause
        return _SPACES.sub(" ", f"{clause[: found.start()]} {clause[found.end() :]}").strip()

    def _unquoted_speech(self, text: str) -> str:
        """``text`` without the quotation marks around a few words said right after a speech word
        (``form.speech_words``: "keep saying 'wait'" is "keep saying wait")."""
        if self._quoted_speech is None:
            return text
        return self._quoted_speech.sub(lambda found: found["speech"] + found["gap"] + found["said"], text)

    def _without_abuse(self, text: str) -> str:
        """``text`` without the configured insults and curses (``abuse_words``), each cut only where
        whole words are ("滚筒洗衣机" keeps its 滚); one naming a neighbour is said as the neutral word."""
        return text if self._abuse is None else self._cut_words(self._neighbours_named(text), self._abuse)

    def _neighbours_named(self, text: str) -> str:
        """``text`` with each insult naming a neighbour (``form.neighbour_places``: "楼下那个傻子天天半夜敲墙",
        "the idiot upstairs") as ``form.neighbour_word`` in the text's script ("楼下那个邻居…", "the neighbour
        upstairs"): cut out, it would leave the problem without whom it is about. A Chinese insult only
        where whole words are ("楼上那个滚筒洗衣机" keeps its 滚筒)."""
        word = self._rules.neighbour_word
        if self._named_neighbour is None or word is None:
            return text
        read = self._read_as_lower_simplified(text)
        found = list(self._named_neighbour.finditer(read)) if len(read) == len(text) else []
        if not found:
            return text
        traditional = self._rules.neighbour_word_traditional
        chinese = traditional if traditional and self._read_as_simplified(text) != text else word.get("zh-CN")
        ends = {0, *self._understander.word_ends(text)}
        for named in reversed(found):
            group = named.lastgroup or "near"
            start, end = named.span(group)
            if group == "near" and not read[start:end].isascii() and (start not in ends or end not in ends):
                continue
            text = text[:start] + (chinese if group == "near" else word.get("en")) + text[end:]
        return text

    def _shortened(self, clause: str, most: int) -> str:
        """The clause's start, at most ``most`` characters long, ending where a pause ends ("管理處的人
        根本不理人 垃圾房臭到不行 …"), else where a word does ("热水器不出热水", not "热水器不出热"); a
        word longer than that is cut."""
        pause_ends = [match.start() for match in _PAUSE.finditer(clause)]
        word_ends = self._understander.word_ends(clause)
        # A clause dictated without a pause ("…已经坏了三次了每次打电话…"): it ends at a word that
        # ends one ("三次了"), rather than in the middle of the next.
        endings = tuple(word for word in self._rules.run_on_clause_ends if word)
        clause_ends = [end for end in word_ends if endings and clause.endswith(endings, 0, end)]
        # "…in the ceiling and water dripping…": typed on without a pause, it ends before a word starting a
        # clause ("and"), rather than after "water"; not so early that two thirds of the room are left.
        start_ends = (
            [match.start() for match in self._clause_start.finditer(clause) if match.start() >= most // 3]
            if self._clause_start is not None
            else []
        )
        for ends in (pause_ends, clause_ends, start_ends, word_ends):
            fitting = [end for end in ends if end <= most and clause[:end].strip()]
            if fitting:
                return clause[: max(fitting)].rstrip()
        return clause[:most]

    def _problem_clauses(self, description: Iterable[str], locale: str) -> list[str]:
        """The clauses about the problem; of those, the ones without anger in them when there
        are any ("你们物业是干什么吃的，车库的灯坏了一个月" is about the lights: the bot does not
        say the customer's anger back to them). When no clause reads as a complaint ("门口的井盖松了
        一踩就响": no category knows it), the customer's calm clauses, rather than no words at all."""
        calm: list[str] = []
        angry: list[str] = []
        unread: list[str] = []
        told: list[str] = []  # calm or unread, in the order said
        detailed: list[str] = []  # calm or telling the problem's story ("3rd time this month"), in the order said
        messages = list(description)
        read: dict[str, tuple[str, Understanding] | None] = {}  # a clause told again is read once
        for message in map(_without_markup, messages):
            if self._spoken_punctuation is not None:
                message = self._spoken_punctuation.sub("，", message)  # "态度特别差逗号他还骂我了句号"
            message = self._unquoted_speech(message)
            for raw in _clauses(self._without_case_numbers(self._without_service_voice(message))):
                raw = raw.strip()
                if raw not in read:
                    read[raw] = self._problem_clause(raw, locale)
                if (found := read[raw]) is None:
                    continue
                cleaned, understood = found
                about_it = Intent.COMPLAINT in understood.intents or understood.category is not None
                if not about_it:
                    unread.append(cleaned)
                    told.append(cleaned)
                    if _tells_the_story(understood) or understood.signals & _OF_THE_CUSTOMER:
                        detailed.append(cleaned)  # "3rd time this month", "我老婆怀孕七个月了"
                elif Signal.EMOTIONAL in understood.signals or self._threatens(understood) or understood.vague:
                    angry.append(cleaned)  # "你们物业到底管不管事": only whom it is about, said back last
                else:
                    calm.append(cleaned)
                    told.append(cleaned)
                    detailed.append(cleaned)
        # A problem told in pieces ("就是我家卫生间", "天花板", "往下滴水"): the pieces no category
        # knows belong to it too, when they came in messages of their own; in one message, the
        # clauses telling how often it happens ("3rd time this month") do.
        if calm:
            return told if len(messages) > 1 else detailed
        return angry or unread

    def _problem_clause(self, raw: str, locale: str) -> tuple[str, Understanding] | None:
        """The clause cleaned as the problem is said back, with its reading; None when it is not
        about the problem or nothing fit to say is left."""
        # "投诉编号我忘了": about an earlier case's number, not what went wrong
        clause = self._without_threats(self._without_asides(raw, locale), locale)
        if not clause:
            return None
        clause = self._without_vents(self._without_chatter(clause, locale))
        if not clause:
            return None  # "wy的人呢", "你们到底管不管": a vent, not what went wrong
        clause = self._told(self._without_curses(clause, locale), locale)
        clause = self._without_message_talk(clause, locale)
        clause = self._without_numbers_to_try(clause)
        if clause and self._guard.check(clause) is not None:
            clause = self._without_forbidden(clause, locale)
        if not clause:
            return None
        understood = self._understander.understand(clause, locale)
        about_it = Intent.COMPLAINT in understood.intents or understood.category is not None
        if not about_it and (understood.intents or understood.signals - _STORY_SIGNALS - _OF_THE_CUSTOMER):
            return None  # thanks, a question, anger alone: not the problem
        if self._is_bare_complaint_mention(self._understander.matchable(clause)):
            return None  # "我要投诉": says what they want, not what went wrong
        if self._guard.check(clause) is not None:
            return None
        # "还骂我 就在阳光花园东门": what introduced the place may leave a filler behind.
        cleaned = self._without_fillers(self._without_abuse(self._named_items_out(clause, understood.slots)))
        return (cleaned, understood) if len(cleaned) >= 2 else None

    def _without_curses(self, clause: str, locale: str) -> str:
        """The clause with each pause holding a curse said without it when what is left still tells
        the problem or its story ("sb保安不管" is 保安不管, "zmsh 三天两头断 nmd" keeps 三天两头断):
        stripping a curse never drops the facts around it. A pause left with only whom the curse was
        aimed at ("cnm你们这物业") or with more anger stays as typed: an angry pause, left out."""
        if self._abuse is None:
            return clause
        parts = self._pauses_at_curses(clause)
        changed = False
        angry_only: list[int] = []
        for index, part in enumerate(parts):
            if self._only_a_standalone_curse(part):
                angry_only.append(index)  # the 草 of "电梯又坏了 tmd 草", a pause once the tmd is cut off
                continue
            rest = self._without_abuse(part)
            if rest and rest != part and self._tells_without_anger(rest, locale):
                parts[index], changed = rest, True
            elif rest != part and not (rest and self._tells_a_problem(rest, locale)):
                angry_only.append(index)  # "你们这帮狗东西": the curse and whom it was aimed at
        if angry_only and len(angry_only) < len(parts):
            # Beside a pause telling the problem ("电梯坏了一周 你们这帮狗东西"), one of only a curse goes.
            parts, changed = [part for index, part in enumerate(parts) if index not in angry_only], True
        return " ".join(parts) if changed else clause

    def _only_a_standalone_curse(self, part: str) -> bool:
        """``part`` is all of a ``form.standalone_curses`` ("草", "靠！"), never a word holding one (草坪)."""
        return self._understander.matchable(part).strip(_EDGES + "!?！？") in self._standalone_curses

    def _pauses_at_curses(self, clause: str) -> list[str]:
        """The clause's pauses; a space between a curse ending in a Latin letter or a digit and
        Chinese is one too ("你哋班on9 冷氣機壞咗", "你们这帮sb 空调坏了"), though after other Latin
        words it is not ("88 号")."""
        assert self._abuse is not None
        parts: list[str] = []
        for part in _PAUSE.split(clause):
            read = self._read_as_lower_simplified(part)
            start = 0
            if len(read) == len(part):
                for found in self._abuse.finditer(read):
                    end = found.end()
                    space = _SPACE_BEFORE_CHINESE.match(part, end) if read[end - 1].isascii() else None
                    if space is not None and part[start:end].strip():
                        parts.append(part[start:end])
                        start = space.end()
            parts.append(part[start:])
        return parts

    def _tells_without_anger(self, text: str, locale: str) -> bool:
        """``text`` read alone tells the problem (not only whom it is about) or its story, calmly."""
        understood = self._understander.understand(text, locale)
        if Signal.EMOTIONAL in understood.signals or self._threatens(understood):
            return False
        about_it = Intent.COMPLAINT in understood.intents or understood.category is not None
        return (about_it and not understood.vague) or _tells_the_story(understood)

    def _without_threats(self, clause: str, locale: str) -> str:
        """The clause without its pauses that only threaten (``media_legal``, ``violence``, ``self_harm``:
        "我要去消协告你们", "I'll go to the media") nor the threats in its pauses, whatever they threaten
        (``form.threat_conditions``: "…再不来清理我就打12345投诉你们", "再不修我就拿刀去物业办公室砍人 水管爆了三天了"
        is 水管爆了三天了), when the rest tells the problem; a threat said alone ("再不修电梯我就找媒体曝光")
        stays as typed."""
        if not clause:
            return clause
        parts: list[tuple[str, str]] = []
        threats: list[int] = []
        for unit, after in units(clause):
            start = self._threat_clauses.start(unit)
            if start is not None and unit[:start].strip():
                parts.append((unit[:start], after))  # "电梯坏了三天了再不修我就曝光": the problem before it
            if start is not None:
                threats.append(len(parts))
                parts.append((unit[start:], after))
            else:
                parts.append((unit, after))
        if len(parts) < 2:
            return clause
        threats += [
            index
            for index, (unit, _) in enumerate(parts)
            if index not in threats and unit.strip() and self._only_threatens(unit, locale)
        ]
        if not threats:
            return clause
        kept = [part for index, part in enumerate(parts) if index not in threats and part[0].strip()]
        rest = said(kept)
        return rest if rest and self._tells_a_problem(rest, locale) else clause

    def _only_threatens(self, text: str, locale: str) -> bool:
        understood = self._understander.understand(text, locale)
        tells = Intent.COMPLAINT in understood.intents or understood.category is not None
        return self._threatens(understood) and not tells

    @staticmethod
    def _threatens(understood: Understanding) -> bool:
        """A threat, not danger now ("保安打人了" is the problem itself)."""
        return bool(understood.signals & _THREATS) and Signal.DANGER not in understood.signals

    def _without_message_talk(self, clause: str, locale: str) -> str:
        """The clause without the pauses that only say how the message was sent ("我用我的手机发的短信":
        ``form.message_talk_words``, no problem in the pause)."""
        words = [word.lower() for word in self._rules.message_talk_words if word]
        if not words:
            return clause
        matchable = self._understander.matchable
        parts = _PAUSE.split(clause)
        kept = [
            part
            for part in parts
            if not any(word in matchable(part) for word in words) or self._tells_a_problem(part, locale)
        ]
        return clause if len(kept) == len(parts) else " ".join(kept)

    def _without_numbers_to_try(self, clause: str) -> str:
        """The clause without the words giving a number to try when the phone does not answer
        ("打不通就打我老婆的139…": ``form.alternative_phone_words`` before a phone, with that phone):
        about reaching the customer, not what went wrong ("我家座机020…打不通" names the number first
        and stays)."""
        if self._numbers_to_try is None:
            return clause
        read = self._read_as_simplified(clause).lower()
        if len(read) != len(clause):
            return clause
        cuts = list(self._numbers_to_try.finditer(read))
        for found in reversed(cuts):
            clause = clause[: found.start()] + " " + clause[found.end() :]
        return _SPACES.sub(" ", clause).strip() if cuts else clause

    def _tells_a_problem(self, text: str, locale: str) -> bool:
        understood = self._understander.understand(text, locale)
        return Intent.COMPLAINT in understood.intents or understood.category is not None

    def _without_forbidden(self, clause: str, locale: str) -> str:
        """The clause without its forbidden phrases: each pause holding one is cut (see
        :meth:`_cut_forbidden`) and kept only when what is left still tells the problem ("我不懂为什么
        这个月多收了200块" is "这个月多收了200块"; "前台跟我说我不知道" leaves nothing: the staff's
        words); "" when nothing fit to say is left."""
        kept: list[str] = []
        for part in _PAUSE.split(clause):
            if self._guard.check(part) is None:
                kept.append(part)
                continue
            rest = self._cut_forbidden(part)
            if not rest or self._guard.check(rest) is not None:
                continue
            understood = self._understander.understand(rest, locale)
            if Intent.COMPLAINT in understood.intents or understood.category is not None:
                kept.append(rest)
        said = " ".join(kept)
        if self._guard.check(said) is not None:
            said = self._cut_forbidden(said)  # a phrase typed across a pause ("这不是 我们的责任")
        return said if self._guard.check(said) is None else ""

    def _cut_forbidden(self, text: str) -> str:
        """``text`` without the forbidden phrases the guard finds in it, each with its speaker
        when ``speech_words`` come right before it ("前台跟我说…", from the pause's start), the
        ``forbidden_followers`` right after it ("我不懂为什么…") and, when it ends sending the
        customer elsewhere ("你去找"), the rest of its pause (where to: "开发商")."""
        read = self._read_as_simplified(text)
        read = read.lower() if len(read.lower()) == len(read) else read
        merged: list[tuple[int, int]] = []
        for start, end in self._guard.spans(text):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        for start, end in reversed(merged):
            if self._spoken is not None and self._spoken.search(read, 0, start):
                start = max((pause.end() for pause in _PAUSE.finditer(text, 0, start)), default=0)
            if read[start:end].rstrip().endswith(self._sent_elsewhere):
                pause = _PAUSE.search(text, end)
                end = pause.start() if pause else len(text)
            elif self._follower is not None and (follower := self._follower.match(read, end)):
                end = follower.end()
            text, read = text[:start] + " " + text[end:], read[:start] + " " + read[end:]
        return _SPACES.sub(" ", text).strip(_EDGES)

    def without_greeting(self, text: str) -> str:
        """``text`` without the hellos it starts with ("你好，在吗？我家…" is "我家…"); the text
        itself when it is nothing but hellos."""
        if self._leading_greeting is None:
            return text
        rest = text
        while rest and (shorter := self._leading_greeting.sub("", rest, count=1)) != rest:
            rest = shorter
        return rest or text

    def _without_slots(self, clause: str, slots: Iterable[str | None], places: Iterable[str | None] = ()) -> str:
        """The clause without who the customer is, their phone and where (those have their own
        lines), each with the words that introduced it and the 的 that tied it to what follows:
        "我是5栋的李阿姨" leaves no "我是的", "broken at Sunshine Garden" no "at"."""
        items = [_DIGITS.pattern]
        # Read in simplified characters, as the clause is: the name keeps the customer's ("我叫歐陽娜娜").
        slots = [self._read_as_simplified(value) if value else value for value in slots]
        said_places = {value for value in places if value}
        items.extend(
            self._inside_a_place.join(map(re.escape, value))
            + (_FLAT_NUMBER if value in said_places else "")
            + _LOCATIVE
            for value in sorted({value for value in (*slots, *said_places) if value}, key=len, reverse=True)
        )
        # Matched in simplified characters, as the items and their words are ("電話 陽光花園7棟"),
        # and cut out of the customer's own characters.
        text, read = clause, self._read_as_simplified(clause)
        if self._tail_put_right is not None:
            # "…零三一不对是零三二" is one number, taken out whole.
            text, read = self._tail_put_right.apply(text, read)
        for item in items:
            pattern = re.compile(
                rf"{self._item_intro}{self._fillers_before}(?:{item})(?:\s*的)?{self._filler_after}", re.IGNORECASE
            )
            for found in reversed(list(pattern.finditer(read))):
                start, end = found.span()
                text, read = text[:start] + " " + text[end:], read[:start] + " " + read[end:]
        text = _SPACES.sub(" ", text)
        return text.strip().lstrip(_LEADING).strip()

    def _read_as_simplified(self, text: str) -> str:
        """``text`` in simplified characters when that keeps each character in its place (OpenCC
        maps most one to one); else ``text`` itself."""
        simplified = self._understander.simplified(text)
        return simplified if len(simplified) == len(text) else text

    def _without_item_names(self, clause: str, surname: str | None = None) -> str:
        """The clause without the pauses that only named an item taken out ("…多扣了50块 我电话 住"
        is "…多扣了50块"; "我的电话是八" is nothing), nor the one that only gave the surname
        ("电梯异响 姓孙" is 电梯异响: the surname has its own line)."""
        parts = [
            part
            for part in _PAUSE.split(clause)
            if not self._only_naming_items.fullmatch(self._read_as_simplified(part))
            and not self._only_the_surname(part, surname)
        ]
        return " ".join(parts).strip()

    def _only_the_surname(self, part: str, surname: str | None) -> bool:
        if not surname or surname not in part or len(part) > len(surname) + _SURNAME_INTRO_CHARS:
            return False
        if self._understander.slots(part).surname != surname:
            return False
        at = part.find(surname)
        before = part[:at]
        familiar = next((prefix for prefix in self._familiar_prefixes if before.endswith(prefix)), "")  # "我是老王"
        rest = before[: len(before) - len(familiar)] + part[at + len(surname) :]
        return len(rest) <= 1 or bool(self._only_naming_items.fullmatch(rest))

    def _told(self, clause: str, locale: str) -> str:
        """The clause without the pauses that only answer yes or no ("不对 还有 小区的路灯也不亮"
        is "还有 小区的路灯也不亮") or only ask ("停水了 什么时候来水" is "停水了"), and without its
        angry pauses when the calm ones still tell the problem ("cnm你们这物业 停车场的灯坏了" is
        "停车场的灯坏了"); the calm pauses all stay, detail included ("暖气不热 屋里才十二度").
        Each pause is read once."""
        parts = _PAUSE.split(clause)
        if len(parts) < 2:
            return clause
        read = [(part, self._understander.understand(part, locale)) for part in parts]
        told = [
            (part, understood)
            for part, understood in read
            if not only_answers(understood.intents)
            and not (understood.intents and understood.intents <= _ASKING)
            and not (understood.intents and understood.intents <= _ASKING_FOR_SOMEONE and understood.category is None)
            and not self._praise_or_sarcasm(part, understood)
        ]
        if not told or len(told) == len(read):
            told, said = read, clause
        else:
            said = " ".join(part for part, _ in told)
        calm = [part for part, understood in told if Signal.EMOTIONAL not in understood.signals]
        if not calm or len(calm) == len(told):
            return said
        rest = " ".join(calm)
        understood = self._understander.understand(rest, locale)
        tells = Intent.COMPLAINT in understood.intents or understood.category is not None
        return rest if tells or _tells_the_story(understood) else said

    def _praise_or_sarcasm(self, part: str, understood: Understanding) -> bool:
        """A pause of praise or thanks, or one with a sarcasm word telling no problem ("呵呵", "真是五星级服务呢"
        beside "停水三天了"): not what went wrong."""
        if Intent.COMPLAINT in understood.intents or understood.category is not None:
            return False
        if understood.intents and understood.intents <= _PRAISING:
            return True
        matchable = self._understander.matchable(part)
        return any(word in matchable for word in self._sarcasm_words)


def _tells_the_story(understood: Understanding) -> bool:
    """Only how often the problem happens is told ("三天两头断", "3rd time this month"): no intent,
    and no signal but the story's."""
    return not understood.intents and bool(understood.signals) and understood.signals <= _STORY_SIGNALS


def _without_markup(message: str) -> str:
    """The message without markup tags and spreadsheet formulas: never said back, not even in part
    (a stray ">" of a tag cut at its "(", a formula's name)."""
    cut = _FORMULA.sub("", _MARKUP.sub("", message) if "<" in message else message)
    return message if cut == message else _CUT_SPACES.sub(" ", cut).strip()


def _clauses(message: str) -> list[str]:
    """The message cut at its punctuation and its list's numbers."""
    return _CLAUSE_BREAK.split(_without_list_numbers(message))


def _without_list_numbers(message: str) -> str:
    """The message with a comma for each number opening a list's item: 1, then each one more."""
    expected = 1
    cut: list[tuple[int, int]] = []
    for found in _LIST_NUMBER.finditer(message):
        number = int(found.group(1))
        if number == 1:
            expected = 1
        if number == expected:
            cut.append(found.span())
            expected += 1
    for start, end in reversed(cut):
        message = message[:start] + "，" + message[end:]
    return message


def _points_at(text: str, span: tuple[int, int], ends: list[int]) -> bool:
    """The word at ``span``, of more than one character, comes right before a word of one Chinese
    character: "那个人", "那个月" point at the person or the month; "我们家那个暖气" says nothing."""
    start, end = span
    if end - start < 2 or end not in ends or end == ends[-1]:
        return False
    following = text[end : ends[ends.index(end) + 1]]
    return len(following) == 1 and "\u4e00" <= following <= "\u9fff"


def _without_pictographs(clause: str) -> str:
    """The clause without its emoji ("😡😡😡又停电了" is 又停电了), WeChat's typed as codes too
    ("[/发怒][发怒]"): the restatement does not say them back, and the anger they carry does not
    make the problem beside them one to leave out."""
    kept = (
        char
        for char in without_emoji_codes(clause)
        if unicodedata.category(char) not in _PICTOGRAPH_CATEGORIES
        and char not in _EMOJI_JOINERS
        and not "\ufe00" <= char <= "\ufe0f"
    )
    return "".join(kept).strip()


# WeChat sends its emoji inside the text as a name in brackets ("[/发怒]", "[微笑]", "[Smile]").
_EMOJI_CODE = re.compile(rf"\[/?[{_HAN}A-Za-z]{{1,8}}\]")


def without_emoji_codes(text: str) -> str:
    """``text`` without the emoji WeChat writes as codes ("[/发怒][/发怒]楼道灯坏了" is 楼道灯坏了)."""
    return _EMOJI_CODE.sub("", text)


def pauses(text: str) -> list[str]:
    """The text's clauses and the pauses inside them, in order, none empty."""
    return [
        part.strip() for clause in _CLAUSE_BREAK.split(text) for part in _PAUSE.split(clause.strip()) if part.strip()
    ]


def only_answers(intents: frozenset[Intent]) -> bool:
    """The intents say only yes or no ("不对", "是的")."""
    return bool(intents) and intents <= _ANSWERS
