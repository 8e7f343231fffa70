"""What angry customers mean, read through the whole engine: a question told in a story, praise
said sarcastically, a phone refused in anger, Cantonese, a complaint typed word by word, a question
not understood, English yes, categories of trapped lifts and cooking fumes, a rating with a criticism."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.flows.complaint import Resolved, Started
from bot.flows.data import TimerKind
from bot.flows.records import State
from tests.flows.chat import Chat


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


def said(chat: Chat) -> list[str | None]:
    return [reply.phrase_id for step in chat.steps for reply in step.replies]


@pytest.mark.parametrize(
    "story",
    [
        "我去物业前台问一下快递的事 前台小姑娘直接不理我 玩手机 什么态度",
        "你們的警衛態度超差，我只是問一下包裹在哪，他就對我大小聲，還罵髒話…",
    ],
)
def test_a_question_told_in_a_story_about_staff_is_a_complaint_about_their_attitude(chat: Chat, story: str) -> None:
    step = chat.send(story)
    assert chat.phrase_ids(step) == ["staff_error_apology", "description_recorded", "ask_phone"]
    chat.send("13800138000 阳光花园3栋")
    assert chat.state is State.CONFIRMING
    done = chat.send("对")
    assert done.complaint is not None and done.complaint.category == "service_attitude"
    assert done.complaint.case_number in chat.texts(done)


def test_sarcastic_praise_beside_an_outage_files_the_outage(chat: Chat) -> None:
    step = chat.send("呵呵😅 你们物业真是太棒了👍👍 停水三天了 连个通知都没有 真是五星级服务呢🙄")
    assert "praise_thanks" not in chat.phrase_ids(step)
    # Not meant: dissatisfaction, met with empathy first.
    assert chat.phrase_ids(step) == ["empathy", "description_recorded", "ask_phone"]
    step = chat.send("13800138000 阳光花园3栋")
    problem = chat.line(step, "问题：")
    assert "停水三天了" in problem and "太棒了" not in problem and "五星级" not in problem
    done = chat.send("对")
    assert done.complaint is not None and done.complaint.category == "engineering_repair"


def test_genuine_praise_is_still_thanked(chat: Chat) -> None:
    step = chat.send("师傅修得真好 太棒了👍")
    assert "praise_thanks" in chat.phrase_ids(step) and chat.data.description == []


@pytest.mark.parametrize("refusal", ["凭什么要给你电话 不给", "就是不给 你们会泄露", "凭什么要我手机号码"])
def test_an_angry_refusal_of_the_phone_is_answered_with_the_reassurance(chat: Chat, refusal: str) -> None:
    chat.send("电梯坏了")
    step = chat.send(refusal)
    assert chat.phrase_ids(step) == ["phone_reassure"]
    assert chat.data.description == ["电梯坏了"]
    step = chat.send("阳光花园3栋")
    assert chat.phrase_ids(step) == ["phone_not_needed", "restate", "confirm_question"]


def test_a_cantonese_hello_is_a_hello_not_the_problem(chat: Chat) -> None:
    step = chat.send("喂喂 有冇人啊")
    assert chat.phrase_ids(step) == ["invite_complaint_again"] and chat.data.description == []
    chat.send("电梯坏了")
    step = chat.send("13800138000 阳光花园3栋")
    assert chat.line(step, "问题：") == "问题：电梯坏了（工程维修）"


def test_a_cantonese_are_you_a_robot_is_answered_as_the_robot_question(chat: Chat) -> None:
    step = chat.send("你係咪機械人嚟㗎？")
    assert chat.phrase_ids(step)[0] == "faq:bot_identity" and chat.data.description == []


def test_a_complaint_typed_word_by_word_is_heard_out_and_joined(chat: Chat) -> None:
    for word in ("我", "要"):
        assert chat.send(word).replies == []
    assert chat.phrase_ids(chat.send("投诉")) == ["ask_details"]
    assert chat.send("你们").replies == []
    assert chat.phrase_ids(chat.send("保安")) == ["description_recorded", "ask_phone"]
    assert chat.send("睡觉").replies == []
    chat.send("!!!!")
    assert chat.send("在岗位上睡觉").replies == []
    assert said(chat).count("description_recorded") == 1
    assert said(chat).count("ask_phone") <= 2
    assert chat.data.description == ["你们保安睡觉", "在岗位上睡觉"]
    step = chat.send("13800138000 阳光花园3栋")
    assert "保安睡觉" in chat.line(step, "问题：")


def test_word_by_word_the_phone_question_comes_again_only_after_a_while(chat: Chat) -> None:
    chat.send("电梯坏了")
    assert chat.send("一直").replies == []
    chat.wait(61)  # timers.form_reask_after
    step = chat.send("不动")
    assert chat.phrase_ids(step) == ["description_recorded", "ask_phone_again"]
    assert chat.data.description == ["电梯坏了一直不动"]


@pytest.mark.parametrize(
    ("state_words", "confused", "explained"),
    [
        ((), "什么电话 是要我打电话给你们吗", "explain_phone"),
        ((), "什么意思 我不懂", "explain_phone"),
        (("13800138000",), "啥意思", "explain_area"),
        (("13800138000", "阳光花园3栋"), "什么意思 我不懂", "explain_confirm"),
    ],
)
def test_a_question_not_understood_is_explained_in_simpler_words(
    chat: Chat, state_words: tuple[str, ...], confused: str, explained: str
) -> None:
    chat.send("电梯坏了")
    for words in state_words:
        chat.send(words)
    state, description = chat.state, list(chat.data.description)
    step = chat.send(confused)
    assert chat.phrase_ids(step) == [explained]
    assert "我已记录下来" not in chat.texts(step)
    assert chat.state is state and chat.data.description == description


@pytest.mark.parametrize("yes", ["yep thats right", "yeah correct", "that's right"])
def test_english_yes_words_confirm_the_restatement(conversation_engine: ConversationEngine, yes: str) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    chat.send("the lift in my building is broken again")
    chat.send("13800138000")
    chat.send("Green Park block 2")
    assert chat.state is State.CONFIRMING
    done = chat.send(yes)
    assert done.complaint is not None


@pytest.mark.parametrize(
    ("locale", "trapped"),
    [
        ("zh-CN", "电梯里困人了 阳光花园3栋"),
        ("zh-CN", "有人被困电梯 阳光花园3栋"),
        ("en", "someone trapped in the lift"),
    ],
)
def test_someone_trapped_in_a_lift_is_danger_and_a_repair(
    conversation_engine: ConversationEngine, locale: str, trapped: str
) -> None:
    chat = Chat(conversation_engine, locale=locale)
    chat.send(Started())
    step = chat.send(trapped)
    assert chat.phrase_ids(step)[0] == "safety_lift"
    assert step.complaint is not None and step.complaint.category == "engineering_repair"


@pytest.mark.parametrize("fumes", ["楼下饭店的油烟管道正对着我家窗户 天天熏得受不了", "楼下餐馆油烟熏到我家"])
def test_a_restaurants_cooking_fumes_are_the_estates_environment_not_a_repair(chat: Chat, fumes: str) -> None:
    chat.send(f"{fumes} 阳光花园3栋 13800138000")
    assert chat.state is State.CONFIRMING
    done = chat.send("对")
    assert done.complaint is not None and done.complaint.category == "property_service"


def test_a_rating_with_a_criticism_is_a_four_with_its_comment(chat: Chat) -> None:
    chat.send("电梯坏了 阳光花园3栋 13800138000")
    chat.send("对")
    chat.send(Resolved())
    chat.send(chat.timer(TimerKind.SATISFACTION_CALLBACK))
    step = chat.send("给4分吧 师傅挺好的 就是来得有点慢")
    assert chat.phrase_ids(step) == ["satisfaction_suggestion"]  # the criticism thanked as a suggestion
    assert step.satisfaction is not None and step.satisfaction.rating == 4
    assert step.satisfaction.comment is not None and "慢" in step.satisfaction.comment
