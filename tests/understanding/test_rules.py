"""The understander on the issue's examples: intents, category, grade, signals and locale from the configured rules."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from bot.config import Classification, ConfigError, Grade, Intent, ServiceConfig, Signal
from bot.settings import PROJECT_ROOT
from bot.understanding.normalise import Converter
from bot.understanding.result import Slots
from bot.understanding.tokens import Dictionary
from bot.understanding.understander import NoSlots, Understander


def test_happy_is_not_the_app(understander: Understander) -> None:
    result = understander.understand("I am not happy with your service", locale="zh-CN")
    assert result.locale == "en"
    assert Intent.COMPLAINT in result.intents and Intent.PRAISE not in result.intents
    assert result.category == "service_attitude"
    assert Signal.EMOTIONAL in result.signals


def test_a_leak_the_property_ignores_is_a_repair(understander: Understander) -> None:
    result = understander.understand("我家楼上漏水…物业一直不管")
    assert Intent.COMPLAINT in result.intents
    assert result.category == "engineering_repair"
    assert result.grade is Grade.COMPLEX


def test_traditional_anger_is_emotional(understander: Understander) -> None:
    result = understander.understand("氣死我了")
    assert result.locale == "zh-TW"
    assert Signal.EMOTIONAL in result.signals
    assert Intent.COMPLAINT not in result.intents  # anger alone does not say what went wrong yet


def test_traditional_thanks_are_thanks_not_a_complaint(understander: Understander) -> None:
    result = understander.understand("謝謝您們的幫忙")
    assert result.locale == "zh-TW"
    assert result.intents == {Intent.THANKS}
    assert result.category is None


def test_a_long_message_can_ask_for_a_person_and_complain(understander: Understander) -> None:
    result = understander.understand("我要人工客服,你们的宽带三天没网了,没人管")
    assert {Intent.HUMAN, Intent.COMPLAINT} <= result.intents
    assert result.category == "network"


@pytest.mark.parametrize("text", ["叫你们领导出来", "我要找你们经理", "I want to speak to your manager", "找你们领导"])
def test_asking_for_someone_senior_is_supervisor(understander: Understander, text: str) -> None:
    intents = understander.understand(text).intents
    assert Intent.SUPERVISOR in intents and Intent.HUMAN not in intents


@pytest.mark.parametrize(
    "text",
    [
        "人工",
        "转人工",
        "agent",
        "I want to talk to an agent",
        "有没有人工?",
        # clause_start: 转人工 opening a clause, or after a request word.
        "转人工！我家宽带又断了",
        "宽带又断了，转人工",
        "我要转人工",
        "给我转人工，你们的维修师傅收了钱没修好就走了",
        # Words that only open a request, then 转人工 ("麻烦", "能不能", Cantonese "唔该").
        "麻烦转人工",
        "能不能转人工",
        "能不能帮我转人工",
        "唔该转人工",
        # A space after Chinese is a pause: 转人工 starts its clause.
        "我要投诉 转人工",
        # 人工客服 is a word of its own, in which the keyword 有没有人工 ends.
        "有没有人工客服",
        "有人工服务吗",
    ],
)
def test_asking_for_a_person(understander: Understander, text: str) -> None:
    assert Intent.HUMAN in understander.understand(text).intents


@pytest.mark.parametrize(
    "text",
    [
        "你们的人工客服态度太差",
        "your agent was rude to me",
        "I don't want an agent, just fix my internet",
        "你们的人工智能客服根本听不懂",
        "不要转人工",
        # clause_start: inside a clause, 转人工 is what the customer complains about.
        "客服热线转人工永远在排队，等了40分钟也没接通",
        "打10086转人工要等半天",
        # An opener before 客服 does not make it a request word: the bot is asked.
        "麻烦客服帮我查一下话费",
        "你们有没有客服电话",
    ],
)
def test_mentioning_a_person_is_not_asking_for_one(understander: Understander, text: str) -> None:
    assert Intent.HUMAN not in understander.understand(text).intents


@pytest.mark.parametrize(
    "text",
    [
        "我找经理说过了 还是没人修",
        "找你们经理也没用",
        "找领导都没用 一直没人来",
        "找负责人问过 说不归他管",
        "经理叫来的师傅把我家墙弄坏了",
        "上次让经理给我回电话 一直没回",
        "经理说下周修 结果还没修",
    ],
)
def test_a_senior_told_of_in_a_complaint_is_not_asked_for(understander: Understander, text: str) -> None:
    intents = understander.understand(text).intents
    assert not intents & {Intent.SUPERVISOR, Intent.HUMAN}


@pytest.mark.parametrize("text", ["我找经理说过了 你们还不处理 叫你们领导出来", "找经理说清楚", "把经理叫来"])
def test_asking_for_a_senior_beside_what_was_done_still_asks(understander: Understander, text: str) -> None:
    assert Intent.SUPERVISOR in understander.understand(text).intents


@pytest.mark.parametrize(
    "text",
    [
        "电梯还是坏的 都第三次了",
        "电梯一直坏着 说了多少次了",
        "热水器还是坏的 报了三次了",
        "停水 又停了 第三次了",
    ],
)
def test_a_thing_still_broken_told_again_is_a_repeated_repair(understander: Understander, text: str) -> None:
    result = understander.understand(text)
    assert Intent.COMPLAINT in result.intents
    assert result.category == "engineering_repair"
    assert Signal.REPEAT in result.signals


def test_a_thing_still_broken_is_a_repair_and_still_not_resolved(understander: Understander) -> None:
    result = understander.understand("楼道的门禁还是坏的")
    assert result.category == "engineering_repair"
    assert Intent.NOT_RESOLVED in result.intents


@pytest.mark.parametrize(
    ("text", "category"), [("小区监控是坏的 车被偷了都查不到", "property_service"), ("家里网又用不了了", "network")]
)
def test_a_thing_named_without_being_broken_keeps_its_category(
    understander: Understander, text: str, category: str
) -> None:
    assert understander.understand(text).category == category


@pytest.mark.parametrize(
    "text",
    ["路灯不亮", "路灯坏了", "路灯还是不亮", "路灯还是没修好啊", "楼道灯不亮", "楼道灯坏了", "小区门口的路灯坏了一周"],
)
def test_a_broken_street_or_corridor_light_is_a_repair(understander: Understander, text: str) -> None:
    """Seed 002: a broken facility is an engineering report (工程报事), not the estate's management."""
    result = understander.understand(text)
    assert Intent.COMPLAINT in result.intents
    assert result.category == "engineering_repair"


@pytest.mark.parametrize(
    "text",
    [
        "电梯还是不能用",
        "电梯用不了",
        "电梯又不能用了",
        "门禁又用不了了",
        "热水器不工作",
        "空调不好使",
        "水泵不能用",
        # Written together, where jieba reads 门/禁用/不了 and 闸/机修/不好.
        "门禁用不了",
        "門禁用不了",
        "门禁用不成",
        "闸机修不好",
    ],
)
def test_equipment_that_cannot_be_used_is_a_repair(understander: Understander, text: str) -> None:
    result = understander.understand(text)
    assert Intent.COMPLAINT in result.intents
    assert result.category == "engineering_repair"


@pytest.mark.parametrize(
    "text",
    [
        # What was tried comes between the thing and what is wrong with it.
        "小区门口的那个门禁卡刷了好几次都用不了",
        "电梯里面的那个按钮都不能用了",
        "单元门那个对讲机按了半天没反应",
        "充电桩扫码了也充不上",
        "车库门遥控按了没反应",
        # What it does not do when tried.
        "燃气灶打不着火",
        "煤气灶点不着",
        "门铃按了没声音",
        "可视对讲没有画面",
        "人脸识别的门禁识别不了",
        "楼道灯关不掉",
        "排风扇开不了",
        # Cantonese, traditional and English.
        "部lift用唔到",
        "部升降機用唔到",
        "門禁卡拍極都冇反應",
        "門鐘撳極都唔響",
        "the intercom doesn't work",
        "the intercom isn't working",
        "the lift doesn't work again",
        "the door entry system does not work",
        "my key fob won't open the gate",
        "the water heater won't turn on",
        "the street lights have stopped working",
        "can't use the lift since Monday",
    ],
)
def test_equipment_told_as_customers_tell_it_is_a_repair(understander: Understander, text: str) -> None:
    result = understander.understand(text)
    assert Intent.COMPLAINT in result.intents
    assert result.category == "engineering_repair"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("网又用不了了", "network"),
        ("宽带还是没修好", "network"),
        ("app用不了", "support_system"),
        ("停车卡用不了", "property_service"),
        ("燃气费太贵了", "billing"),
        ("小程序的按钮点了没反应", "support_system"),
        ("the app doesn't work", "support_system"),
        ("the website isn't working", "support_system"),
        ("my card doesn't work at the parking gate", "property_service"),
    ],
)
def test_cannot_be_used_without_equipment_keeps_its_category(
    understander: Understander, text: str, category: str
) -> None:
    assert understander.understand(text).category == category


def test_equipment_and_another_category_between_make_no_repair(understander: Understander) -> None:
    """ "电梯里网用不了": it is the network that cannot be used, in the lift."""
    assert understander.understand("电梯里网用不了").category != "engineering_repair"


def test_still_not_repaired_alone_is_no_complaint(understander: Understander) -> None:
    assert Intent.COMPLAINT not in understander.understand("等了两天还是没修好").intents


def test_a_progress_question_is_a_status_query_not_a_new_complaint(understander: Understander) -> None:
    result = understander.understand("我的投诉怎么样了?")
    assert result.intents == {Intent.STATUS_QUERY}
    assert result.category is None and result.grade is None


def test_a_consultation_is_a_question(understander: Understander) -> None:
    assert understander.understand("你们营业时间是几点?").intents == {Intent.QUESTION}
    fees = understander.understand("怎么交物业费?")
    assert fees.intents == {Intent.QUESTION} and fees.category is None


@pytest.mark.parametrize("text", ["物业费怎么收的", "停车费几多钱", "電費點樣交", "请问水费在哪交"])
def test_asking_how_a_charge_is_paid_or_counted_is_a_question(understander: Understander, text: str) -> None:
    fees = understander.understand(text)
    assert fees.intents == {Intent.QUESTION} and fees.category is None


@pytest.mark.parametrize("text", ["电费怎么算的这么贵", "物业费怎么收的 凭什么涨价", "停车费多少钱啊 太贵了吧"])
def test_a_charge_complained_of_while_asking_is_a_billing_complaint(understander: Understander, text: str) -> None:
    result = understander.understand(text)
    assert Intent.COMPLAINT in result.intents and result.category == "billing"


def test_a_problem_with_a_question_is_still_a_complaint(understander: Understander) -> None:
    result = understander.understand("宽带坏了怎么报修?")
    assert {Intent.COMPLAINT, Intent.QUESTION} <= result.intents
    assert result.category == "network"


@pytest.mark.parametrize("text", ["你们的维修师傅服务很好,点赞!", "The engineer did a great job, very helpful"])
def test_praise_is_not_a_complaint(understander: Understander, text: str) -> None:
    result = understander.understand(text)
    assert Intent.PRAISE in result.intents and Intent.COMPLAINT not in result.intents


def test_words_that_only_look_violent(understander: Understander) -> None:
    assert Signal.VIOLENCE not in understander.understand("秒杀活动买的宽带套餐乱扣费").signals
    assert Signal.VIOLENCE not in understander.understand("楼上的花盆掉下来把车砸了").signals
    assert Signal.VIOLENCE in understander.understand("再不修我就砸了你们的店").signals


def test_still_not_repaired_since_the_last_complaint(understander: Understander) -> None:
    result = understander.understand("上次投诉到现在还没修")
    assert Intent.COMPLAINT in result.intents
    assert Signal.REPEAT in result.signals and Signal.MEDIA_LEGAL not in result.signals
    assert result.grade is Grade.COMPLEX


def test_negation(understander: Understander) -> None:
    assert Intent.COMPLAINT not in understander.understand("不是投诉").intents
    assert understander.understand("我不是来投诉的,想问一下营业时间").intents == {Intent.QUESTION}
    assert Signal.EMOTIONAL not in understander.understand("没有不满意").signals
    assert Signal.EMOTIONAL in understander.understand("不满意").signals
    assert Intent.PRAISE not in understander.understand("不满意").intents


def test_english_in_a_chinese_conversation_is_english(understander: Understander) -> None:
    result = understander.understand("my internet has been down for three days", locale="zh-CN")
    assert result.locale == "en"
    assert Intent.COMPLAINT in result.intents and result.category == "network"


@pytest.mark.parametrize(
    ("text", "intents"),
    [
        ("对", {Intent.YES}),
        ("对对对!", {Intent.YES}),
        ("好的,谢谢", {Intent.YES, Intent.THANKS}),
        ("不对", {Intent.NO}),
        ("不是的", {Intent.NO}),
        ("OK", {Intent.YES}),
        ("对面楼的噪音", {Intent.COMPLAINT}),
        # Urging the visit on ("快点派人") is no more than a yes.
        ("对的对的 快点派人", {Intent.YES}),
        ("对的对的 快点派人啊", {Intent.YES}),
        # A thumbs-up alone, with a skin tone or not; Cantonese 無錯 (traditional).
        ("👍", {Intent.YES}),
        ("👍🏻", {Intent.YES}),
        ("無錯", {Intent.YES}),
        ("冇问题", {Intent.YES}),
        ("🙄", set()),
    ],
)
def test_yes_and_no_are_whole_answers(understander: Understander, text: str, intents: set[Intent]) -> None:
    assert understander.understand(text).intents == intents


def test_out_of_scope_only_without_a_complaint(understander: Understander) -> None:
    assert understander.understand("今天天气怎么样").intents == {Intent.OUT_OF_SCOPE}
    weather = understander.understand("今天天气冷,暖气不热")
    assert Intent.OUT_OF_SCOPE not in weather.intents and Intent.COMPLAINT in weather.intents


def test_thanks_at_the_end_of_a_complaint(understander: Understander) -> None:
    result = understander.understand("漏水三天了,请尽快处理,谢谢")
    assert {Intent.COMPLAINT, Intent.THANKS} <= result.intents
    assert result.category == "engineering_repair"


def test_full_width_exclamation_marks_are_emotional(understander: Understander) -> None:
    assert Signal.EMOTIONAL in understander.understand("网又断了！！！").signals


@pytest.mark.parametrize(
    ("text", "category", "grade"),
    [
        ("这个月话费多扣了五十块", "billing", Grade.SIMPLE),
        ("卫生间漏水", "engineering_repair", Grade.COMPLEX),
        # A broken thing that needs fixing is a repair; the lift only says where (a weak keyword).
        ("小区电梯又坏了", "engineering_repair", Grade.COMPLEX),
        ("小区电梯太脏了", "property_service", Grade.SIMPLE),
        ("电梯一个月坏三次", "engineering_repair", Grade.COMPLEX),
        ("电梯老是坏 物业也不管", "engineering_repair", Grade.COMPLEX),
        ("小区电梯又坏了 物业也不管", "engineering_repair", Grade.COMPLEX),
        ("营业员态度太差", "service_attitude", Grade.SIMPLE),
        ("我去营业厅办业务,工作人员一直玩手机不理人", "service_attitude", Grade.SIMPLE),
        ("手機訊號很差", "network", Grade.SIMPLE),
        ("我要投诉", "other", Grade.SIMPLE),
        ("I was overcharged on my phone bill", "billing", Grade.SIMPLE),
        ("water is leaking from the ceiling", "engineering_repair", Grade.COMPLEX),
        # Gas or power not coming and standing water are repairs; the estate's trees its upkeep.
        ("家里没有燃气了 做不了饭", "engineering_repair", Grade.COMPLEX),
        ("地下室积水", "engineering_repair", Grade.COMPLEX),
        ("no electricity in my flat since this morning", "engineering_repair", Grade.COMPLEX),
        ("电线杆歪了", "engineering_repair", Grade.COMPLEX),
        ("小区的大树好久没人修剪了", "property_service", Grade.SIMPLE),
    ],
)
def test_category_and_grade(understander: Understander, text: str, category: str, grade: Grade) -> None:
    result = understander.understand(text)
    assert Intent.COMPLAINT in result.intents
    assert (result.category, result.grade) == (category, grade)


class _Digits:
    """A stand-in slot extractor: the digits of the text it is given, as the phone."""

    def extract(self, text: str, traditional: bool = False, english: bool = False) -> Slots:
        return Slots(phone="".join(char for char in text if char.isdigit()) or None)

    def asked_phones(self, text: str) -> list[str]:
        return [phone] if (phone := self.extract(text).phone) else []

    def estates_named(self, text: str) -> list[str]:
        return []


def test_slots_come_from_the_connected_extractor_given_the_original_text(
    service_config: ServiceConfig, jieba_dictionary: Dictionary, converter: Converter
) -> None:
    understander = Understander.from_config(
        service_config, dictionary=jieba_dictionary, converter=converter, slot_extractor=_Digits()
    )
    assert understander.understand("我的电话是１３８００１３８０００").slots.phone == "１３８００１３８０００"
    rules_alone = Understander.from_config(service_config, dictionary=jieba_dictionary, slot_extractor=NoSlots())
    assert rules_alone.understand("13800138000").slots == Slots()


def test_the_slot_extractor_is_connected_by_default(understander: Understander) -> None:
    result = understander.understand("我叫王芳,电话１３９１２３４５６７８,海淀区中关村大街的自来水有异味三天了")
    assert result.slots.phone == "+8613912345678"
    assert result.slots.surname == "王"
    assert Intent.COMPLAINT in result.intents


def _classification(change: Any) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "config" / "classification.yaml").read_text("utf-8"))
    change(data)
    return data


def test_negation_words_are_configuration(
    service_config: ServiceConfig, jieba_dictionary: Dictionary, converter: Converter
) -> None:
    data = _classification(lambda data: data["negation"].update(words=[]))
    config = service_config.model_copy(update={"classification": Classification.model_validate(data)})
    understander = Understander.from_config(config, dictionary=jieba_dictionary, converter=converter)
    assert Intent.COMPLAINT in understander.understand("不是投诉").intents


def test_a_manager_s_new_keyword_is_understood(
    service_config: ServiceConfig, jieba_dictionary: Dictionary, converter: Converter
) -> None:
    data = _classification(lambda data: data["intents"]["supervisor"]["keywords"].append("叫你们站长"))
    config = service_config.model_copy(update={"classification": Classification.model_validate(data)})
    understander = Understander.from_config(config, dictionary=jieba_dictionary, converter=converter)
    assert Intent.SUPERVISOR in understander.understand("叫你们站长过来").intents


@pytest.mark.parametrize(
    "change",
    [
        lambda data: data["intents"]["status_query"].update(unless=["question"]),
        lambda data: data["intents"]["praise"].update(unless=["complaint"]),
        lambda data: data["intents"]["question"].update(unless=["correction", "refuse"]),
        lambda data: data["intents"].update(complaint={"keywords": ["投诉"]}),
    ],
)
def test_rules_that_cannot_be_decided_are_refused(change: Any) -> None:
    with pytest.raises(ValueError, match=r"unless|complaint|refuse"):
        Classification.model_validate(_classification(change))


def test_the_shipped_rules_load(service_config: ServiceConfig) -> None:
    assert service_config.classification.negation.words
    assert not isinstance(service_config, ConfigError)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("能不能让真人跟我说话", Intent.HUMAN),
        ("麻烦转一下人工", Intent.HUMAN),
        ("get me a real person", Intent.HUMAN),
        ("能不能让你们的上级来处理", Intent.SUPERVISOR),
        ("把你们负责人叫来", Intent.SUPERVISOR),
        ("put your boss on the line", Intent.SUPERVISOR),
    ],
)
def test_a_request_word_before_a_person_asks_for_them(understander: Understander, text: str, intent: Intent) -> None:
    assert intent in understander.understand(text).intents


@pytest.mark.parametrize(
    "text", ["你们经理上次答应给我退费,到现在也没退", "The manager at your store was rude", "不用找领导"]
)
def test_naming_someone_senior_without_asking_for_them(understander: Understander, text: str) -> None:
    assert Intent.SUPERVISOR not in understander.understand(text).intents


@pytest.mark.parametrize(
    "text",
    [
        "我上周投诉的宽带问题处理到哪一步了?",
        "请问我报修的漏水什么时候有人来?",
        "has anyone looked at my ticket yet??",
        "我的案件編號是C2024051200123,請問處理好了嗎?",
    ],
)
def test_an_earlier_report_with_a_question_about_it_is_a_status_query(understander: Understander, text: str) -> None:
    assert Intent.STATUS_QUERY in understander.understand(text).intents


def test_a_suggestion_about_progress_tracking_is_not_a_status_query(understander: Understander) -> None:
    assert Intent.STATUS_QUERY not in understander.understand("提个建议:APP里能不能加个报修进度查询").intents


def test_taiwan_words_in_traditional_text(understander: Understander) -> None:
    result = understander.understand("寬頻又斷了")
    assert result.locale == "zh-TW" and result.category == "network"
    assert understander.understand("小程序上报修提交不了").category == "support_system"  # not 小进程


def test_a_yes_or_no_can_lead_a_longer_answer(understander: Understander) -> None:
    assert understander.understand("不对,电话号码错了").intents == {Intent.NO, Intent.CORRECTION}
    assert Intent.YES in understander.understand("是的,就是这个地址").intents
    assert Intent.YES not in understander.understand("对面楼的噪音,每天都有").intents


def test_something_done_several_times_is_a_repeat(understander: Understander) -> None:
    assert Signal.REPEAT in understander.understand("报修了三次,维修师傅一直说没配件").signals
    assert Signal.REPEAT not in understander.understand("维修师傅一直说没配件").signals


def test_a_question_about_an_earlier_report_is_not_also_a_consultation(understander: Understander) -> None:
    assert understander.understand("请问我报修的漏水什么时候有人来?").intents == {Intent.STATUS_QUERY}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("我家的宽代又断了", "network"),
        ("楼上露水，我家墙都泡了", "engineering_repair"),
        ("樓上露水，牆都泡了", "engineering_repair"),
        ("帳單金額不對", "billing"),  # Taiwan's 帳單 is the mainland's 账单
    ],
)
def test_a_pinyin_slip_is_read_as_the_word_meant(
    service_config: ServiceConfig, jieba_dictionary: Dictionary, converter: Converter, text: str, category: str
) -> None:
    understander = Understander.from_config(service_config, dictionary=jieba_dictionary, converter=converter)
    assert understander.understand(text).category == category
    data = _classification(lambda data: data.update(misspellings={}))
    config = service_config.model_copy(update={"classification": Classification.model_validate(data)})
    without = Understander.from_config(config, dictionary=jieba_dictionary, converter=converter)
    assert without.understand(text).category != category


@pytest.mark.parametrize(
    ("text", "category"),
    [("kd断了", "network"), ("KD又断了", "network"), ("dt又坏了", "engineering_repair"), ("wy乱收费", "billing")],
)
def test_pinyin_initials_are_read_as_the_thing_meant(understander: Understander, text: str, category: str) -> None:
    """kd is 宽带, dt 电梯, wy 物业: "kd断了" is the broadband, as 宽带断了 is, not 其他."""
    assert understander.understand(text).category == category


@pytest.mark.parametrize("text", ["the kdd app keeps crashing", "my dtv box is broken", "wyoming street light is out"])
def test_pinyin_initials_are_not_read_inside_other_words(understander: Understander, text: str) -> None:
    assert understander.matchable(text) == text


def test_english_chat_shorthand_is_read_as_a_word_of_its_own(
    service_config: ServiceConfig, jieba_dictionary: Dictionary, converter: Converter
) -> None:
    understander = Understander.from_config(service_config, dictionary=jieba_dictionary, converter=converter)
    assert Intent.STATUS_QUERY in understander.understand("WHEN WILL U FIX IT").intents
    assert Intent.STATUS_QUERY in understander.understand("when will u fix it??").intents
    # only the word "u": not the letter inside other words, and the place is kept as typed
    assert understander.understand("the lift in Block U of Sunshine Garden is broken").slots.address == (
        "Block U of Sunshine Garden"
    )
    assert Intent.STATUS_QUERY not in understander.understand("fix up the lights upstairs").intents


@pytest.mark.parametrize(
    "text",
    [
        "电梯坏了一个星期没人修，我妈78岁了住15楼天天爬楼梯",
        "家里奶奶八十二岁，停水三天了",
        "老人家九十多岁了，暖气一直不热",
        "my dad is 82 years old and the lift has been broken for a week",
        "我妈八十几岁了，电梯坏了爬不上去",
        "電梯壞了，我阿媽八十幾歲",
        "我爸今年八十五了，楼道灯坏了一个月",
        "我七十八了 看不清字",
        "我都八十了，电梯坏了爬不上去",
        # Speaking for a parent, named once and then 她 or 他.
        "我替我妈反映 她今年82了 手机被莫名其妙扣了300多",
        "她今年82了",
        "他今年八十了",
        "老人家今年85",
        # In English, by age or by who they are.
        "my 80yo dad is stuck upstairs",
        "my 80 year old dad is stuck upstairs",
        "my 80-year-old mum has had no heating for a week",
        "my mother is 75 y/o and the lift is broken",
        "my elderly mother has had no water since monday",
        "my grandma is stuck upstairs, the lift is broken",
    ],
)
def test_an_age_of_seventy_or_more_is_an_elder_concerned(understander: Understander, text: str) -> None:
    assert Signal.ELDER in understander.understand(text).signals


@pytest.mark.parametrize(
    "text",
    [
        "孩子8岁，楼道灯坏了好几天",
        "小区成立70周年搞活动太吵了",
        "房子70平米，物业费一年三千",
        "我今年45岁，宽带天天断",
        "我妈今年四十五了，宽带天天断",
        "我爸交了八十块钱物业费",
        "我四十五了，宽带天天断",
        "她今年45了，宽带天天断",
        "他都交了80了，物业费还说没交",
        "i do 80 yoga classes a year and the gym is dirty",
        "my 8yo son is stuck in the lift",
    ],
)
def test_younger_ages_and_other_numbers_are_no_elder(understander: Understander, text: str) -> None:
    assert Signal.ELDER not in understander.understand(text).signals


@pytest.mark.parametrize("text", ["物业是死人吗？电梯坏了一个星期没人修", "你们人都死哪去了，打电话也没人接"])
def test_asking_whether_the_staff_are_dead_is_anger(understander: Understander, text: str) -> None:
    assert Signal.EMOTIONAL in understander.understand(text).signals


@pytest.mark.parametrize(
    "text", ["真是太感谢你们了，停了三天水", "你们物业真棒，垃圾堆了一周没人收", "你们服务真好啊，等了三天都没人来"]
)
def test_thanks_or_praise_said_bitterly_with_a_problem_is_a_complaint(understander: Understander, text: str) -> None:
    assert Intent.COMPLAINT in understander.understand(text).intents


@pytest.mark.parametrize(
    ("text", "category"),
    [("电费咋这么贵", "billing"), ("小区门口天天有人摆摊占道", "property_service")],
)
def test_a_price_or_a_street_stall_is_a_complaint_of_its_category(
    understander: Understander, text: str, category: str
) -> None:
    result = understander.understand(text)
    assert Intent.COMPLAINT in result.intents and result.category == category


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("我的退款到现在还没到账，都半个月了", "zh-CN"),
        ("押金迟迟没退", "zh-CN"),
        ("退款還沒到帳，都兩個禮拜了", "zh-TW"),
        ("I still haven't received my refund", "en"),
    ],
)
def test_money_due_that_has_not_come_is_a_billing_complaint(understander: Understander, text: str, locale: str) -> None:
    """Not only a question about progress: the customer has nothing on record here to ask
    about, and "查不到您的投诉记录" would answer a complaint with a shrug."""
    understood = understander.understand(text, locale)
    assert Intent.COMPLAINT in understood.intents
    assert understood.category == "billing"


@pytest.mark.parametrize("text", ["退款什么时候到账", "退款到账了吗", "退款到帳了嗎"])
def test_asking_when_a_refund_comes_is_a_progress_question(understander: Understander, text: str) -> None:
    assert understander.understand(text).intents == {Intent.STATUS_QUERY}


@pytest.mark.parametrize(
    ("text", "category"),
    [("你们的客服态度好差", "service_attitude"), ("你哋啲客服態度好差", "service_attitude"), ("服务好慢啊", None)],
)
def test_very_bad_said_with_hao_is_a_complaint_not_praise(
    understander: Understander, text: str, category: str | None
) -> None:
    """好 is "very" in "态度好差": the praise "态度好" must not thank an angry customer."""
    understood = understander.understand(text)
    assert Intent.PRAISE not in understood.intents and Intent.COMPLAINT in understood.intents
    if category is not None:
        assert understood.category == category


@pytest.mark.parametrize("text", ["态度好", "师傅态度好，修得很快", "態度好好", "师傅很负责"])
def test_praise_is_still_praise(understander: Understander, text: str) -> None:
    assert understander.understand(text).intents == {Intent.PRAISE}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("部𨋢壞咗成個禮拜", "engineering_repair"),
        ("屋企冇水冇電", "engineering_repair"),
        ("冷氣機唔凍", "engineering_repair"),
        ("啲垃圾冇人執", "property_service"),
    ],
)
def test_cantonese_problems_are_read_as_the_mandarin_they_mean(
    understander: Understander, text: str, category: str
) -> None:
    understood = understander.understand(text)
    assert Intent.COMPLAINT in understood.intents and understood.category == category


def test_cantonese_still_not_fixed_is_not_resolved(understander: Understander) -> None:
    assert Intent.NOT_RESOLVED in understander.understand("仲未整好呀").intents


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("请问你们宽带老是掉线怎么回事", "network"),
        ("请问为什么我家一直断网", "network"),
        ("你們的寬頻又斷線了，這個月已經第三次，每次打客服都等很久，請問到底要不要處理？", "network"),
        ("请问停水什么时候恢复", "engineering_repair"),
    ],
)
def test_a_problem_asked_about_politely_is_a_complaint_as_well_as_a_question(
    understander: Understander, text: str, category: str
) -> None:
    """A polite 请问 does not make a consultation of a broken service: the customer would be told
    "我们查询后将尽快与您联系" and get no case, no deadline."""
    understood = understander.understand(text)
    assert Intent.COMPLAINT in understood.intents and understood.category == category


def test_a_question_about_opening_hours_is_still_only_a_question(understander: Understander) -> None:
    assert understander.understand("请问营业厅几点开门").intents == {Intent.QUESTION}


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("樓梯間有很濃的瓦斯味 我好怕", Signal.DANGER),  # Taiwan's gas is 瓦斯
        ("我阿媽喺大堂跌親，地下好滑又冇放警告牌", Signal.DANGER),  # 跌親: fell and got hurt
    ],
)
def test_danger_in_taiwanese_and_cantonese_words(understander: Understander, text: str, signal: Signal) -> None:
    assert signal in understander.understand(text).signals


def test_a_court_in_an_address_is_no_threat_of_a_lawsuit(understander: Understander) -> None:
    assert Signal.MEDIA_LEGAL not in understander.understand("Building 3, Green Court, Haidian", "en").signals
    assert Signal.MEDIA_LEGAL in understander.understand("I will take you to court", "en").signals


def test_a_cantonese_refund_demand_for_management_fees_is_billing(understander: Understander) -> None:
    understood = understander.understand("你哋收咗我兩次管理費，即刻退返俾我！唔好同我講要等")
    assert Intent.COMPLAINT in understood.intents and understood.category == "billing"


def test_wifi_down_in_mixed_chinese_and_english_is_a_network_problem(understander: Understander) -> None:
    understood = understander.understand("我的WiFi又down了，call了三次customer service都没人理")
    assert understood.category == "network"


@pytest.mark.parametrize(
    "text",
    [
        "插座冒火星了 电表箱那边还有烧焦的味道",
        "电梯突然往下掉了好几层 我妈还在里面",
        "楼道里全是烟 呛死人了 不知道哪家着了",
        "天然气管道漏了 嘶嘶响",
        "燃气好像有点漏",
        "hi, the hallway smells like gas",
        "there's smoke coming out of the electrical room",
    ],
)
def test_sparks_smoke_a_falling_lift_and_a_gas_leak_are_danger(understander: Understander, text: str) -> None:
    understood = understander.understand(text)
    assert Signal.DANGER in understood.signals
    assert Intent.COMPLAINT in understood.intents  # danger now is something to handle


@pytest.mark.parametrize(
    "text",
    [
        "楼道里一股烟味 邻居天天在楼道抽烟",
        "people smoke in the stairwell",
        "电梯下来得很慢",
        "电梯掉漆了",
        "燃气费太贵了",
        "燃气热水器漏水了",
        "the gas bill is too high",
    ],
)
def test_ordinary_complaints_about_smoke_lifts_and_gas_are_no_danger(understander: Understander, text: str) -> None:
    assert Signal.DANGER not in understander.understand(text).signals


@pytest.mark.parametrize(
    ("text", "now"),
    [
        ("还有电梯三天两头停，上周我妈被关在里面二十分钟！！", False),
        ("去年楼道里着火了 到处是烟", False),
        ("last week my mum was trapped in the lift for twenty minutes", False),
        ("上周电梯坏了 今天又把我困在里面了", True),  # said to be again
        ("上周电梯坏了，我被困在电梯里", True),  # the past is another clause's
        ("上次投诉的煤气味到现在还有", True),
    ],
)
def test_danger_told_as_past_is_a_complaint_not_danger_now(understander: Understander, text: str, now: bool) -> None:
    understood = understander.understand(text)
    assert (Signal.DANGER in understood.signals) is now
    assert Intent.COMPLAINT in understood.intents


def test_choking_to_death_is_a_figure_of_speech_not_anger(understander: Understander) -> None:
    assert Signal.EMOTIONAL not in understander.understand("楼道里全是烟 呛死人了").signals
    assert Signal.EMOTIONAL in understander.understand("物业是死人吗").signals


@pytest.mark.parametrize(
    "text",
    [
        "再唔整我就搵傳媒",
        "I'm going to the press and the Consumer Council",
        "I'm going to the press",
        "我要去東方日報爆料",
        "我去消委會投訴你哋",
        "再唔處理我就去報館 仲會打去1823投訴",
        "我已經同你哋講咗三次 再唔理我就去報館",
        "再不處理我就打1999",
    ],
)
def test_the_press_and_hong_kong_s_consumer_council_are_media_legal(understander: Understander, text: str) -> None:
    assert Signal.MEDIA_LEGAL in understander.understand(text).signals


def test_pressing_a_button_is_no_threat(understander: Understander) -> None:
    assert Signal.MEDIA_LEGAL not in understander.understand("press the button twice").signals


@pytest.mark.parametrize(
    "text",
    [
        "进度怎么样",
        "处理好了没",
        "修好了吗",
        "师傅什么时候上门",
        "你们领导什么时候给我打电话",
        "几时打电话俾我",
        "为什么师傅还没来",
        "我的投诉编号是多少",
        "what's my case number",
    ],
)
def test_progress_questions_asked_plainly_are_status_queries(understander: Understander, text: str) -> None:
    intents = understander.understand(text).intents
    assert Intent.STATUS_QUERY in intents
    assert not intents & {Intent.SUPERVISOR, Intent.PRAISE}


def test_nobody_come_to_fix_it_is_a_status_query_and_not_resolved(understander: Understander) -> None:
    assert {Intent.STATUS_QUERY, Intent.NOT_RESOLVED} <= understander.understand("怎么还没人来修").intents
    # Said with what is wrong, it stays a complaint.
    assert Intent.COMPLAINT in understander.understand("为什么师傅还没来").intents


def test_also_together_is_configuration(
    service_config: ServiceConfig, jieba_dictionary: Dictionary, converter: Converter
) -> None:
    """A set of groups a manager adds counts like ``together``; the rule's other sets still count."""

    def add(data: dict[str, Any]) -> None:
        data["signals"]["danger"]["also_together"].append([["锅炉"], ["爆炸"]])

    config = service_config.model_copy(update={"classification": Classification.model_validate(_classification(add))})
    understander = Understander.from_config(config, dictionary=jieba_dictionary, converter=converter)
    assert Signal.DANGER in understander.understand("锅炉好像要爆炸了").signals
    assert Signal.DANGER in understander.understand("天然气管道漏了").signals
    assert Signal.DANGER not in understander.understand("锅炉坏了").signals


def test_request_openers_are_configuration(
    service_config: ServiceConfig, jieba_dictionary: Dictionary, converter: Converter
) -> None:
    data = _classification(lambda data: data["requests"].update(openers=[]))
    config = service_config.model_copy(update={"classification": Classification.model_validate(data)})
    understander = Understander.from_config(config, dictionary=jieba_dictionary, converter=converter)
    assert Intent.HUMAN not in understander.understand("麻烦转人工").intents


@pytest.mark.parametrize(
    "text",
    ["电梯按钮失灵了", "电梯停运了一周", "电梯门关不上", "电梯异响很大", "部電梯成日唔郁", "小区电梯半个月没年检了"],
)
def test_a_lift_that_does_not_work_is_a_repair(understander: Understander, text: str) -> None:
    assert understander.understand(text).category == "engineering_repair"


@pytest.mark.parametrize(
    "text", ["停电了 什么时候来电啊", "整栋楼停电了 什么时候来电", "阳光花园3栋停水了 什么时候来水"]
)
def test_a_symptom_asked_when_it_ends_is_a_complaint_and_a_status_question(
    understander: Understander, text: str
) -> None:
    result = understander.understand(text)
    assert {Intent.COMPLAINT, Intent.STATUS_QUERY} <= result.intents
    assert result.category == "engineering_repair"


def test_a_symptom_of_an_earlier_report_asked_after_is_a_progress_query(understander: Understander) -> None:
    result = understander.understand("请问我报修的漏水什么时候有人来？")
    assert result.intents == {Intent.STATUS_QUERY} and result.category is None


def test_not_fixed_with_the_thing_named_is_a_complaint_alone_it_is_not(understander: Understander) -> None:
    named = understander.understand("上周报修的水龙头到现在都没人来修 什么时候能修好")
    assert Intent.COMPLAINT in named.intents and named.category == "engineering_repair"
    assert Intent.COMPLAINT not in understander.understand("怎么还没人来修").intents


@pytest.mark.parametrize(
    ("text", "categories"),
    [
        ("莫名其妙被开通了一个视频会员 每个月扣15块", {"billing"}),
        ("手机被莫名其妙扣了300多", {"billing"}),
        ("流量超了被扣了200", {"billing"}),
        ("家里座机没有拨号音", {"network"}),
        ("她家的电话线被施工的挖断了", {"network"}),
        ("sim卡失效了", {"network"}),
        ("电话卡被停了", {"network", "support_system"}),
        ("短信收不到", {"network"}),
        ("来电显示没了", {"network", "support_system"}),
        ("国际漫游开不了", {"network", "support_system"}),
        ("iptv看不了", {"network"}),
        ("10086一直打不进去", {"service_attitude", "support_system"}),  # the hotline unreachable
        ("客服一直让我等", {"service_attitude"}),
        ("装维人员没按时上门", {"service_attitude"}),
        ("约好的师傅没来", {"service_attitude"}),
        ("固定电话坏了", {"network"}),
        ("她家座机坏了两周", {"network"}),
        ("光纤还是时断时续", {"network"}),
    ],
)
def test_telecom_problems_are_complaints_of_their_category(
    understander: Understander, text: str, categories: set[str]
) -> None:
    result = understander.understand(text)
    assert Intent.COMPLAINT in result.intents
    assert result.category in categories


@pytest.mark.parametrize(
    "text", ["sim卡失效了", "SIM卡不能用了", "my SIM card stopped working", "Hi my SIM card stopped working yesterday"]
)
def test_a_failed_sim_is_the_network_in_either_language(understander: Understander, text: str) -> None:
    assert understander.understand(text).category == "network"


@pytest.mark.parametrize("text", ["座机 021-61234567，白天打", "我的手机是13912345678，家里座机是021-55556666"])
def test_a_landline_given_as_a_contact_is_no_complaint(understander: Understander, text: str) -> None:
    assert Intent.COMPLAINT not in understander.understand(text).intents


@pytest.mark.parametrize(
    "text",
    [
        "我要撤销之前的投诉 话费已经退回来了",
        "TS20261206DJJX6Y这个投诉帮我撤销 已经解决了",
        "宽带已经恢复了 不用来了",
        "帮我把投诉撤了",
        "我之前的投诉不用处理了",
        "算了 宽带好了 不用了",
    ],
)
def test_a_complaint_taken_back_is_a_withdrawal_not_a_new_complaint(understander: Understander, text: str) -> None:
    result = understander.understand(text)
    assert Intent.WITHDRAW in result.intents and Intent.COMPLAINT not in result.intents
    assert result.category is None and Signal.COMPENSATION not in result.signals


@pytest.mark.parametrize(
    "text", ["宽带好了 不用来了 但是电梯又坏了", "不要撤销投诉", "不投诉了，你们赶紧派人来修电梯就行"]
)
def test_a_problem_told_or_a_withdrawal_refused_takes_nothing_back(understander: Understander, text: str) -> None:
    assert Intent.WITHDRAW not in understander.understand(text).intents


@pytest.mark.parametrize(
    "text",
    [
        "退费一直没到账 上个月说好退我200的",
        "11月20日营业厅办理携号转网 被收了违约金500元 当时根本没说有违约金",
        "宽带断了三天 会给我补偿吗",
    ],
)
def test_a_fee_a_refund_already_agreed_or_a_question_is_no_demand_for_compensation(
    understander: Understander, text: str
) -> None:
    result = understander.understand(text)
    assert Intent.COMPLAINT in result.intents and Signal.COMPENSATION not in result.signals


@pytest.mark.parametrize(
    "text", ["我要求赔偿 这五天的费用必须退给我", "电梯门把我夹伤了,你们必须赔偿我5万块钱", "冰箱里东西全坏了 要赔"]
)
def test_a_demand_for_money_is_compensation(understander: Understander, text: str) -> None:
    assert Signal.COMPENSATION in understander.understand(text).signals


@pytest.mark.parametrize("text", ["有冇真人啊", "有冇人工啊", "搵真人", "我要同真人講"])
def test_asking_in_cantonese_for_a_real_person_is_asking_for_a_person(understander: Understander, text: str) -> None:
    understood = understander.understand(text)
    assert Intent.HUMAN in understood.intents and Intent.COMPLAINT not in understood.intents


@pytest.mark.parametrize("text", ["唔使搞啦 已經整好咗", "唔使整啦", "唔使跟進喇"])
def test_a_cantonese_never_mind_takes_the_complaint_back(understander: Understander, text: str) -> None:
    assert Intent.WITHDRAW in understander.understand(text).intents


def test_a_power_cut_typed_with_the_shop_character_is_a_power_cut(understander: Understander) -> None:
    understood = understander.understand("整栋楼都停店 冰箱的东西都坏了")
    assert understood.category == "engineering_repair"
