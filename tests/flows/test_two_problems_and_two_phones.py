"""Two problems in one message keep the main one's category and record the others; a second phone
in one message is the number to try when the first does not answer, and a correction replaces
the phone rather than adding one."""

from __future__ import annotations

import pytest

from bot.core.engine import ConversationEngine
from bot.core.timeline import TimelineKind
from bot.flows.complaint import CustomerSaid, Started
from bot.flows.records import ComplaintRecord, State
from tests.flows.chat import Chat

TWO_PROBLEMS = "停水两天了 电梯也坏了一个礼拜 物业根本不管"
TWO_PHONES = "电话13812345678 打不通就打我老婆的13987654321"


@pytest.fixture
def chat(conversation_engine: ConversationEngine) -> Chat:
    started = Chat(conversation_engine)
    started.send(Started())
    return started


def confirmed(chat: Chat) -> ComplaintRecord:
    step = chat.send("对")
    assert step.complaint is not None and chat.state is State.HANDED_OFF
    return step.complaint


def audited(chat: Chat, kind: TimelineKind) -> list[dict[str, object]]:
    return [event.detail for step in chat.steps for event in step.audit if event.kind is kind]


def test_two_problems_keep_the_main_category_and_record_the_other(chat: Chat) -> None:
    chat.send(TWO_PROBLEMS)
    chat.send("13812345678")
    said = chat.texts(chat.send("阳光花园3栋"))
    assert "（工程维修、物业服务）" in said  # the main problem's category first, then the other's
    record = confirmed(chat)
    assert (record.category, record.other_categories) == ("engineering_repair", ("property_service",))
    assert audited(chat, TimelineKind.CLASSIFIED)[-1]["other_categories"] == ["property_service"]
    assert chat.steps[-1].handoff is not None and chat.steps[-1].handoff.queue == "general"


def test_a_guard_swearing_beside_broken_things_is_restated_as_a_second_problem(chat: Chat) -> None:
    chat.send("电梯坏了三天了 楼道灯也不亮 保安还骂人")
    chat.send("13812345678")
    said = chat.texts(chat.send("阳光花园3栋"))
    assert "（工程维修、服务态度）" in said
    record = confirmed(chat)
    assert (record.category, record.other_categories) == ("engineering_repair", ("service_attitude",))


def test_english_restatement_names_both_problems_categories(conversation_engine: ConversationEngine) -> None:
    chat = Chat(conversation_engine, locale="en")
    chat.send(Started())
    chat.send("the lift is broken and the security guard was rude to me")
    chat.send("13812345678")
    said = chat.line(chat.send("Sunshine Garden block 3"), "Problem: ")
    assert said.endswith("(Engineering and repairs, Service attitude)")  # as 电梯坏了 保安态度也很差 is


def test_one_problem_records_no_other_category(chat: Chat) -> None:
    said = chat.texts(chat.send("电梯坏了一个礼拜 阳光花园3栋 电话13812345678"))
    assert "（工程维修）" in said
    record = confirmed(chat)
    assert (record.category, record.other_categories) == ("engineering_repair", ())
    assert "other_categories" not in audited(chat, TimelineKind.CLASSIFIED)[-1]


def test_a_second_phone_is_the_alternative_restated_and_recorded(chat: Chat) -> None:
    chat.send("楼道灯坏了")
    chat.send(TWO_PHONES)
    said = chat.texts(chat.send("阳光花园3栋")).splitlines()
    assert "电话：13812345678（备用：13987654321）" in said
    record = confirmed(chat)
    assert (record.contact_phone, record.alternative_phone) == ("13812345678", "13987654321")
    assert record.category == "engineering_repair"  # "打不通" is how to reach them, not the problem
    assert audited(chat, TimelineKind.ALTERNATIVE_CONTACT_RECEIVED) == [{"replaced": False}]


def test_both_problems_and_both_phones_in_one_message(chat: Chat) -> None:
    chat.send(f"{TWO_PROBLEMS} {TWO_PHONES}")
    chat.send("阳光花园3栋")
    record = confirmed(chat)
    assert (record.contact_phone, record.alternative_phone) == ("13812345678", "13987654321")
    assert (record.category, record.other_categories) == ("engineering_repair", ("property_service",))


def test_a_corrected_phone_replaces_the_contact_phone_and_keeps_the_alternative(chat: Chat) -> None:
    chat.send("楼道灯坏了")
    chat.send(TWO_PHONES)
    chat.send("阳光花园3栋")
    said = chat.texts(chat.send("不对 电话是13700001111")).splitlines()
    assert "电话：13700001111（备用：13987654321）" in said
    record = confirmed(chat)
    assert (record.contact_phone, record.alternative_phone) == ("13700001111", "13987654321")


def test_a_correction_naming_the_wrong_number_too_replaces_and_adds_nothing(chat: Chat) -> None:
    chat.send("楼道灯坏了 阳光花园3栋 电话13812345678")
    said = chat.texts(chat.send("不对，不是13812345678，是13987654321")).splitlines()
    assert "电话：13987654321" in said
    record = confirmed(chat)
    assert (record.contact_phone, record.alternative_phone) == ("13987654321", None)


def test_the_alternative_corrected_to_the_contact_phone_is_no_alternative_any_more(chat: Chat) -> None:
    chat.send("楼道灯坏了")
    chat.send(TWO_PHONES)
    chat.send("阳光花园3栋")
    said = chat.texts(chat.send("不对 电话是13987654321")).splitlines()
    assert "电话：13987654321" in said
    record = confirmed(chat)
    assert (record.contact_phone, record.alternative_phone) == ("13987654321", None)


def test_the_alternative_survives_storing_the_flow_data(chat: Chat) -> None:
    chat.send("楼道灯坏了")
    chat.send(TWO_PHONES)
    stored = chat.data.to_json()
    assert stored["alternative_phone"] == "13987654321"
    assert type(chat.data).from_json(stored).alternative_phone == "13987654321"


@pytest.mark.parametrize(
    ("later", "restated"),
    [
        ("打不通的话打我老婆的 13987654321", "电话：13812345678（备用：13987654321）"),
        ("备用电话13987654321", "电话：13812345678（备用：13987654321）"),
        ("if no answer call 13987654321", "Phone: 13812345678 (or 13987654321)"),
    ],
)
def test_a_number_to_try_given_later_is_the_alternative_not_the_problem(chat: Chat, later: str, restated: str) -> None:
    chat.send("楼道灯坏了一个星期了")
    chat.send("13812345678")
    chat.send("阳光花园5栋")
    said = chat.texts(chat.send(later))
    assert restated in said
    assert "打不通" not in said and "备用电话" not in said and "no answer" not in said
    complaint = confirmed(chat)
    assert (complaint.contact_phone, complaint.alternative_phone) == ("13812345678", "13987654321")
    assert complaint.description == "楼道灯坏了一个星期了"


def test_a_number_to_try_given_at_the_place_question_is_the_alternative(chat: Chat) -> None:
    chat.send("楼道灯坏了一个星期了")
    chat.send("13812345678")
    chat.send("我白天不在家 打不通就打我老婆的13987654321")
    said = chat.texts(chat.send("阳光花园5栋"))
    assert "电话：13812345678（备用：13987654321）" in said
    assert confirmed(chat).alternative_phone == "13987654321"


@pytest.mark.parametrize("correction", ["不是603 是630 13812340630", "sorry 13812340630"])
def test_a_whole_number_taking_the_phone_back_at_the_place_question_corrects_it(chat: Chat, correction: str) -> None:
    chat.send("营业厅的宽带装了一个星期还没通")
    chat.send("电话13812340603")
    asked = chat.send(correction)
    # The new number said back, and the place still asked, plainly: the answer was the phone.
    assert chat.phrase_ids(asked) == ["contact_corrected", "ask_area"]
    said = chat.texts(chat.send("没有地址")).splitlines()
    assert "电话：13812340630" in said
    record = confirmed(chat)
    assert (record.contact_phone, record.alternative_phone) == ("13812340630", None)
    assert audited(chat, TimelineKind.CORRECTED) == [{"field": "phone"}]


def test_a_number_to_try_with_a_no_in_it_is_still_the_alternative(chat: Chat) -> None:
    chat.send("楼道灯坏了一个星期了")
    chat.send("13812345678")
    chat.send("阳光花园5栋")
    said = chat.texts(chat.send("不是 打不通的话打我老婆的 13987654321"))
    assert "电话：13812345678（备用：13987654321）" in said


# ------------------------------------------------- a number typed over SMS that is someone else's


def test_a_dead_number_typed_over_sms_leaves_the_sender_the_contact(chat: Chat) -> None:
    said = chat.texts(
        chat.send(
            CustomerSaid(
                "帮我妈投诉 她的手机号13800009999被停机了 我用我的手机发的短信 她住金色家园3栋",
                sender_phone="13912345678",
            )
        )
    ).splitlines()
    assert "电话：139****5678" in said  # the sender's number, which the SMS reached, masked as the channel's
    problem = next(line for line in said if line.startswith("问题："))
    assert "被停机了" in problem and "短信" not in problem  # how the message was sent is no problem
    record = confirmed(chat)
    assert (record.contact_phone, record.alternative_phone) == ("13912345678", None)


def test_someone_elses_number_typed_over_sms_keeps_the_sender_as_the_alternative(chat: Chat) -> None:
    said = chat.texts(
        chat.send(
            CustomerSaid("帮我妈投诉 她家宽带坏了 她的手机号13800009999 她住金色家园3栋", sender_phone="13912345678")
        )
    )
    assert "电话：13800009999（备用：13912345678）" in said
    record = confirmed(chat)
    assert (record.contact_phone, record.alternative_phone) == ("13800009999", "13912345678")


def test_the_customers_own_other_number_over_sms_replaces_the_sender_alone(chat: Chat) -> None:
    chat.send(CustomerSaid("小区门口的路灯坏了", sender_phone="13912345678"))
    chat.send(CustomerSaid("还是打这个电话吧13912345670", sender_phone="13912345678"))
    said = chat.texts(chat.send(CustomerSaid("阳光花园3栋", sender_phone="13912345678")))
    assert "电话：13912345670" in said and "备用" not in said


# ------------------------------------------------- a second number given at the restatement


@pytest.mark.parametrize(
    "later", ["还有一个号码13912340136", "另一个号码 13912340136", "13912340136", "or call 13912340136"]
)
def test_another_number_at_the_restatement_keeps_the_first_and_is_the_alternative(chat: Chat, later: str) -> None:
    chat.send("电梯坏了 阳光花园3栋")
    chat.send("13912340036")
    said = chat.texts(chat.send(later)).splitlines()
    assert "电话：13912340036（备用：13912340136）" in said
    assert "问题：电梯坏了（工程维修）" in said  # the words giving the number are not more of the problem
    record = confirmed(chat)
    assert (record.contact_phone, record.alternative_phone) == ("13912340036", "13912340136")


def test_a_bare_number_kept_as_the_alternative_can_still_be_made_the_contact(chat: Chat) -> None:
    chat.send("楼上天天半夜装修 吵死了 阳光花园2栋 13900001111")
    chat.send("13900002222")
    said = chat.texts(chat.send("不对 电话是13900002222")).splitlines()
    assert "电话：13900002222" in said
    assert (confirmed(chat).contact_phone, chat.data.alternative_phone) == ("13900002222", None)


@pytest.mark.parametrize("correction", ["不对 电话是13900002222", "电话错了 13900002222"])
def test_a_number_with_a_correction_word_at_the_restatement_replaces_the_first(chat: Chat, correction: str) -> None:
    chat.send("楼上天天半夜装修 吵死了 阳光花园2栋 13900001111")
    said = chat.texts(chat.send(correction)).splitlines()
    assert "电话：13900002222" in said
    record = confirmed(chat)
    assert (record.contact_phone, record.alternative_phone) == ("13900002222", None)


def test_a_number_asked_for_after_a_no_replaces_the_first(chat: Chat) -> None:
    chat.send("楼上天天半夜装修 吵死了 阳光花园2栋 13900001111")
    chat.send("不对")
    chat.send("电话")
    said = chat.texts(chat.send("13900002222")).splitlines()
    assert "电话：13900002222" in said
    record = confirmed(chat)
    assert (record.contact_phone, record.alternative_phone) == ("13900002222", None)
