"""Cluster alerts and the manager's dashboard."""

from __future__ import annotations

import datetime as dt
import itertools

from bot.config import ServiceConfig
from bot.keys import resources
from bot.staff.accounts import Role
from bot.staff.clusters import AreaGroups, ComplaintRow, ProblemKinds, find_clusters
from bot.understanding.normalise import simplified_converter
from tests.conftest import AppFactory, FixedClock
from tests.handoff.dashboard_helpers import stored_complaint as _complaint
from tests.handoff.queue_helpers import customer_hands_off, job_ctx
from tests.staff import add_user, sign_in
from workers.queue import detect_clusters

T0 = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
_cases = itertools.count(1)


def _row(
    customer: int,
    area: str | None,
    category: str = "property_service",
    phone: str | None = None,
) -> ComplaintRow:
    return ComplaintRow(f"TS{next(_cases):04d}", customer, category, area, T0, phone)


def test_the_same_category_and_area_from_enough_customers_clusters(service_config: ServiceConfig) -> None:
    areas = AreaGroups(service_config.gazetteer, simplified_converter())
    rows = [_row(1, "阳光花园"), _row(2, " 阳光花园 "), _row(3, "阳光花园"), _row(4, "Sunny Garden")]
    [cluster] = find_clusters(rows, min_customers=3, areas=areas)
    assert (cluster.category, cluster.area, cluster.customers) == ("property_service", "阳光花园", 3)
    assert len(cluster.case_numbers) == 3


def test_only_complaints_of_the_same_problem_at_one_estate_cluster(service_config: ServiceConfig) -> None:
    """A gas smell, a smoking socket, leaks and lifts at 翠湖天地 (all 工程维修) are four problems: only
    the leaks, told by three customers in their own words and scripts, make a cluster."""
    areas = AreaGroups(service_config.gazetteer, simplified_converter())
    problems = ProblemKinds(service_config.queue.cluster_alert.problems, simplified_converter())
    told = [
        "家里煤气味很重",
        "插座冒烟了",
        "楼上漏水 天花板都泡了",
        "電梯壞了 停了一上午",
        "卫生间天花板渗水",
        "樓上漏水 滴到我家",
        "电梯又坏了",
    ]
    rows = [
        ComplaintRow(f"TS9{n:03d}", 100 + n, "engineering_repair", f"翠湖天地{n + 1}栋", T0, None, text)
        for n, text in enumerate(told)
    ]
    [cluster] = find_clusters(rows, 3, areas, problems)
    assert (cluster.problem, cluster.customers, cluster.area) == ("漏水", 3, "翠湖天地")
    assert cluster.case_numbers == ("TS9002", "TS9004", "TS9005")
    # Told apart by nothing configured, they count by their category alone, as before.
    assert len(find_clusters(rows, 3, areas)) == 1


def test_neighbours_in_different_buildings_of_one_estate_cluster(service_config: ServiceConfig) -> None:
    areas = AreaGroups(service_config.gazetteer, simplified_converter())
    rows = [_row(1, "朝阳区阳光花园3栋2单元501"), _row(2, "朝阳区阳光花园 5栋"), _row(3, "朝阳区阳光花园12号楼3层")]
    [cluster] = find_clusters(rows, min_customers=3, areas=areas)
    assert (cluster.area, cluster.customers) == ("朝阳区阳光花园", 3)
    # A building alone is all the address there is: it is its own group.
    assert areas.shown("5栋") == "5栋"
    assert find_clusters([_row(1, "翠湖花园3栋"), _row(2, "阳光花园3栋"), _row(3, "绿地新都会3栋")], 2, areas) == []


def test_a_gate_or_car_park_of_an_estate_counts_in_the_estate(service_config: ServiceConfig) -> None:
    areas = AreaGroups(service_config.gazetteer, simplified_converter())
    rows = [_row(1, "阳光花园3栋1202"), _row(2, "阳光花园南门"), _row(3, "阳光花园 地下车库"), _row(4, "陽光花園東門")]
    [cluster] = find_clusters(rows, min_customers=4, areas=areas)
    assert (cluster.area, cluster.customers) == ("阳光花园", 4)
    # No estate before it: a house's door stays part of the address, and so does a word that is no part.
    assert areas.shown("人民路12号门口") == "人民路12号门口"
    assert areas.shown("阳光花园 客服中心") == "阳光花园 客服中心"


def test_an_estate_written_in_traditional_and_simplified_is_one_area(service_config: ServiceConfig) -> None:
    """Places are stored as the customer wrote them: 陽光花園5棟 and 阳光花园5栋 are one estate's."""
    areas = AreaGroups(service_config.gazetteer, simplified_converter())
    rows = [_row(1, "陽光花園5棟"), _row(2, "阳光花园5栋"), _row(3, "阳光花园3栋2单元"), _row(4, "陽光花園")]
    [cluster] = find_clusters(rows, min_customers=4, areas=areas)
    # Two wrote each: shown as the first complaint wrote it.
    assert (cluster.area, cluster.customers) == ("陽光花園", 4)
    assert areas.key("陽光花園5棟") == areas.key("阳光花园12号楼") == areas.key("阳光花园")


def test_area_spelling_is_normalised_but_one_customer_or_mixed_categories_do_not_cluster(
    service_config: ServiceConfig,
) -> None:
    areas = AreaGroups(service_config.gazetteer, simplified_converter())
    sunny = [_row(1, "Sunny Garden"), _row(2, "sunny garden "), _row(3, "SUNNY  GARDEN")]
    assert len(find_clusters(sunny, 3, areas)) == 1
    assert find_clusters([_row(1, "阳光花园"), _row(1, "阳光花园"), _row(1, "阳光花园")], 3, areas) == []
    assert find_clusters([_row(1, "阳光花园"), _row(2, "阳光花园"), _row(3, "阳光花园", "billing")], 3, areas) == []
    assert find_clusters([_row(1, None), _row(2, None), _row(3, None)], 3, areas) == []


def test_hong_kong_blocks_floors_and_flats_count_in_their_estate_in_either_script(
    service_config: ServiceConfig,
) -> None:
    areas = AreaGroups(service_config.gazetteer, simplified_converter())
    english = [_row(1, "Flat 5C, 12/F, Block 2, Taikoo Shing"), _row(2, "Flat 8A, 3/F, Block 5, Taikoo Shing")]
    [cluster] = find_clusters([*english, _row(3, "G/F shop 3, Taikoo Shing")], 3, areas)
    assert (cluster.area, cluster.customers) == ("Taikoo Shing", 3)
    chinese = [_row(4, "太古城金星阁"), _row(5, "太古城银星阁"), _row(6, "太古城金星閣16樓B室")]
    [cluster] = find_clusters(chinese, 3, areas)
    assert (cluster.area, cluster.customers) == ("太古城", 3)
    # Shown as the customer wrote it, traditional kept, without the block, floor and flat.
    assert areas.shown("太古城金星閣16樓B室") == "太古城"
    assert areas.shown("太古城 金星閣 15樓 B室") == "太古城"
    assert areas.shown("Flat D 8th floor Block 12 Mei Foo Sun Chuen") == "Mei Foo Sun Chuen"
    # A mainland estate whose own name ends like a block stays whole, and so does a word ending like one.
    assert areas.shown("朝阳区碧水轩3栋") == "朝阳区碧水轩"
    assert areas.shown("阳光花园 客服中心") == "阳光花园 客服中心"


def test_an_estates_english_and_chinese_names_count_as_one_shown_by_the_name_most_used(
    service_config: ServiceConfig,
) -> None:
    areas = AreaGroups(service_config.gazetteer, simplified_converter())
    rows = [_row(1, "太古城金星閣16樓B室"), _row(2, "Flat 5C, 12/F, Block 2, Taikoo Shing"), _row(3, "taikoo shing")]
    [cluster] = find_clusters(rows, 3, areas)
    assert (cluster.area, cluster.customers) == ("Taikoo Shing", 3)
    [cluster] = find_clusters([_row(4, "日出康城"), _row(5, "Tower 3, LOHAS Park")], 2, areas)
    assert (cluster.area, cluster.customers) == ("日出康城", 2)
    [cluster] = find_clusters([_row(6, "Flat D 8th floor Block 12 Mei Foo Sun Chuen"), _row(7, "美孚新邨")], 2, areas)
    assert cluster.customers == 2
    # Another estate, or a name only ending as an alias does, stays apart.
    assert find_clusters([_row(8, "太古城"), _row(9, "City One Shatin"), _row(10, "新太古城")], 2, areas) == []


def test_an_estates_other_name_with_a_building_a_block_or_a_part_counts_as_the_estate(
    service_config: ServiceConfig,
) -> None:
    gazetteer = service_config.gazetteer.model_copy(
        update={"estate_aliases": [*service_config.gazetteer.estate_aliases, ["阳光花园", "阳光"]]}
    )
    areas = AreaGroups(gazetteer, simplified_converter())
    rows = [_row(1, "阳光3栋"), _row(2, "阳光花园 5栋2单元501"), _row(3, "阳光南门"), _row(4, "阳光停车场")]
    [cluster] = find_clusters(rows, 4, areas)
    assert cluster.customers == 4
    for area in ("Taikoo Shing 金星閣", "Taikoo Shing car park", "太古城停车场"):
        assert areas.key(area) == areas.key("太古城"), area
    assert areas.key("美孚停車場") == areas.key("美孚新邨3座") == areas.key("Mei Foo car park")
    # Only where the alias is the whole name before the part: a longer name is another place.
    assert areas.key("美孚万事达广场") != areas.key("美孚新邨")
    assert areas.key("阳光大道南门") != areas.key("阳光花园")


def test_a_chinese_address_put_in_english_counts_in_its_estate(service_config: ServiceConfig) -> None:
    areas = AreaGroups(service_config.gazetteer, simplified_converter())
    written = ["No. 5 Building, Room 1202, Yangguang Garden", "Room 1202, Building No. 5, Yangguang Garden"]
    assert {areas.key(area) for area in written} == {areas.key("Room 801, Building 3, Yangguang Garden")}
    assert areas.key("Yangguang Garden clubhouse") == areas.key("Yangguang Garden")


def test_people_are_their_phone_or_their_customer_never_their_client_address(service_config: ServiceConfig) -> None:
    areas = AreaGroups(service_config.gazetteer, simplified_converter())
    # Four neighbours behind one carrier NAT, each with their own phone: four people.
    [cluster] = find_clusters([_row(n, "阳光花园", phone=f"1380013800{n}") for n in range(4)], 3, areas)
    assert cluster.customers == 4
    # One phone typed from many anonymous sessions is one person.
    assert find_clusters([_row(10 + n, "阳光花园", phone="13800138000") for n in range(5)], 2, areas) == []
    # Linked through one another: one customer's complaints with and without their phone are one person's.
    rows = [_row(20, "阳光花园", phone="13900139000"), _row(20, "阳光花园"), _row(21, "阳光花园", phone="13900139000")]
    assert find_clusters(rows, 2, areas) == []
    [cluster] = find_clusters([*rows, _row(22, "阳光花园")], 2, areas)
    assert cluster.customers == 2


async def test_a_cluster_alerts_supervisors_and_managers_once_per_window(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    now = resources(client.app).clock()
    cases = [
        await _complaint(client, "阳光花园", created_at=now - dt.timedelta(hours=30)),  # outside the 24 h window
        await _complaint(client, "阳光花园 ", created_at=now - dt.timedelta(hours=5)),
        await _complaint(client, "阳光花园", created_at=now - dt.timedelta(hours=1)),
    ]
    ctx = job_ctx(client)
    assert await detect_clusters(ctx) == 0  # two customers within the window
    cases.append(await _complaint(client, "阳光花园", created_at=now))
    assert await detect_clusters(ctx) == 2  # one for the supervisors, one for the managers
    clock.advance(minutes=1)
    assert await detect_clusters(ctx) == 0  # once per window

    await add_user(client, "boss", Role.MANAGER)
    await sign_in(client, "boss")
    [alert] = (await (await client.get("/api/notifications")).json())["notifications"]
    assert alert["kind"] == "cluster_alert"
    assert alert["detail"] == {
        "category": "property_service",
        "area": "阳光花园",
        "customers": 3,
        "window_hours": 24,
        "case_numbers": cases[1:],
        "problem": "电梯",  # the problem each of them names (queue.yaml cluster_alert.problems)
    }
    dashboard = await (await client.get("/api/dashboard")).json()
    assert [(a["id"], a["area"], a["customers"], a["problem"]) for a in dashboard["alerts"]] == [
        (alert["id"], "阳光花园", 3, "电梯")
    ]


async def test_traditional_simplified_and_full_width_spellings_of_one_street_make_one_cluster(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    now = resources(client.app).clock()
    cases = [
        await _complaint(client, "高新區錦業路", created_at=now - dt.timedelta(hours=2)),
        await _complaint(client, "高新区锦业路12栋2单元", created_at=now - dt.timedelta(hours=1)),
        await _complaint(client, "高新区锦业路　５栋", created_at=now),
    ]
    assert await detect_clusters(job_ctx(client)) == 2
    await add_user(client, "boss", Role.MANAGER)
    await sign_in(client, "boss")
    [alert] = (await (await client.get("/api/notifications")).json())["notifications"]
    assert (alert["detail"]["area"], alert["detail"]["customers"]) == ("高新區錦業路", 3)
    assert alert["detail"]["case_numbers"] == cases
    dashboard = await (await client.get("/api/dashboard")).json()
    assert dashboard["complaints_by_area"] == [{"area": "高新區錦業路", "count": 3}]


async def test_three_broken_lifts_in_three_blocks_of_one_hong_kong_estate_make_one_cluster(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    now = resources(client.app).clock()
    cases = [
        await _complaint(client, "太古城金星閣16樓B室", created_at=now - dt.timedelta(hours=2)),
        await _complaint(client, "太古城银星阁", created_at=now - dt.timedelta(hours=1)),
        await _complaint(client, "太古城 紫荆阁 3楼", created_at=now),
    ]
    assert await detect_clusters(job_ctx(client)) == 2
    await add_user(client, "boss", Role.MANAGER)
    await sign_in(client, "boss")
    [alert] = (await (await client.get("/api/notifications")).json())["notifications"]
    assert (alert["detail"]["area"], alert["detail"]["customers"]) == ("太古城", 3)
    assert alert["detail"]["case_numbers"] == cases
    dashboard = await (await client.get("/api/dashboard")).json()
    assert dashboard["complaints_by_area"] == [{"area": "太古城", "count": 3}]


async def test_an_estate_named_in_english_and_chinese_is_one_area_and_one_cluster_on_the_dashboard(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    now = resources(client.app).clock()
    taikoo = [
        await _complaint(client, "太古城金星閣16樓B室", created_at=now - dt.timedelta(hours=3)),
        await _complaint(client, "Flat 5C, 12/F, Block 2, Taikoo Shing", created_at=now - dt.timedelta(hours=2)),
        await _complaint(client, "Taikoo Shing", created_at=now - dt.timedelta(hours=1)),
    ]
    await _complaint(client, "LOHAS Park", created_at=now - dt.timedelta(hours=2))
    await _complaint(client, "日出康城 3座", created_at=now)
    assert await detect_clusters(job_ctx(client)) == 2
    await add_user(client, "boss", Role.MANAGER)
    await sign_in(client, "boss")
    [alert] = (await (await client.get("/api/notifications")).json())["notifications"]
    assert (alert["detail"]["area"], alert["detail"]["customers"]) == ("Taikoo Shing", 3)
    assert alert["detail"]["case_numbers"] == taikoo
    dashboard = await (await client.get("/api/dashboard")).json()
    assert dashboard["complaints_by_area"] == [{"area": "Taikoo Shing", "count": 3}, {"area": "LOHAS Park", "count": 2}]
    assert [(a["area"], a["customers"]) for a in dashboard["alerts"]] == [("Taikoo Shing", 3)]


async def test_an_estate_written_with_and_without_xiaoqu_is_one_area_and_one_cluster(make_client: AppFactory) -> None:
    """翠湖天地 and 翠湖天地小区 are one estate: one line on the dashboard and the alert counts both (the
    case keeps the place as written; 阳光花园 is not 阳光's, 花园 being part of the name)."""
    client = await make_client()
    now = resources(client.app).clock()
    cases = [
        await _complaint(client, "翠湖天地", created_at=now - dt.timedelta(hours=3)),
        await _complaint(client, "翠湖天地小区", created_at=now - dt.timedelta(hours=2)),
        await _complaint(client, "翠湖天地 小区7栋", created_at=now - dt.timedelta(hours=1)),
    ]
    await _complaint(client, "阳光", created_at=now)
    await _complaint(client, "阳光花园", created_at=now)
    assert await detect_clusters(job_ctx(client)) == 2
    await add_user(client, "boss", Role.MANAGER)
    await sign_in(client, "boss")
    [alert] = (await (await client.get("/api/notifications")).json())["notifications"]
    assert (alert["detail"]["area"], alert["detail"]["customers"]) == ("翠湖天地", 3)
    assert alert["detail"]["case_numbers"] == cases
    dashboard = await (await client.get("/api/dashboard")).json()
    assert dashboard["complaints_by_area"] == [
        {"area": "翠湖天地", "count": 3},
        {"area": "阳光", "count": 1},
        {"area": "阳光花园", "count": 1},
    ]


async def test_the_dashboard_shows_queues_deadlines_and_counts_to_supervisors_and_managers_only(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_a, socket_a = await customer_hands_off(client)
    clock.advance(minutes=14)
    _, socket_b = await customer_hands_off(client)
    now = resources(client.app).clock()
    breached = await _complaint(
        client, "阳光花园", created_at=now - dt.timedelta(hours=13), deadline_at=now - dt.timedelta(hours=1)
    )
    hours = dt.timedelta(hours=1)
    at_risk = await _complaint(client, "Sunny Garden", "billing", created_at=now - 11 * hours, deadline_at=now + hours)
    await _complaint(client, " sunny garden", "billing", created_at=now - dt.timedelta(hours=1))  # 11 h left: fine
    await _complaint(
        client, "阳光花园7栋1单元302", created_at=now - 20 * hours, deadline_at=now - 8 * hours, status="resolved"
    )

    await add_user(client, "li", Role.AGENT)
    await sign_in(client, "li")
    refused = await client.get("/api/dashboard")
    assert refused.status == 403 and "supervisor or manager" in (await refused.json())["error"]
    await add_user(client, "lead", Role.SUPERVISOR)
    await sign_in(client, "lead")
    body = await (await client.get("/api/dashboard")).json()
    assert body["queues"] == [{"queue": "general", "waiting": 2, "oldest_wait_seconds": 14 * 60}]
    assert [item["case_number"] for item in body["deadlines"]["breached"]] == [breached]
    assert [item["case_number"] for item in body["deadlines"]["at_risk"]] == [at_risk]
    brief = {"case_number", "conversation_id", "category", "deadline_at", "owner", "waiting_in", "appeal"}
    assert set(body["deadlines"]["at_risk"][0]) == brief
    assert body["deadlines"]["at_risk"][0]["waiting_in"] is None  # nobody's queue: no ticket waits
    # Counted over the past 24 hours whatever their state, by estate (a flat in 阳光花园 is 阳光花园's);
    # area spellings are normalised.
    assert body["complaints_by_category"] == [
        {"category": "billing", "count": 2},
        {"category": "property_service", "count": 2},
    ]
    assert body["complaints_by_area"] == [{"area": "Sunny Garden", "count": 2}, {"area": "阳光花园", "count": 2}]
    assert body["alerts"] == []
    await add_user(client, "boss", Role.MANAGER)
    await sign_in(client, "boss")
    # An emergency whose ticket waits in a queue: still the bot's, but waiting for someone to claim it.
    waiting = await _complaint(
        client, "滨江花园", created_at=now, deadline_at=now + dt.timedelta(minutes=30), conversation_id=conversation_a
    )
    body = await (await client.get("/api/dashboard")).json()
    item = next(item for item in body["deadlines"]["at_risk"] if item["case_number"] == waiting)
    assert (item["owner"], item["waiting_in"]) == ("bot", "general")
    await socket_a.close()
    await socket_b.close()


def test_a_block_named_in_english_counts_in_its_estate(service_config: ServiceConfig) -> None:
    """A block beside the estate: "Taikoo Shing Kam Sing Mansion" and "Flat 2A, 3/F, Kam Sing Mansion,
    Taikoo Shing" are 太古城's."""
    areas = AreaGroups(service_config.gazetteer, simplified_converter())
    rows = [
        _row(1, "Taikoo Shing Kam Sing Mansion"),
        _row(2, "Flat 2A, 3/F, Kam Sing Mansion, Taikoo Shing"),
        _row(3, "太古城金星閣15樓B室"),
    ]
    [cluster] = find_clusters(rows, min_customers=3, areas=areas)
    assert (cluster.area, cluster.customers) == ("Taikoo Shing", 3)
    # No estate the gazetteer knows beside it: the block is the address.
    assert areas.shown("Kam Sing Mansion") == "Kam Sing Mansion"
