"""Staff correct a case's form (``PATCH /api/conversations/{id}/complaint``): the place the bot
shortened, a misheard phone, the wrong category. The case shows the new values (the district read
again), the timeline keeps the old ones, the customer hears nothing, and the audit log has it."""

from __future__ import annotations

from typing import Any

from bot.staff.accounts import Role
from tests.audit.support import one
from tests.conftest import AppFactory
from tests.helpers import confirmed_complaint
from tests.promises.support import promised_case
from tests.staff import add_user, claim_conversation, sign_in

PATH = "/api/conversations/{}/complaint"


async def owned_case(client: Any) -> tuple[int, Any, dict[str, str]]:
    """A promised case (place 阳光花园3栋, phone 13800138000) that li.agent claimed: its conversation,
    the customer's socket and li's headers."""
    conversation_id, socket = await promised_case(client)
    await add_user(client, "li.agent", Role.AGENT)
    csrf = await sign_in(client, "li.agent")
    await claim_conversation(client, csrf, conversation_id)
    return conversation_id, socket, {"X-CSRF-Token": csrf}


async def case_of(client: Any, conversation_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    response = await client.get(f"/api/conversations/{conversation_id}")
    assert response.status == 200, await response.text()
    body = await response.json()
    return body["complaints"][-1], body["timeline"]


async def test_the_owner_corrects_the_place_and_the_phone_and_the_customer_hears_nothing(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    conversation_id, socket, headers = await owned_case(client)
    before, _ = await case_of(client, conversation_id)
    await socket.caught_up()
    said_before = len(socket.bot_texts())

    fixed = await client.patch(
        PATH.format(conversation_id),
        json={"area": "朝阳区望京SOHO塔2", "contact_phone": "139 1234 5678"},
        headers=headers,
    )
    assert fixed.status == 200, await fixed.text()
    answer = await fixed.json()
    assert (answer["area"], answer["district"], answer["contact_phone"]) == (
        "朝阳区望京SOHO塔2",
        "朝阳区",
        "13912345678",
    )
    assert sorted(answer["changes"]) == ["area", "contact_phone"]

    case, timeline = await case_of(client, conversation_id)
    assert (case["area"], case["contact_phone"]) == ("朝阳区望京SOHO塔2", "13912345678")
    # the grade and the deadline the customer was promised stay
    assert (case["grade"], case["deadline_at"]) == (before["grade"], before["deadline_at"])
    [entry] = [event for event in timeline if event["kind"] == "complaint_corrected"]
    assert entry["detail"]["changes"] == [
        {"field": "contact_phone", "from": "13800138000", "to": "13912345678"},
        {"field": "area", "from": "阳光花园3栋", "to": "朝阳区望京SOHO塔2"},
    ]
    assert entry["detail"]["username"] == "li.agent"
    # The customer's number in the header was the misheard one: it follows the correction.
    shown = await client.get(f"/api/conversations/{conversation_id}")
    assert (await shown.json())["customer"]["phone"] == "13912345678"

    await socket.caught_up()
    assert len(socket.bot_texts()) == said_before  # never told to the customer
    audit = await one(client, "complaint_correct")
    assert audit.target == f"conversation:{conversation_id}" and audit.status == 200
    assert audit.detail == {"case_number": case["case_number"], "fields": ["contact_phone", "area"]}
    await socket.close()


async def test_another_agent_may_not_correct_it_and_sees_the_phones_masked(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id, socket, headers = await owned_case(client)
    await socket.close()
    fixed = await client.patch(PATH.format(conversation_id), json={"contact_phone": "13912345678"}, headers=headers)
    assert fixed.status == 200

    await add_user(client, "zhao.agent", Role.AGENT)
    zhao = {"X-CSRF-Token": await sign_in(client, "zhao.agent")}
    refused = await client.patch(PATH.format(conversation_id), json={"area": "别处"}, headers=zhao)
    assert refused.status == 403
    case, timeline = await case_of(client, conversation_id)
    assert case["contact_phone"] == "139****5678"
    [entry] = [event for event in timeline if event["kind"] == "complaint_corrected"]
    assert entry["detail"]["changes"] == [{"field": "contact_phone", "from": "138****8000", "to": "139****5678"}]


async def test_a_supervisor_corrects_the_category_and_the_grade_and_deadline_stay(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id, socket, _ = await owned_case(client)
    await socket.close()
    before, _ = await case_of(client, conversation_id)
    assert before["category"] == "property_service"
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    boss = {"X-CSRF-Token": await sign_in(client, "zhou.sup")}

    fixed = await client.patch(PATH.format(conversation_id), json={"category": "engineering_repair"}, headers=boss)
    assert fixed.status == 200, await fixed.text()
    case, _ = await case_of(client, conversation_id)
    assert (case["category"], case["grade"], case["deadline_at"]) == (
        "engineering_repair",
        before["grade"],
        before["deadline_at"],
    )


async def test_a_phone_the_bot_takes_from_a_customer_is_taken_from_the_form_and_stored_alike(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    conversation_id, socket, headers = await owned_case(client)
    await socket.close()
    for typed, stored in (
        ("8866 5544", "88665544"),  # a city landline without its area code (none configured: kept as typed)
        ("９１２３ ４５６７", "+85291234567"),  # a Hong Kong mobile without +852, full width
        ("+852 6123-4567", "+85261234567"),
        # A Hong Kong or Macao number given with its code, in a block phonenumbers does not list yet.
        ("+852 9111 2222", "+85291112222"),
        ("00853 6999 9999", "+85369999999"),
        ("0371-62345678", "037162345678"),
    ):
        fixed = await client.patch(PATH.format(conversation_id), json={"contact_phone": typed}, headers=headers)
        assert fixed.status == 200, (typed, await fixed.text())
        assert (await fixed.json())["contact_phone"] == stored
        case, _ = await case_of(client, conversation_id)
        assert case["contact_phone"] == stored


async def test_values_that_are_not_ones_are_refused_with_what_is_wrong(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id, socket, headers = await owned_case(client)
    await socket.close()
    path = PATH.format(conversation_id)
    for body, words in (
        ({"category": "weather"}, "unknown category"),
        ({"contact_phone": "12345"}, "not a phone number"),
        ({"contact_phone": "电话13912345678"}, "not a phone number"),
        ({"contact_phone": "1234 5678"}, "not a phone number"),  # no landline starts with 1
        ({"contact_phone": "+852 1234 5678"}, "not a phone number"),  # nor a Hong Kong number
        ({"area": "   "}, "area"),
        ({"area": "\u202e"}, "area"),  # a direction mark alone: shows nothing, though not white space
        ({"area": "\u200b\u200b"}, "area"),
        ({"area": "区" * 201}, "area"),
        ({}, "at least one"),
        ({"area": "望京", "case_number": "TS00000000XXXXXX"}, "no such case"),
    ):
        refused = await client.patch(path, json=body, headers=headers)
        assert refused.status in (400, 404), (body, refused.status)
        assert words in (await refused.json())["error"], body
    unknown = await client.patch("/api/conversations/999999/complaint", json={"area": "望京"}, headers=headers)
    assert unknown.status == 404
    # like every staff change, without the CSRF token it is refused
    assert (await client.patch(path, json={"area": "望京"})).status == 403
    case, timeline = await case_of(client, conversation_id)
    assert case["area"] == "阳光花园3栋"
    assert not [event for event in timeline if event["kind"] == "complaint_corrected"]


async def test_a_hong_kong_number_a_customer_gives_with_its_code_is_the_cases_phone_in_the_console(
    make_client: AppFactory,
) -> None:
    """ "+852 9111 2222" (a block phonenumbers does not list yet): the supervisor reads it as the
    case's phone, stored as E.164, and the form takes it back as it is."""
    client = await make_client()
    conversation_id, socket = await confirmed_complaint(client, "楼道的灯坏了一个星期 阳光花园3栋 电话 +852 9111 2222")
    await socket.close()
    await add_user(client, "chen.sup", Role.SUPERVISOR)
    csrf = await sign_in(client, "chen.sup")
    case, _ = await case_of(client, conversation_id)
    assert case["contact_phone"] == "+85291112222"
    same = await client.patch(
        PATH.format(conversation_id), json={"contact_phone": "+852 9111 2222"}, headers={"X-CSRF-Token": csrf}
    )
    assert same.status == 200, await same.text()
    assert (await same.json())["changes"] == []


async def test_another_agent_is_refused_before_their_body_is_read_correcting_or_resolving(
    make_client: AppFactory,
) -> None:
    """A body that would not pass tells an agent who does not own the case nothing but 403."""
    client = await make_client()
    conversation_id, socket, _ = await owned_case(client)
    await socket.close()
    await add_user(client, "zhao.agent", Role.AGENT)
    zhao = {"X-CSRF-Token": await sign_in(client, "zhao.agent")}
    for body in ({"category": "weather"}, {}, {"contact_phone": "12345"}):
        refused = await client.patch(PATH.format(conversation_id), json=body, headers=zhao)
        assert refused.status == 403, body
    for body in ({}, {"summary": ""}, {"summary": "我不知道"}):  # missing, empty, a forbidden phrase
        refused = await client.post(f"/api/conversations/{conversation_id}/resolve", json=body, headers=zhao)
        assert refused.status == 403, body
    case, _ = await case_of(client, conversation_id)
    assert case["status"] != "resolved"
