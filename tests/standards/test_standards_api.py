"""The service standards through the staff API (issue 14): roles, validation naming the bad
key, versions with author and diff, rollback, YAML export and import, and the try box."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import yaml

from bot.config import PHRASE_VARIABLES
from bot.keys import resources
from bot.staff.accounts import Role
from tests.conftest import AppFactory
from tests.standards.support import greeting, section, signed_in

STANDARDS_JS = Path(__file__).resolve().parents[2] / "bot" / "web" / "static" / "standards.js"
SECTIONS = ["phrases", "forbidden", "deadlines", "classification", "calendar", "followups", "timers", "faq"]
NEW_OPENING = "{salutation},欢迎致电{organisation},{work_number}号客服代表很高兴为您服务。"


async def test_a_manager_edits_a_greeting_and_the_next_customer_hears_it(make_client: AppFactory) -> None:
    client = await make_client()
    headers = await signed_in(client, "li", Role.MANAGER)
    listed = await (await client.get("/api/standards")).json()
    assert [item["section"] for item in listed["sections"]] == SECTIONS
    assert all(
        item["version"] == 1 and item["changed_by"] == "config" and item["editable"] for item in listed["sections"]
    )

    phrases = await section(client, "phrases")
    assert phrases["version"] == 1 and phrases["editable"] is True
    assert phrases["placeholders"]["greeting_opening"] == ["organisation", "salutation", "work_number"]
    assert phrases["samples"]["case_number"] and set(phrases["samples"]) >= {"salutation", "deadline", "wait"}
    body = copy.deepcopy(phrases["body"])
    assert "客服代表为您服务" in body["zh-CN"]["phrases"]["greeting_opening"]
    assert "客服代表为您服务" in await greeting(client, "客服代表")

    body["zh-CN"]["phrases"]["greeting_opening"] = NEW_OPENING
    saved = await client.put(
        "/api/standards/phrases", json={"body": body, "note": "warmer opening", "base_version": 1}, headers=headers
    )
    assert saved.status == 200, await saved.text()
    answer = await saved.json()
    assert (answer["version"], answer["changed_by"], answer["note"]) == (2, "li", "warmer opening")
    assert answer["body"]["zh-CN"]["phrases"]["greeting_opening"] == NEW_OPENING

    assert "很高兴为您服务" in await greeting(client, "很高兴为您服务")
    picker = await (await client.get("/api/phrases")).json()
    assert next(p["text"] for p in picker["phrases"] if p["id"] == "greeting_opening") == NEW_OPENING


async def test_roles_agents_and_supervisors_read_phrases_and_forbidden_only(make_client: AppFactory) -> None:
    client = await make_client()
    assert (await client.get("/api/standards")).status == 401
    assert (await client.get("/api/standards/phrases")).status == 401
    for role in (Role.AGENT, Role.SUPERVISOR):
        headers = await signed_in(client, role.value, role)
        listed = await (await client.get("/api/standards")).json()
        assert [(item["section"], item["editable"]) for item in listed["sections"]] == [
            ("phrases", False),
            ("forbidden", False),
        ]
        phrases = await section(client, "phrases")
        assert phrases["editable"] is False
        assert (await client.get("/api/standards/forbidden")).status == 200
        assert (await client.get("/api/standards/deadlines")).status == 403
        assert (await client.get("/api/standards/phrases/history")).status == 403
        refused = await client.put(
            "/api/standards/phrases", json={"body": phrases["body"], "note": "mine"}, headers=headers
        )
        assert refused.status == 403
        rollback = await client.post("/api/standards/phrases/rollback", json={"version": 1}, headers=headers)
        assert rollback.status == 403
        tried = await client.post("/api/standards/try", json={"text": "宽带断了"}, headers=headers)
        assert tried.status == 403
        await client.post("/api/logout", headers=headers)
    headers = await signed_in(client, "boss", Role.MANAGER)
    assert (await client.get("/api/standards/nonsense")).status == 404
    timers = await section(client, "timers")
    wrong = await client.put(
        "/api/standards/timers", json={"body": timers["body"]}, headers={"X-CSRF-Token": "not-the-token"}
    )
    assert wrong.status == 403
    assert (await client.put("/api/standards/timers", json={"body": timers["body"]})).status == 403
    assert (await section(client, "timers"))["version"] == 1


async def test_a_bad_key_is_refused_with_its_path(make_client: AppFactory) -> None:
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    phrases = (await section(client, "phrases"))["body"]

    unknown = copy.deepcopy(phrases)
    unknown["zh-CN"]["phrases"]["greeting_morning"] = "早上好,{customer_name}"
    refused = await client.put("/api/standards/phrases", json={"body": unknown}, headers=headers)
    assert refused.status == 422
    answer = await refused.json()
    assert answer["problems"][0]["path"] == "phrases.zh-CN.phrases.greeting_morning"
    assert "customer_name" in answer["problems"][0]["message"]
    assert answer["error"].startswith("phrases.zh-CN.phrases.greeting_morning: ")

    deadlines = (await section(client, "deadlines"))["body"]
    del deadlines["table"]["simple"]["vip"]
    refused = await client.put("/api/standards/deadlines", json={"body": deadlines}, headers=headers)
    assert refused.status == 422
    [problem] = (await refused.json())["problems"]
    assert problem["path"] == "deadlines.table.simple" and "vip" in problem["message"]

    # an hour field under the editor's least (0.5): refused, never told to a customer as "0.1小时内"
    deadlines = (await section(client, "deadlines"))["body"]
    deadlines["overrides"][0]["deadline"]["hours"] = 0.1
    refused = await client.put("/api/standards/deadlines", json={"body": deadlines}, headers=headers)
    assert refused.status == 422
    [problem] = (await refused.json())["problems"]
    assert problem["path"].startswith("deadlines.overrides.0.deadline"), problem

    timers = (await section(client, "timers"))["body"]
    timers["idle_prompt_after"] = -5
    refused = await client.put("/api/standards/timers", json={"body": timers}, headers=headers)
    assert refused.status == 422
    assert (await refused.json())["problems"][0]["path"] == "timers.idle_prompt_after"

    # Another section's cross-check: a category that follow-ups still name cannot go.
    classification = (await section(client, "classification"))["body"]
    followups = (await section(client, "followups"))["body"]
    named = next(iter(followups["progress_days"]))
    classification["categories"] = [c for c in classification["categories"] if c["id"] != named]
    if classification["fallback_category"] == named:
        classification["fallback_category"] = classification["categories"][0]["id"]
    refused = await client.put("/api/standards/classification", json={"body": classification}, headers=headers)
    assert refused.status == 422
    assert (await refused.json())["problems"][0]["path"] == "followups.progress_days"

    # Nothing refused was stored.
    listed = await (await client.get("/api/standards")).json()
    assert all(item["version"] == 1 for item in listed["sections"])


async def test_a_standard_phrase_may_not_say_a_forbidden_phrase(make_client: AppFactory) -> None:
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    forbidden = (await section(client, "forbidden"))["body"]
    forbidden["forbidden"].append({"text": "这不归我们管", "instead": "我帮您联系负责的部门", "locale": "zh-CN"})
    saved = await client.put("/api/standards/forbidden", json={"body": forbidden, "note": "新忌语"}, headers=headers)
    assert saved.status == 200, await saved.text()

    # The agents' guard knows it at once.
    hit = resources(client.app).guard.check("这个不归我们管，这不归我们管")
    assert hit is not None and hit.forbidden == "这不归我们管"

    phrases = (await section(client, "phrases"))["body"]
    phrases["zh-CN"]["phrases"]["out_of_scope"] = "这不归我们管,请您咨询其他部门。"
    refused = await client.put("/api/standards/phrases", json={"body": phrases}, headers=headers)
    assert refused.status == 422
    [problem] = (await refused.json())["problems"]
    assert problem["path"] == "phrases.zh-CN.phrases.out_of_scope"
    assert "这不归我们管" in problem["message"] and "我帮您联系负责的部门" in problem["message"]
    # the console says it in the staff's language from the code, the phrase and the suggestion
    assert (problem["code"], problem["forbidden"], problem["suggestion"]) == (
        "forbidden_phrase",
        "这不归我们管",
        "我帮您联系负责的部门",
    )
    answer = await refused.json()
    assert (answer["field"], answer["code"], answer["forbidden"], answer["suggestion"]) == (
        "phrases.zh-CN.phrases.out_of_scope",
        "forbidden_phrase",
        "这不归我们管",
        "我帮您联系负责的部门",
    )


async def test_every_placeholder_has_a_sample_for_the_preview_and_a_label_in_the_page(make_client: AppFactory) -> None:
    """A preview never prints a placeholder's name ("以case_prefix开头"), nor a chip its id alone."""
    client = await make_client()
    await signed_in(client, "boss", Role.MANAGER)
    samples = (await section(client, "phrases"))["samples"]
    placeholders = set().union(*PHRASE_VARIABLES.values())
    assert sorted(name for name in placeholders if samples.get(name) in (None, "", name)) == []
    block = re.search(r"const PLACEHOLDER_LABELS = \{(.*?)\};", STANDARDS_JS.read_text(encoding="utf-8"), re.DOTALL)
    assert block is not None
    labelled = set(re.findall(r"\b([a-z_]+): T\(", block.group(1)))
    assert sorted(placeholders - labelled) == []


async def test_each_phrase_is_previewed_with_samples_that_agree_with_it(make_client: AppFactory) -> None:
    """"1小时内" beside a time within the hour, never "明天下午3点前"; a second category other than
    the first; English phrases previewed in English."""
    client = await make_client()
    await signed_in(client, "boss", Role.MANAGER)
    loaded = await section(client, "phrases")
    body, own = loaded["body"], loaded["phrase_samples"]

    def previewed(locale: str, phrase: str) -> str:
        return str(body[locale]["phrases"][phrase].format(**own[locale][phrase]))

    assert "1小时内（今天" in previewed("zh-CN", "promise_within_an_hour")
    assert "30分钟内（今天" in previewed("zh-CN", "promise_minutes")
    assert "明天" not in previewed("zh-CN", "promise_urgent")
    categories = previewed("zh-CN", "restate_more_categories").split("、")
    assert len(categories) == len(set(categories)) == 2
    numbers = previewed("zh-CN", "case_numbers_more").split("、")
    assert len(numbers) == len(set(numbers)) == 2
    assert "within an hour (by 11 am today)" in previewed("en", "promise_within_an_hour")
    assert not re.search(r"[\u4e00-\u9fff]", previewed("en", "restate")), previewed("en", "restate")


async def test_a_stale_base_version_is_a_conflict(make_client: AppFactory) -> None:
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    timers = (await section(client, "timers"))["body"]
    first = {**timers, "idle_prompt_after": timers["idle_prompt_after"] + 60}
    second = {**timers, "idle_prompt_after": timers["idle_prompt_after"] + 120}
    assert (
        await client.put("/api/standards/timers", json={"body": first, "base_version": 1}, headers=headers)
    ).status == 200
    late = await client.put("/api/standards/timers", json={"body": second, "base_version": 1}, headers=headers)
    assert late.status == 409
    assert "version 2" in (await late.json())["error"]
    assert (await section(client, "timers"))["body"]["idle_prompt_after"] == first["idle_prompt_after"]


async def test_history_diff_author_and_rollback_to_any_version(make_client: AppFactory) -> None:
    client = await make_client()
    headers = await signed_in(client, "li", Role.MANAGER)
    phrases = (await section(client, "phrases"))["body"]
    original = phrases["zh-CN"]["phrases"]["greeting_opening"]
    for number, wording in enumerate(["您好呀", "欢迎您"], start=2):
        phrases["zh-CN"]["phrases"]["greeting_opening"] = "{salutation}," + wording + ",{work_number}号为您服务。"
        saved = await client.put(
            "/api/standards/phrases", json={"body": phrases, "note": f"v{number}"}, headers=headers
        )
        assert saved.status == 200
    assert "欢迎您" in await greeting(client, "欢迎您")

    history = (await (await client.get("/api/standards/phrases/history")).json())["versions"]
    assert [entry["version"] for entry in history] == [3, 2, 1]
    assert [entry["changed_by"] for entry in history] == ["li", "li", "config"]
    assert history[0]["note"] == "v3" and history[0]["rollback_of"] is None
    changed = [line for line in history[0]["diff"].splitlines() if line[:1] in "+-" and "greeting_opening" in line]
    assert changed == [
        "-    greeting_opening: '{salutation},您好呀,{work_number}号为您服务。'",
        "+    greeting_opening: '{salutation},欢迎您,{work_number}号为您服务。'",
    ]
    assert history[0]["diff"].startswith("--- phrases-v2.yaml\n+++ phrases-v3.yaml\n")

    old = await (await client.get("/api/standards/phrases/versions/1")).json()
    assert old["version"] == 1 and old["body"]["zh-CN"]["phrases"]["greeting_opening"] == original
    assert (await client.get("/api/standards/phrases/versions/9")).status == 404

    back = await client.post("/api/standards/phrases/rollback", json={"version": 1}, headers=headers)
    assert back.status == 200, await back.text()
    restored = await back.json()
    assert (restored["version"], restored["rollback_of"]) == (4, 1)
    assert restored["body"]["zh-CN"]["phrases"]["greeting_opening"] == original
    assert "客服代表为您服务" in await greeting(client, "客服代表为您服务")

    again = await client.post(
        "/api/standards/phrases/rollback", json={"version": 2, "note": "的确更好"}, headers=headers
    )
    assert (await again.json())["version"] == 5
    assert "您好呀" in await greeting(client, "您好呀")
    history = (await (await client.get("/api/standards/phrases/history")).json())["versions"]
    assert [(entry["version"], entry["rollback_of"], entry["note"]) for entry in history[:2]] == [
        (5, 2, "的确更好"),
        (4, 1, "rollback to version 1"),
    ]
    assert (await client.post("/api/standards/phrases/rollback", json={"version": 42}, headers=headers)).status == 404


async def test_yaml_export_edit_and_import_round_trip(make_client: AppFactory) -> None:
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    exported = await client.get("/api/standards/deadlines?format=yaml")
    assert exported.status == 200
    assert exported.headers["Content-Type"] == "text/yaml; charset=utf-8"
    assert 'filename="deadlines-v1.yaml"' in exported.headers["Content-Disposition"]
    text = await exported.text()
    data = yaml.safe_load(text)
    assert data["table"]["simple"]["standard"] == 12
    edited = text.replace("standard: 12", "standard: 10", 1)
    assert edited != text

    imported = await client.put("/api/standards/deadlines", json={"yaml": edited, "note": "faster"}, headers=headers)
    assert imported.status == 200, await imported.text()
    assert (await imported.json())["body"]["table"]["simple"]["standard"] == 10
    shown = await (await client.get("/api/config/deadlines")).json()
    assert shown["table"]["simple"]["standard"] == 10
    again = await (await client.get("/api/standards/deadlines?format=yaml")).text()
    assert yaml.safe_load(again) == yaml.safe_load(edited)

    broken = await client.put("/api/standards/deadlines", json={"yaml": "table: [unclosed"}, headers=headers)
    assert broken.status == 422
    assert (await broken.json())["problems"][0]["path"] == "deadlines"
    both = await client.put("/api/standards/deadlines", json={"yaml": edited, "body": data}, headers=headers)
    assert both.status == 400


async def test_try_a_sentence_under_a_draft_classification(make_client: AppFactory) -> None:
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    sentence = "小区的喷泉一直不喷水"
    in_force = await client.post("/api/standards/try", json={"text": sentence}, headers=headers)
    assert in_force.status == 200
    before = await in_force.json()
    assert before["category"] != "fountain"

    draft = (await section(client, "classification"))["body"]
    draft["categories"].append(
        {"id": "fountain", "name": {"zh-CN": "喷泉", "en": "Fountain"}, "keywords": ["喷泉"], "default_grade": "simple"}
    )
    tried = await client.post("/api/standards/try", json={"text": sentence, "classification": draft}, headers=headers)
    assert tried.status == 200, await tried.text()
    answer = await tried.json()
    assert answer["category"] == "fountain"
    assert set(answer) >= {"text", "locale", "intents", "category", "grade", "signals", "slots"}
    # Only tried: nothing saved, the category in force is unchanged.
    assert (await section(client, "classification"))["version"] == 1
    assert (await (await client.post("/api/standards/try", json={"text": sentence}, headers=headers)).json()) == before

    draft["fallback_category"] = "nowhere"
    invalid = await client.post("/api/standards/try", json={"text": sentence, "classification": draft}, headers=headers)
    assert invalid.status == 422
    assert (await invalid.json())["problems"][0]["path"] == "classification"


async def test_a_category_the_manager_rules_name_cannot_be_taken_away(make_client: AppFactory) -> None:
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    rules = (await (await client.get("/api/rules")).json())["rules"]
    billing_rule = {"name": "billing to billing", "when": {"categories": ["billing"]}, "then": {"queue": "billing"}}
    saved = await client.put("/api/rules", json={"rules": [billing_rule, *rules], "note": "billing"}, headers=headers)
    assert saved.status == 200, await saved.text()

    classification = (await section(client, "classification"))["body"]
    classification["categories"] = [c for c in classification["categories"] if c["id"] != "billing"]
    refused = await client.put("/api/standards/classification", json={"body": classification}, headers=headers)
    assert refused.status == 422, await refused.text()
    [problem] = (await refused.json())["problems"]
    assert problem["path"] == "rules.0.when.categories" and "billing" in problem["message"]
    # For the console to say it in the manager's language, naming the rule as the rules page does.
    assert problem["code"] == "rule_unknown_reference"
    assert (problem["rule"], problem["rule_name"], problem["kind"], problem["names"]) == (
        1,
        "billing to billing",
        "category",
        ["billing"],
    )
    assert (await section(client, "classification"))["version"] == 1


async def test_a_deadline_cell_edited_shows_as_that_one_change_in_the_diff(make_client: AppFactory) -> None:
    """Version 1 is config/ as the models dump it (12.0), the editor sends whole numbers (10): the
    diff shows the cell that changed, not every number rewritten (the tester saw +11 −11)."""
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    deadlines = (await section(client, "deadlines"))["body"]
    deadlines["table"]["simple"]["standard"] = 10
    saved = await client.put("/api/standards/deadlines", json={"body": deadlines, "note": "faster"}, headers=headers)
    assert saved.status == 200, await saved.text()
    history = (await (await client.get("/api/standards/deadlines/history")).json())["versions"]
    changed = [line for line in history[0]["diff"].splitlines()[2:] if line[:1] in "+-"]
    assert len(changed) == 2, history[0]["diff"]
    assert changed[0].startswith("-") and changed[0].endswith("standard: 12")
    assert changed[1].startswith("+") and changed[1].endswith("standard: 10")
    exported = await (await client.get("/api/standards/deadlines?format=yaml")).text()
    assert ".0\n" not in exported.replace("0.0\n", "")  # whole numbers as config/ writes them


async def test_one_follow_up_value_changed_shows_as_that_one_change_in_the_diff(make_client: AppFactory) -> None:
    """The console sends the 回访 rating phrases back in the order JavaScript keeps number-like keys
    (1…5, config/ has 5…1): the diff shows the one value changed, not +48 −48."""
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    followups = (await section(client, "followups"))["body"]
    phrases = followups["rating_phrases"]
    assert list(phrases) != sorted(phrases)  # as config/ writes them
    followups["rating_phrases"] = {key: phrases[key] for key in sorted(phrases)}  # as the browser sends them
    followups["answer_window"] = followups["answer_window"] * 2
    saved = await client.put("/api/standards/followups", json={"body": followups, "note": "longer"}, headers=headers)
    assert saved.status == 200, await saved.text()
    history = (await (await client.get("/api/standards/followups/history")).json())["versions"]
    changed = [line for line in history[0]["diff"].splitlines()[2:] if line[:1] in "+-"]
    assert [line[0] for line in changed] == ["-", "+"], history[0]["diff"]
    assert all("answer_window" in line for line in changed)


async def test_an_faq_entry_the_wechat_menu_names_cannot_go(make_client: AppFactory) -> None:
    client = await make_client()  # the shipped menu: its SERVICE_HOURS button answers business_hours
    headers = await signed_in(client, "boss", Role.MANAGER)
    faq = (await section(client, "faq"))["body"]
    faq["entries"] = [entry for entry in faq["entries"] if entry["id"] != "business_hours"]
    refused = await client.put("/api/standards/faq", json={"body": faq}, headers=headers)
    assert refused.status == 422
    [problem] = (await refused.json())["problems"]
    assert problem["path"] == "channels"
    assert "wechat.menu.SERVICE_HOURS" in problem["message"] and "'business_hours'" in problem["message"]


async def test_deadlines_where_a_vip_waits_longer_are_saved_only_when_confirmed(make_client: AppFactory) -> None:
    """The warning the form shows is the server's too: a YAML import giving a VIP more hours than a
    standard customer is not saved until the manager confirms it."""
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    text = await (await client.get("/api/standards/deadlines?format=yaml")).text()
    data = yaml.safe_load(text)
    data["table"]["simple"]["vip"] = 14
    data["table"]["complex"]["vip"] = 16  # simple still under complex: no contradiction, a warning
    edited = yaml.safe_dump(data, allow_unicode=True)
    asked = await client.put("/api/standards/deadlines", json={"yaml": edited, "note": "VIP 慢"}, headers=headers)
    assert asked.status == 422, await asked.text()
    warnings = (await asked.json())["warnings"]
    assert {"grade": "simple", "tier": "vip", "hours": 14, "other_tier": "standard", "other_hours": 12} in warnings
    assert (await section(client, "deadlines"))["version"] == 1
    body = {"yaml": edited, "note": "VIP 慢", "confirm_warnings": True}
    confirmed = await client.put("/api/standards/deadlines", json=body, headers=headers)
    assert confirmed.status == 200, await confirmed.text()
    assert (await section(client, "deadlines"))["body"]["table"]["simple"]["vip"] == 14


async def test_deadlines_giving_a_simple_complaint_longer_than_a_complex_one_are_refused(
    make_client: AppFactory,
) -> None:
    """An order that contradicts itself (simple 30 h, complex 24 h for the same tier) is refused
    with the cell and the complex hours it may not pass; nothing is saved, confirmed or not."""
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    body = (await section(client, "deadlines"))["body"]
    body["table"]["simple"]["standard"] = 30
    for confirm in (False, True):
        refused = await client.put(
            "/api/standards/deadlines",
            json={"body": body, "note": "简单投诉放宽", "confirm_warnings": confirm},
            headers=headers,
        )
        assert refused.status == 422, await refused.text()
        [problem] = (await refused.json())["problems"]
        assert problem["path"] == "deadlines.table.simple.standard"
        assert (problem["code"], problem["limit"]) == ("simple_over_complex", 24)
    assert (await section(client, "deadlines"))["version"] == 1


async def test_saving_the_version_in_force_unchanged_adds_no_version(make_client: AppFactory) -> None:
    """Saved as loaded (the form untouched, or the exported file imported back): refused with
    "nothing changed", and the history keeps no version that changes nothing."""
    client = await make_client()
    headers = await signed_in(client, "boss", Role.MANAGER)
    loaded = await section(client, "deadlines")
    same = await client.put(
        "/api/standards/deadlines",
        json={"body": loaded["body"], "note": "没改", "base_version": loaded["version"]},
        headers=headers,
    )
    assert same.status == 409, await same.text()
    assert ((await same.json())["code"], (await same.json())["version"]) == ("unchanged", 1)
    text = await (await client.get("/api/standards/deadlines?format=yaml")).text()
    again = await client.put("/api/standards/deadlines", json={"yaml": text, "note": "导回"}, headers=headers)
    assert again.status == 409 and (await again.json())["code"] == "unchanged"
    history = await (await client.get("/api/standards/deadlines/history", headers=headers)).json()
    assert [entry["version"] for entry in history["versions"]] == [1]
