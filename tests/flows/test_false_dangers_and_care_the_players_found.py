"""What players found misread in danger and care (web chat, Chinese):

- danger told of the past or of a film, a show or the news ("上次我妈摔倒了 流了很多血 所以想让物业装个扶手",
  "电影里有人拿刀砍人 楼上看电影声音太大") is a complaint, never the safety advice and the duty supervisor;
  danger now beside such words ("上次就漏过电 现在又冒烟了") still is danger;
- noise told by its sound ("楼上天天剁肉", "工地打桩") is the estate's noise complaint;
- an elder of the home made ill by the heating off ("暖气停了 家里老人冻病了") is a repair, cared for and
  served first (长者优先);
- a health condition ("我有高血压 气得头疼") or our staff's manner ("你们客服态度太差了") told while the case
  waits for an agent goes on the case with its signal, for the manager rules to rank it (the pipeline raises
  the waiting ticket: tests/test_pipeline_told_of_themselves.py)."""

from __future__ import annotations

import pytest

from bot.config import PhraseId, Signal
from bot.core.engine import ConversationEngine
from bot.flows.complaint import Started, Step
from bot.flows.records import State
from tests.flows.chat import Chat, restatement


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    chat = Chat(conversation_engine)
    chat.send(Started())
    return chat


def _no_danger(chat: Chat, step: Step) -> None:
    assert step.handoff is None
    assert not any(phrase and phrase.startswith(("safety_", "urgent_")) for phrase in chat.phrase_ids(step))
    assert not {Signal.DANGER, Signal.VIOLENCE} & set(chat.data.signals)


@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("上次我妈摔倒了 流了很多血 所以想让物业装个扶手", "物业服务"),
        ("以前我爸在楼道里摔倒了 流了好多血 楼道灯一直不亮", "工程维修"),
        ("电影里有人拿刀砍人 楼上看电影声音太大", "物业服务"),
        ("楼上天天打游戏 游戏里的人拿刀砍人 声音太大了", "物业服务"),
        ("新闻里说有人煤气中毒了 我们小区的燃气管道也该检查一下", "工程维修"),
        ("电视剧里有人被打了 楼上声音太大", "物业服务"),
    ],
)
def test_danger_of_the_past_or_of_a_film_is_an_ordinary_complaint(chat: Chat, message: str, category: str) -> None:
    step = chat.send(message)
    _no_danger(chat, step)
    assert chat.state is State.AWAIT_PHONE
    restated = restatement(chat)
    assert chat.line(restated, "问题：") == f"问题：{message}（{category}）"


@pytest.mark.parametrize(
    ("message", "advice"),
    [
        ("上次就漏过电 现在又冒烟了", "safety_fire"),
        ("电影里有人拿刀砍人 现在楼下真的有人在打架", "safety_violence"),
        ("楼上看电视声音太大 楼道里全是烟", "safety_fire"),
        ("上次电梯困过人 这次煤气味很大", "safety_gas"),
        ("我妈摔倒了 流了很多血", "safety_injured"),
        ("电视冒烟了", "safety_fire"),
        ("看完电影回来发现家里着火了", "safety_fire"),
    ],
)
def test_danger_now_beside_the_past_or_a_film_is_still_danger(chat: Chat, message: str, advice: str) -> None:
    step = chat.send(message)
    assert chat.phrase_ids(step)[0] == advice
    assert step.handoff is not None and (step.handoff.queue, step.handoff.priority) == ("supervisor", 0)


@pytest.mark.parametrize(
    "message", ["楼上天天剁肉 早上六点就开始", "工地打桩 晚上十一点还在打", "楼下饭店天天剁骨头 吵死了"]
)
def test_noise_told_by_its_sound_is_the_estate_s_noise_complaint(chat: Chat, message: str) -> None:
    chat.send(message)
    restated = restatement(chat)
    assert chat.line(restated, "问题：") == f"问题：{message}（物业服务）"


@pytest.mark.parametrize("message", ["暖气停了 家里老人冻病了", "暖气停了 老人冻病了", "没暖气 我爸八十多了 冻得发烧"])
def test_an_elder_made_ill_by_the_heating_off_is_a_repair_cared_for_and_served_first(
    chat: Chat, message: str
) -> None:
    step = chat.send(message)
    assert chat.phrase_ids(step)[0] == PhraseId.HEALTH_NOTED.value
    restated = restatement(chat)
    assert chat.line(restated, "问题：") == f"问题：{message}（工程维修）"
    done = chat.send("对")
    assert done.complaint is not None and {"elder", "health"} <= set(done.complaint.signals)
    assert done.handoff is not None and done.handoff.priority == 1


def test_the_old_people_of_the_estate_named_are_no_elder_of_the_customer_s(chat: Chat) -> None:
    chat.send("小区老人在楼下跳广场舞 吵死了")
    assert not {Signal.ELDER, Signal.HEALTH} & set(chat.data.signals)


def _waiting(chat: Chat) -> str:
    chat.send("楼上装修太吵了")
    restatement(chat)
    done = chat.send("对")
    assert done.complaint is not None and done.handoff is not None and done.handoff.priority == 2
    assert chat.state is State.HANDED_OFF and chat.owner == "bot"
    return done.complaint.case_number


def test_a_health_condition_told_while_the_case_waits_goes_on_it_with_its_signal(chat: Chat) -> None:
    case_number = _waiting(chat)
    step = chat.send("我有高血压 气得头疼")
    assert chat.phrase_ids(step) == [PhraseId.HEALTH_NOTED.value]
    assert step.contact is not None and step.contact.case_number == case_number
    assert step.contact.more_signals == ("health",) and step.contact.more_of_the_problem == "我有高血压 气得头疼"


def test_staff_attitude_complained_of_while_the_case_waits_goes_on_it_with_its_signal_and_category(
    chat: Chat,
) -> None:
    case_number = _waiting(chat)
    step = chat.send("你们客服态度太差了")
    assert chat.phrase_ids(step) == [PhraseId.STAFF_ERROR_APOLOGY.value]
    assert "如实上报主管" in chat.texts(step)
    contact = step.contact
    assert contact is not None and contact.case_number == case_number
    assert contact.more_signals == ("staff_error",) and contact.another_category == "service_attitude"
    assert contact.more_of_the_problem == "你们客服态度太差了"
    assert step.handoff is None and step.complaint is None  # the waiting case itself, no new one
    again = chat.send("你们客服态度真的太差了")
    assert chat.phrase_ids(again) == [PhraseId.STAFF_ERROR_APOLOGY.value] and again.contact is None


def test_staff_attitude_beside_another_problem_while_the_case_waits_is_not_swallowed_by_the_apology(
    chat: Chat,
) -> None:
    _waiting(chat)
    step = chat.send("你们客服态度太差了 电梯也坏了")
    assert PhraseId.STAFF_ERROR_APOLOGY.value not in chat.phrase_ids(step)
    assert step.contact is None or "staff_error" not in step.contact.more_signals
