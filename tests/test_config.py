"""Configuration files: the shipped ones are valid; a bad one names its file and key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.config import ConfigError, Grade, PhraseBook, PhraseId, ServiceConfig, load_config
from bot.settings import PROJECT_ROOT
from bot.understanding.normalise import Converter


@pytest.fixture
def config_copy(tmp_path: Path) -> Path:
    target = tmp_path / "config"
    shutil.copytree(PROJECT_ROOT / "config", target)
    return target


def _edit(path: Path, change: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_shipped_configuration_is_complete(service_config: ServiceConfig) -> None:
    assert set(service_config.phrases) >= {"zh-CN", "en"}
    assert service_config.service.default_locale == "zh-CN"
    assert service_config.deadlines.table[Grade.SIMPLE]["standard"] == 12
    assert service_config.deadlines.table[Grade.COMPLEX]["standard"] == 24
    assert service_config.timers.idle_close_after == 3600
    assert service_config.timers.harassment_close_after == 300
    zh = service_config.phrases["zh-CN"].phrases
    assert "给您明确的答复" in zh[PhraseId.PROMISE]
    assert zh[PhraseId.CUSTOMER_APOLOGISED].startswith("没关系")


def test_a_wrong_value_names_the_file_and_key(config_copy: Path) -> None:
    _edit(config_copy / "timers.yaml", lambda data: data.update(idle_close_after=-5))
    with pytest.raises(ConfigError) as caught:
        load_config(config_copy)
    assert "timers.yaml" in str(caught.value) and "idle_close_after" in str(caught.value)


def test_a_missing_phrase_is_named(config_copy: Path) -> None:
    _edit(config_copy / "phrases" / "en.yaml", lambda data: data["phrases"].pop("promise"))
    with pytest.raises(ConfigError) as caught:
        load_config(config_copy)
    assert "en.yaml" in str(caught.value) and "promise" in str(caught.value)


def test_an_unknown_phrase_variable_is_refused(config_copy: Path) -> None:
    _edit(
        config_copy / "phrases" / "zh-CN.yaml",
        lambda data: data["phrases"].update(ask_phone="请留下电话{customer_name}"),
    )
    with pytest.raises(ConfigError) as caught:
        load_config(config_copy)
    assert "ask_phone" in str(caught.value) and "customer_name" in str(caught.value)


def test_an_agent_phrase_the_console_cannot_fill_is_refused(config_copy: Path) -> None:
    _edit(
        config_copy / "phrases" / "zh-CN.yaml",
        lambda data: data["agent_phrases"].update(queue_position="排队位置"),
    )
    with pytest.raises(ConfigError) as caught:
        load_config(config_copy)
    assert "agent_phrases.queue_position" in str(caught.value) and "position" in str(caught.value)


def test_a_deadline_table_missing_a_tier_is_refused(config_copy: Path) -> None:
    _edit(config_copy / "deadlines.yaml", lambda data: data["table"]["simple"].pop("vip"))
    with pytest.raises(ConfigError) as caught:
        load_config(config_copy)
    assert "deadlines.yaml" in str(caught.value) and "vip" in str(caught.value)


def test_an_invalid_phone_pattern_is_refused(config_copy: Path) -> None:
    _edit(config_copy / "service.yaml", lambda data: data.update(phone_pattern="^(1[3-9"))
    with pytest.raises(ConfigError) as caught:
        load_config(config_copy)
    assert "service.yaml" in str(caught.value) and "phone_pattern" in str(caught.value)


def test_the_yes_and_no_intents_are_required(config_copy: Path) -> None:
    _edit(config_copy / "classification.yaml", lambda data: data["intents"].pop("no"))
    with pytest.raises(ConfigError) as caught:
        load_config(config_copy)
    assert "classification.yaml" in str(caught.value) and "no" in str(caught.value)


def test_a_name_given_to_two_estates_is_refused(config_copy: Path) -> None:
    _edit(config_copy / "gazetteer.yaml", lambda data: data["estate_aliases"].append(["taikoo  shing", "太古城二期"]))
    with pytest.raises(ConfigError) as caught:
        load_config(config_copy)
    assert "gazetteer.yaml" in str(caught.value) and "taikoo  shing" in str(caught.value)


def test_broken_yaml_is_reported(config_copy: Path) -> None:
    (config_copy / "calendar.yaml").write_text("working_weekdays: [1, 2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"calendar\.yaml: not valid YAML"):
        load_config(config_copy)


def test_the_server_refuses_to_start_on_bad_configuration(
    config_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    from bot.__main__ import main

    _edit(config_copy / "service.yaml", lambda data: data.update(timezone="Mars/Olympus"))
    os.environ["BOT_CONFIG_DIR"] = str(config_copy)
    try:
        assert main(["check-config"]) == 2
    finally:
        del os.environ["BOT_CONFIG_DIR"]
    error = capsys.readouterr().err
    assert "service.yaml" in error and "timezone" in error


def test_check_config_fails_when_a_paraphrase_pattern_misses_its_own_example(
    config_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    from bot.__main__ import main

    _edit(config_copy / "forbidden.yaml", lambda data: data["patterns"][0].update(pattern="不归他们管"))
    os.environ["BOT_CONFIG_DIR"] = str(config_copy)
    try:
        assert main(["check-config"]) == 2
    finally:
        del os.environ["BOT_CONFIG_DIR"]
    assert "not_our_business: 这不归我们管，你去找街道办吧" in capsys.readouterr().err


def test_a_pattern_that_is_not_a_regular_expression_is_refused(config_copy: Path) -> None:
    _edit(config_copy / "forbidden.yaml", lambda data: data["patterns"][0].update(pattern="不归(我们管"))
    with pytest.raises(ConfigError, match=r"forbidden\.yaml.*not a valid regular expression"):
        load_config(config_copy)


def test_the_faq_ships_answers_in_every_locale(service_config: ServiceConfig) -> None:
    entries = service_config.faq.entries
    assert 3 <= len(entries) <= 12
    assert all(entry.answer.zh_cn and entry.answer.en for entry in entries)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda data: data["entries"].append(dict(data["entries"][0])), "unique"),
        (lambda data: data["entries"][0].update(keywords=[[]]), "keywords"),
        (lambda data: data["entries"][0]["answer"].pop("en"), "answer.en"),
        (lambda data: data["entries"][0]["answer"].update(en="Call {phone}"), "unknown variables ['phone']"),
        (lambda data: data["entries"][0]["answer"].update({"zh-CN": "请看{"}), "write a brace as {{"),
    ],
)
def test_a_bad_faq_entry_names_the_file_and_key(config_copy: Path, change: object, message: str) -> None:
    _edit(config_copy / "faq.yaml", change)
    with pytest.raises(ConfigError) as caught:
        load_config(config_copy)
    assert "faq.yaml" in str(caught.value) and message in str(caught.value)


def test_the_consultation_queue_is_required(config_copy: Path) -> None:
    _edit(
        config_copy / "handoff.yaml",
        lambda data: data.update(queues=[queue for queue in data["queues"] if queue["id"] != "consultation"]),
    )
    with pytest.raises(ConfigError, match=r"handoff\.yaml.*consultation"):
        load_config(config_copy)


def test_a_label_for_an_id_rules_cannot_name_is_refused(config_copy: Path) -> None:
    _edit(
        config_copy / "handoff.yaml",
        lambda data: data["labels"]["signals"].update(media_legl={"zh-CN": "媒体", "en": "Media"}),
    )
    with pytest.raises(ConfigError) as caught:
        load_config(config_copy)
    assert "labels.signals" in str(caught.value) and "media_legl" in str(caught.value)


def test_a_phrase_book_stored_with_a_retired_phrase_still_loads() -> None:
    """appeal_linked_by_phone is no longer said; a phrase book a manager saved before still loads."""
    stored = yaml.safe_load((PROJECT_ROOT / "config" / "phrases" / "zh-CN.yaml").read_text(encoding="utf-8"))
    stored["phrases"]["appeal_linked_by_phone"] = "您反映的问题已记录到这个号码之前的投诉中。"
    book = PhraseBook.model_validate(stored)
    assert "appeal_linked_by_phone" not in {phrase.value for phrase in book.phrases}


def test_a_wechat_menu_button_naming_no_faq_entry_is_refused(config_copy: Path) -> None:
    _edit(config_copy / "channels.yaml", lambda data: data["wechat"]["menu"].update(PARKING="faq:parking_fees"))
    with pytest.raises(ConfigError) as caught:
        load_config(config_copy)
    message = str(caught.value)
    assert "channels.yaml" in message and "wechat.menu.PARKING" in message and "'parking_fees'" in message


def test_a_wechat_menu_action_that_is_none_is_refused(config_copy: Path) -> None:
    _edit(config_copy / "channels.yaml", lambda data: data["wechat"]["menu"].update(HELP="call_me"))
    with pytest.raises(ConfigError) as caught:
        load_config(config_copy)
    message = str(caught.value)
    assert "channels.yaml" in message and "menu.HELP" in message and "open, status or faq:<FAQ entry id>" in message


def test_the_abuse_words_are_written_as_they_are_matched(service_config: ServiceConfig, converter: Converter) -> None:
    """Messages are matched in simplified characters, lower case: a curse listed as Hong Kong writes
    it (冚家鏟) would never be cut from the restatement; 冚家铲 catches 冚家鏟 and 冚家剷 alike."""
    words = service_config.classification.form.abuse()
    assert [word for word in words if converter.convert(word).lower() != word] == []
