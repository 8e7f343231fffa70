"""The work-order (工单) export: CSV (UTF-8 with a BOM) and Excel, one row per case, same filters."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from xml.etree import ElementTree

from sqlalchemy import update

from bot.keys import resources
from bot.staff import reports_api
from bot.storage.models import Complaint
from tests.conftest import AppFactory, FixedClock
from tests.reports.cases import RANGE, add_manager, make_known_cases
from tests.reports.many import store_cases

SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _xlsx_rows(data: bytes) -> list[list[str]]:
    """The first sheet's cells as text (read from the file's XML, as any spreadsheet reads it)."""
    book = zipfile.ZipFile(io.BytesIO(data))
    names = book.namelist()
    shared = []
    if "xl/sharedStrings.xml" in names:
        for item in ElementTree.fromstring(book.read("xl/sharedStrings.xml")).iter(f"{SHEET}si"):
            shared.append("".join(node.text or "" for node in item.iter(f"{SHEET}t")))
    rows = []
    for row in ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml")).iter(f"{SHEET}row"):
        cells: dict[int, str] = {}
        for cell in row.iter(f"{SHEET}c"):
            column = re.match(r"[A-Z]+", cell.get("r", "A"))
            index = 0
            for letter in column.group(0) if column else "A":
                index = index * 26 + ord(letter) - 64
            value = cell.find(f"{SHEET}v")
            inline = cell.find(f"{SHEET}is")
            if cell.get("t") == "s" and value is not None:
                cells[index - 1] = shared[int(value.text or 0)]
            elif inline is not None:
                cells[index - 1] = "".join(node.text or "" for node in inline.iter(f"{SHEET}t"))
            elif value is not None:
                cells[index - 1] = value.text or ""
        rows.append([cells.get(i, "") for i in range(max(cells) + 1 if cells else 0)])
    return rows


async def test_the_csv_and_the_workbook_hold_every_case(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    known = await make_known_cases(client, clock)

    response = await client.get(f"/api/cases.csv?{RANGE}")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    data = await response.read()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["工单号"] for row in rows][2] == "TS-C" and len(rows) == 3
    a, b, c = rows
    assert a["问题描述"] == "小区楼道的垃圾三天没人清理" and a["区域"] == "海淀区"
    assert (a["渠道"], a["类别"], a["处理人"], a["状态"], a["是否按时"], a["满意度评分"]) == (
        "网页聊天",
        "物业服务",
        "li",
        "已解决",
        "是",
        "5",
    )
    assert a["联系电话"] == "13800138000" and a["创建时间"] == "2026-11-23 14:00"
    # The extension to ask for at the number ("…转8021"), beside it; empty when none was given.
    assert (a["分机号"], c["联系电话"], c["分机号"]) == ("", "13700137000", "8021")
    assert a["解决时间"] == "2026-11-23 15:00" and a["答复时限"]
    assert (b["区域"], b["处理人"], b["状态"], b["是否按时"], b["解决时间"]) == ("朝阳区", "wang", "已超时", "否", "")
    assert (c["渠道"], c["区域"], c["地址"], c["状态"], c["是否按时"], c["满意度评分"]) == (
        "短信",
        "未识别行政区",
        "老地方",
        "已解决",
        "否",
        "2",
    )
    # How hard the case is and who the customer was when it was filed, as the consoles name them
    # (the column says so: the console's header shows the customer's tier now).
    assert (a["投诉等级"], a["建单时客户类别"]) == ("简单投诉", "标准客户")
    assert (c["投诉等级"], c["建单时客户类别"]) == ("复杂投诉", "VIP客户")
    # A cell a spreadsheet would run as a formula is quoted.
    assert c["问题描述"] == "'=1+1 账单多扣了钱"

    only_sms = await (await client.get(f"/api/cases.csv?{RANGE}&channel=sms")).read()
    assert [row["工单号"] for row in csv.DictReader(io.StringIO(only_sms.decode("utf-8-sig")))] == ["TS-C"]
    nothing = await (await client.get("/api/cases.csv?from=2026-11-24&to=2026-11-26")).read()
    assert list(csv.reader(io.StringIO(nothing.decode("utf-8-sig"))))[1:] == []

    response = await client.get(f"/api/cases.xlsx?{RANGE}")
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = _xlsx_rows(await response.read())
    assert sheet[0][:3] == ["工单号", "创建时间", "渠道"] and len(sheet) == 4
    assert sheet[1][7] == "小区楼道的垃圾三天没人清理" and sheet[1][13] == "li"
    # Times and ratings are themselves in the workbook: a manager sorts and averages them.
    created = (dt.datetime(2026, 11, 23, 14, 0) - dt.datetime(1899, 12, 30)) / dt.timedelta(days=1)
    assert abs(float(sheet[1][1]) - created) < 1e-6 and sheet[1][17] == "5"
    # Text stays text in the workbook: never a formula, a phone keeps every digit.
    assert sheet[3][7] == "=1+1 账单多扣了钱" and sheet[3][10:12] == ["13700137000", "8021"]
    for socket in known.sockets:
        await socket.close()


async def test_the_english_console_exports_english_headers_and_words(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    known = await make_known_cases(client, clock)

    data = await (await client.get(f"/api/cases.csv?{RANGE}&locale=en")).read()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["Case number"] for row in rows][2] == "TS-C" and len(rows) == 3
    a, b, c = rows
    assert (a["Channel"], a["Status"], a["On time"], b["Status"], c["Channel"]) == (
        "Web chat",
        "Resolved",
        "Yes",
        "Overdue",
        "SMS",
    )
    # A district not recognised is no Chinese phrase in English.
    assert (c["District"], c["Address"]) == ("—", "老地方")
    assert not re.search(r"[\u4e00-\u9fff]", ",".join(rows[0]))  # no Chinese header left
    sheet = _xlsx_rows(await (await client.get(f"/api/cases.xlsx?{RANGE}&locale=en")).read())
    assert sheet[0][:3] == ["Case number", "Created", "Channel"]
    for socket in known.sockets:
        await socket.close()


async def test_many_cases_are_exported_in_batches(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    await store_cases(client, clock(), reports_api.EXPORT_BATCH + 7)
    await add_manager(client)
    data = await (await client.get("/api/cases.csv?from=2026-11-23&to=2026-11-23")).read()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == reports_api.EXPORT_BATCH + 7
    assert len({row["工单号"] for row in rows}) == len(rows)
    sheet = _xlsx_rows(await (await client.get("/api/cases.xlsx?from=2026-11-23&to=2026-11-23")).read())
    assert len(sheet) == reports_api.EXPORT_BATCH + 8


async def test_a_link_a_customer_typed_is_text_in_the_workbook_not_a_hyperlink(
    make_client: AppFactory, clock: FixedClock
) -> None:
    """A customer's "file:///\\\\host\\share\\…" or phishing address stays text: one click in Excel
    must not send a manager's Windows credentials to another host."""
    client = await make_client()
    known = await make_known_cases(client, clock)
    link = r"external:\\203.0.113.5\share\invoice.xlsx https://evil.example/phish"
    async with resources(client.app).sessions() as session:
        await session.execute(update(Complaint).where(Complaint.case_number == "TS-C").values(area=link))
        await session.commit()
    data = await (await client.get(f"/api/cases.xlsx?{RANGE}")).read()
    book = zipfile.ZipFile(io.BytesIO(data))
    assert not [name for name in book.namelist() if name.endswith(".rels") and "worksheets" in name]
    assert link in _xlsx_rows(data)[3]
    for socket in known.sockets:
        await socket.close()
