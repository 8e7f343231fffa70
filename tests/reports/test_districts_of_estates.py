"""按行政区: an estate the gazetteer knows only by its district (``district_only``: 阳光花园, 翠湖天地)
counts in that district, in the report and the export's 区域, as one it reads in messages does; a place
it does not know still counts as 未识别行政区."""

from __future__ import annotations

import csv
import io

from tests.conftest import AppFactory, FixedClock
from tests.reports.cases import RANGE, add_manager, complain


async def test_known_estates_count_by_their_district_and_unknown_places_say_so(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    sockets = [
        (await complain(client, "楼上漏水 天花板都泡了", "翠湖天地3栋", "13800138001"))[1],
        (await complain(client, "小区垃圾没人清理", "阳光花园5栋", "13800138002"))[1],
        (await complain(client, "小区路灯坏了", "海淀区阳光花园3栋", "13800138003"))[1],
        (await complain(client, "电梯坏了", "红星村8组", "13800138004"))[1],
    ]
    for socket in sockets:
        await socket.close()
    await add_manager(client)

    response = await client.get(f"/api/reports?{RANGE}&group_by=area")
    assert response.status == 200, await response.text()
    groups = {group["label"]: group["cases"] for group in (await response.json())["groups"]}
    # The district the customer said wins over the one the estate is listed under.
    assert groups == {"海淀区": 2, "朝阳区": 1, "未识别行政区": 1}

    export = await client.get(f"/api/cases.csv?{RANGE}")
    assert export.status == 200, await export.text()
    rows = list(csv.DictReader(io.StringIO((await export.read()).decode("utf-8-sig"))))
    assert sorted(row["区域"] for row in rows) == ["朝阳区", "未识别行政区", "海淀区", "海淀区"]
