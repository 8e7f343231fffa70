"""The complaint flow reads customers with the understanding layer (issue 11): each example a
new user tried, as the flow now answers it."""

from __future__ import annotations

import pytest

from bot.config import Intent, PhraseId, Signal
from bot.core.engine import ConversationEngine
from bot.core.messages import MessageKind
from bot.flows.complaint import CustomerSaid, Started
from bot.flows.records import State
from bot.understanding.result import Slots, Understanding
from tests.flows.chat import Chat


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


def test_everything_given_at_once_goes_straight_to_the_restatement(chat: Chat) -> None:
    step = chat.send("我叫王芳，电话13912345678，海淀区中关村大街的自来水有异味三天了")
    assert chat.state is State.CONFIRMING, chat.phrase_ids(step)
    assert PhraseId.ASK_PHONE.value not in chat.phrase_ids(step)
    assert PhraseId.ASK_AREA.value not in chat.phrase_ids(step)
    assert (chat.data.phone, chat.data.area, chat.data.surname) == ("13912345678", "海淀区中关村大街", "王")
    assert "电话：13912345678" in chat.texts(step) and "地点：海淀区中关村大街" in chat.texts(step)
    assert "称呼：王芳" in chat.texts(step)


def test_the_area_is_the_address_without_the_chatter(chat: Chat) -> None:
    chat.send("小区的路灯坏了一个星期了")
    chat.send("13800138000")
    assert chat.state is State.AWAIT_AREA
    step = chat.send("我刚才说了，海淀区中关村大街")
    assert chat.data.area == "海淀区中关村大街"
    assert step.state is State.CONFIRMING


def test_a_full_width_phone_number_is_a_phone_number(chat: Chat) -> None:
    chat.send("楼上漏水，物业一直不管")
    assert chat.state is State.AWAIT_PHONE
    step = chat.send("１３８００１３８０００")
    assert chat.data.phone == "13800138000"
    assert PhraseId.INVALID_PHONE.value not in chat.phrase_ids(step)


def test_a_leak_upstairs_that_the_property_ignores_is_a_repair(chat: Chat) -> None:
    chat.send("我家楼上漏水，物业一直不管")
    chat.send("13800138000")
    step = chat.send("阳光花园3栋")
    assert "（工程维修、物业服务）" in chat.texts(step)


def test_unhappy_is_not_an_app_problem(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    chat.send("I am not happy with your service")
    chat.send("13800138000")
    step = chat.send("Sunshine Garden block 3")
    assert "Service attitude" in chat.texts(step) and "Support" not in chat.texts(step)


def test_anger_in_traditional_characters_gets_empathy_first(chat: Chat) -> None:
    step = chat.send("氣死我了，寬頻三天沒網")
    assert chat.phrase_ids(step)[0] == PhraseId.EMPATHY.value


def test_thanks_in_traditional_characters_is_thanks_not_a_complaint(chat: Chat) -> None:
    step = chat.send("謝謝您們的幫忙")
    assert PhraseId.CUSTOMER_THANKED.value in chat.phrase_ids(step)
    assert chat.data.description == []


@pytest.mark.parametrize(
    "text", ["我要人工客服,你们的宽带三天没网了,没人管", "叫你们领导出来", "我要找你们经理", "转人工"]
)
def test_a_request_for_a_person_hands_off_whatever_its_length(chat: Chat, text: str) -> None:
    step = chat.send(text)
    assert chat.state is State.HANDED_OFF
    assert step.handoff is not None


def test_the_complaint_in_a_request_for_a_person_goes_with_it(chat: Chat) -> None:
    step = chat.send("我要人工客服,你们的宽带三天没网了,没人管")
    assert chat.data.description == ["我要人工客服,你们的宽带三天没网了,没人管"]
    assert step.complaint is not None and step.complaint.category == "network"


def test_a_bare_request_for_a_person_is_not_a_description(chat: Chat) -> None:
    chat.send("转人工")
    assert chat.data.description == []


def test_what_the_caller_understood_is_used_as_given(chat: Chat) -> None:
    """The pipeline passes the rules merged with the model's reading: the flow takes it as it is."""
    understood = Understanding(
        text="麻烦处理一下",
        locale="zh-CN",
        intents=frozenset({Intent.COMPLAINT}),
        category="billing",
        signals=frozenset({Signal.EMOTIONAL}),
        slots=Slots(phone="+8613700137000"),
    )
    step = chat.send(CustomerSaid("麻烦处理一下", understood=understood))
    assert chat.data.phone == "13700137000"
    assert chat.phrase_ids(step)[0] == PhraseId.EMPATHY.value


@pytest.mark.parametrize("text", ["谢谢，你们的宽带三天没网了", "不好意思，我家停电了", "你好，我家停水了"])
def test_a_courtesy_with_a_problem_in_it_is_a_complaint(conversation_engine: ConversationEngine, text: str) -> None:
    chat = Chat(conversation_engine)
    chat.send(text)
    assert chat.data.description == [text]
    assert chat.state is State.AWAIT_PHONE


@pytest.mark.parametrize("text", ["叫你们领导出来", "我要找你们经理", "你们主管呢？让他跟我说"])
def test_a_leader_asked_for_by_name_is_the_duty_supervisor(chat: Chat, text: str) -> None:
    """Seed 000 五(二)4: the customer asks for a leader — the duty supervisor takes it."""
    step = chat.send(text)
    assert step.handoff is not None
    assert (step.handoff.queue, step.handoff.priority, step.handoff.reason) == ("supervisor", 0, "supervisor_requested")
    # Nothing told yet: the request acknowledged and what happened asked; the phone after it.
    assert chat.phrase_ids(step) == [PhraseId.SUPERVISOR_ASK_DETAILS.value]


def test_a_request_for_any_person_stays_with_the_general_queue(chat: Chat) -> None:
    step = chat.send("转人工")
    assert step.handoff is not None and step.handoff.queue == "general"
    assert chat.phrase_ids(step)[0] == PhraseId.HUMAN_REQUESTED.value


def test_a_demand_beyond_the_bots_authority_goes_to_the_supervisor_with_the_complaint(chat: Chat) -> None:
    """Seed 000 五(二)3: compensation is beyond the bot's authority — the duty supervisor, with the
    complaint so far; the bot promises a reply time, never the compensation."""
    chat.send("我家楼上漏水把我家天花板泡坏了")
    step = chat.send("你们必须赔偿我5万块钱")
    assert step.handoff is not None
    assert (step.handoff.queue, step.handoff.reason) == ("supervisor", "beyond_authority")
    assert step.complaint is not None and "赔偿" in step.complaint.description
    assert "赔偿" not in chat.texts(step)


@pytest.mark.parametrize("demand", ["😡😡😡又停电了！！！冰箱里东西全坏了 要赔", "冰箱里东西全坏了 这个你们得赔"])
def test_a_demand_said_short_is_a_demand_beyond_the_bots_authority(chat: Chat, demand: str) -> None:
    """"要赔" asks for compensation as "赔偿" does: the duty supervisor, the reply time promised."""
    step = chat.send(demand)
    assert step.handoff is not None
    assert (step.handoff.queue, step.handoff.reason) == ("supervisor", "beyond_authority")
    assert step.complaint is not None and step.complaint.description == demand
    assert "赔" not in chat.texts(step)


def test_a_problem_said_after_angry_emoji_is_restated_without_them(chat: Chat) -> None:
    """"😡😡😡又停电了" is the power cut, not anger alone: restated beside what it spoiled, the emoji not."""
    chat.send("😡😡😡又停电了！！！冰箱里东西全坏了")
    chat.send("13900001111")
    step = chat.send("阳光花园3栋")
    assert "问题：又停电了，冰箱里东西全坏了（工程维修）" in chat.texts(step).splitlines()


def test_a_voice_transcript_is_read_like_typed_text(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(CustomerSaid("[voice] 楼道的灯坏了，电话幺三九一二三四五六七八", kind=MessageKind.VOICE))
    assert chat.data.description == ["楼道的灯坏了，电话幺三九一二三四五六七八"]
    assert chat.data.phone == "13912345678"
    assert chat.phrase_ids(step)[-1] == "ask_area"


@pytest.mark.parametrize(
    "said",
    [
        "楼道的灯坏了三天了 电话是一三三五五五五零零三一不对是零三二 住阳光花园3栋",
        "楼道的灯坏了三天了电话是一三三五五五五零零三一不对是零三二住阳光花园3栋",
    ],
)
def test_a_voice_transcript_putting_the_phone_s_last_digits_right_is_read_as_the_number_meant(
    conversation_engine: ConversationEngine, said: str
) -> None:
    """"…零三一不对是零三二": the last digits said again replace the ones before; neither the number
    nor its correction is restated as the problem, nor the start of the place."""
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(CustomerSaid(f"[voice] {said}", kind=MessageKind.VOICE))
    assert chat.data.phone == "13355550032"
    lines = chat.texts(step).splitlines()
    assert lines[1:4] == ["问题：楼道的灯坏了三天了（工程维修）", "地点：阳光花园3栋", "电话：13355550032"], lines


def test_a_voice_message_without_a_transcript_before_any_words_asks_for_them(
    conversation_engine: ConversationEngine,
) -> None:
    """Nothing is recorded yet, so nothing is promised: the customer is asked to write the problem."""
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(CustomerSaid("[voice]", kind=MessageKind.VOICE))
    assert chat.data.description == []
    assert chat.phrase_ids(step) == ["describe_in_words"]


def test_a_shared_location_is_the_place_of_the_problem(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    chat.send("楼道的灯坏了")
    chat.send("13912345678")
    assert chat.state is State.AWAIT_AREA
    step = chat.send(CustomerSaid("[location] 北京市海淀区中关村大街1号 (39.98,116.31)", kind=MessageKind.LOCATION))
    assert chat.data.area == "北京市海淀区中关村大街1号"
    assert chat.phrase_ids(step) == ["restate", "confirm_question"]


def test_a_location_shared_first_is_kept_and_the_problem_asked_for(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(CustomerSaid("[location] 阳光花园 (34.26,108.94)", kind=MessageKind.LOCATION))
    assert chat.data.area == "阳光花园" and chat.data.description == []
    assert chat.phrase_ids(step) == ["invite_complaint_again"]


def test_bare_coordinates_are_recorded_for_a_person(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine)
    chat.send(Started())
    step = chat.send(CustomerSaid("[location 39.98,116.31]", kind=MessageKind.LOCATION))
    assert chat.data.area is None
    assert chat.phrase_ids(step) == ["describe_in_words"]  # no problem told yet: nothing to promise


@pytest.mark.parametrize(
    "text", ["你好，我们这边水被停了", "您好，楼下的狗一直叫", "hi our water was cut off yesterday"]
)
def test_a_hello_with_a_problem_no_category_knows_records_the_problem(
    conversation_engine: ConversationEngine, text: str
) -> None:
    """The problem told after the hello is not thrown away with an invitation to tell it: as the
    first message (SMS, WeChat) or after the web chat's own greeting."""
    for greeted_first in (False, True):
        chat = Chat(conversation_engine)
        if greeted_first:
            chat.send(Started())
        step = chat.send(text)
        assert chat.data.description == [text]
        assert chat.state is State.AWAIT_PHONE and "invite_complaint" not in chat.phrase_ids(step)


@pytest.mark.parametrize(
    "text", ["你好 在吗", "hello there", "你好啊", "你好 我姓王", "您好 我电话13912345678", "好的", "嗯嗯", "ok"]
)
def test_a_hello_or_a_yes_with_nothing_of_a_problem_is_invited_to_tell_it(
    conversation_engine: ConversationEngine, text: str
) -> None:
    chat = Chat(conversation_engine)
    step = chat.send(text)
    assert chat.phrase_ids(step)[-1] == "invite_complaint" and chat.data.description == []
