"""The complaint form as a tester playing customers found it (/tmp/play-cust b6, w3): a question at
the place step, a place told at the restatement, a withdrawal taken back, an elderly customer
typing in fragments, and yes typed in pinyin."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started, Step
from bot.flows.records import State
from tests.flows.chat import Chat

FACE_GATE = "小区大门的人脸识别一直认不出我 每次都要等保安开门"


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


def _restated_place(step: Step) -> str:
    restated = next(reply.text for reply in step.replies if reply.phrase_id == "restate")
    return next(line for line in restated.splitlines() if line.startswith("地点："))


def test_a_question_at_the_place_step_asks_for_the_place_again_not_no_place(chat: Chat) -> None:
    chat.send(FACE_GATE)
    chat.send("13900003333")
    step = chat.send("你们物业不知道我住哪吗？")
    assert chat.phrase_ids(step) == ["ask_area_again"]
    assert chat.state is State.AWAIT_AREA
    step = chat.send("就是你们管的那个 蓝湾半岛")
    assert _restated_place(step) == "地点：蓝湾半岛"


def test_a_place_told_at_the_restatement_without_one_is_taken_and_restated(chat: Chat) -> None:
    chat.send(FACE_GATE)
    chat.send("13900003333")
    step = chat.send("没有")
    assert _restated_place(step) == "地点：未提供"
    step = chat.send("就是你们管的那个 蓝湾半岛")
    assert chat.phrase_ids(step) == ["restate", "confirm_question"]
    assert _restated_place(step) == "地点：蓝湾半岛"
    step = chat.send("对")
    assert step.complaint is not None and step.complaint.area == "蓝湾半岛"


def test_words_that_are_no_place_at_the_restatement_only_ask_again(chat: Chat) -> None:
    chat.send(FACE_GATE)
    chat.send("13900003333")
    chat.send("没有")
    step = chat.send("我不明白")
    assert chat.phrase_ids(step) == ["explain_confirm"]  # the restatement explained, no place taken
    assert chat.data.area is None


@pytest.mark.parametrize("taken_back", ["不对 我还是要投诉", "还是帮我登记吧", "I still want to complain"])
def test_a_withdrawal_taken_back_asks_the_pending_question_again(chat: Chat, taken_back: str) -> None:
    chat.send("楼下商铺的空调外机对着我家窗户吹热风")
    assert chat.phrase_ids(chat.send("算了 不投诉了")) == ["withdraw_confirm"]
    step = chat.send(taken_back)
    assert chat.phrase_ids(step) == ["ask_phone"]
    assert chat.data.description == ["楼下商铺的空调外机对着我家窗户吹热风"]
    chat.send("13900004444")
    step = chat.send("金域蓝湾1栋")
    restated = next(reply.text for reply in step.replies if reply.phrase_id == "restate")
    assert "我还是要投诉" not in restated and "登记" not in restated


def test_giving_up_again_is_no_taking_back(chat: Chat) -> None:
    chat.send("楼下商铺的空调外机对着我家窗户吹热风")
    chat.send("算了 不投诉了")
    assert chat.phrase_ids(chat.send("不要投诉了")) == ["withdraw_confirm"]


def test_an_announced_question_is_invited_to_be_told_not_asked_for_a_contact(chat: Chat) -> None:
    step = chat.send("闺女 我问一下")
    assert chat.phrase_ids(step) == ["ask_details"]  # "好的，请您对我讲吧！…", nothing asked yet
    assert chat.state is State.AWAIT_DESCRIPTION and chat.data.consultation is None


def test_a_question_asked_is_still_taken_for_a_call_back(chat: Chat) -> None:
    step = chat.send("闺女 我问一下 物业费怎么交")
    assert chat.phrase_ids(step) != ["ask_details"]


def test_an_elderly_customer_typing_in_fragments_is_never_met_with_silence(chat: Chat) -> None:
    chat.send("闺女 我问一下")
    assert chat.phrase_ids(chat.send("我家那个 灯 不亮了")) == ["description_recorded", "ask_phone"]
    assert chat.phrase_ids(chat.send("厨房的")) == ["ask_phone_again"]
    assert chat.phrase_ids(chat.send("我七十八了 看不清字")) == ["ask_phone"]
    assert chat.data.description == ["我家那个 灯 不亮了", "厨房的", "我七十八了 看不清字"]
    assert "elder" in chat.data.signals


def test_an_elderly_customer_is_handed_off_with_the_elder_priority(conversation_engine: ConversationEngine) -> None:
    def filed(*told: str) -> Step:
        chat = Chat(conversation_engine)
        chat.send(Started())
        for text in told:
            step = chat.send(text)
        return step

    plain = filed("楼道里的垃圾好几天没人收", "13900001111", "阳光花园3栋", "对")
    elder = filed("楼道里的垃圾好几天没人收", "我七十八了 看不清字", "13900001111", "阳光花园3栋", "对")
    assert plain.handoff is not None and elder.handoff is not None and elder.complaint is not None
    assert "elder" in elder.complaint.signals
    assert (plain.handoff.priority, elder.handoff.priority) == (2, 1)


def _restated_pinyin(chat: Chat) -> Step:
    chat.send("louxia zhuangxiu tai chao le")
    chat.send("13900008888")
    return chat.send("hepingli xiaoqu")


def test_a_problem_typed_in_pinyin_is_read_for_its_category(chat: Chat) -> None:
    step = _restated_pinyin(chat)
    restated = next(reply.text for reply in step.replies if reply.phrase_id == "restate")
    assert "（物业服务）" in restated and "（其他）" not in restated


@pytest.mark.parametrize("yes", ["dui", "shi de", "dui a", "shi", "Dui!"])
def test_a_yes_typed_in_pinyin_confirms_the_restatement(chat: Chat, yes: str) -> None:
    _restated_pinyin(chat)
    step = chat.send(yes)
    assert chat.phrase_ids(step)[0] == "confirmed_thanks"
    assert step.complaint is not None and step.complaint.category == "property_service"


def test_a_no_typed_in_pinyin_asks_what_to_correct(chat: Chat) -> None:
    _restated_pinyin(chat)
    assert chat.phrase_ids(chat.send("bu dui")) == ["ask_correction"]


def test_a_confirmation_not_understood_is_not_asked_forever(chat: Chat) -> None:
    """Seed 000 §四: restated and confirmed; an answer the bot cannot read, twice
    (form.unclear_confirmations), registers the case as restated, unconfirmed, for a person to
    check with the customer: never a third "请问以上内容是否正确？"."""
    chat.send("楼下装修太吵了")
    chat.send("13900008888")
    chat.send("和平里小区")
    assert chat.phrase_ids(chat.send("嗯哼哼")) == ["confirm_question_again"]  # never the same words twice running
    step = chat.send("啥")
    assert chat.phrase_ids(step) == ["confirm_unclear_handoff", "promise_by_date", "case_number"]
    assert step.complaint is not None and not step.complaint.confirmed
    assert step.complaint.area == "和平里小区"
    assert step.handoff is not None and step.handoff.queue == "general"
    assert chat.state is State.HANDED_OFF


def test_a_correction_between_unclear_answers_asks_afresh(chat: Chat) -> None:
    chat.send("楼下装修太吵了")
    chat.send("13900008888")
    chat.send("和平里小区")
    chat.send("嗯哼哼")
    chat.send("不对 是13900008889")
    assert chat.phrase_ids(chat.send("嗯哼哼")) == ["confirm_question_again"]  # never the same words twice running
