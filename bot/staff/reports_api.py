"""Staff API for the managers' reports (issue 14): the figures as JSON, and the work-order (工单)
export as CSV (UTF-8 with a BOM, so Excel reads the Chinese) and as an Excel workbook.

Both read the same filters: ``from`` and ``to`` (service-time-zone days, ``to`` included; the
last 30 days by default), ``queue``, ``category`` and ``channel``. The export reads the cases a
batch at a time and writes each batch out before reading the next.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import os
import tempfile
from collections.abc import Callable
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import structlog
from aiohttp import web

from bot.config import ServiceConfig
from bot.core.messages import ChannelName
from bot.keys import resources
from bot.staff.accounts import Role
from bot.staff.audit import audited, fixed_target, note
from bot.staff.auth import requires
from bot.storage.case_reports import GROUPS, CaseFilter, CaseRow, case_figures, case_rows, staff_names
from bot.web.responses import api_error

SUPERVISION = (Role.SUPERVISOR, Role.MANAGER)
DEFAULT_DAYS = 30
MAX_DAYS = 366
EXPORT_BATCH = 500

log = structlog.get_logger(__name__)

UNKNOWN_AREA = "未识别行政区"
UNASSIGNED = "未分配"
CHANNEL_NAMES: dict[str, str] = {
    ChannelName.WEBCHAT: "网页聊天",
    ChannelName.WECHAT: "微信",
    ChannelName.SMS: "短信",
    ChannelName.TELEGRAM: "Telegram",
}
STATUS_NAMES = {"resolved": "已解决", "open": "处理中", "late": "已超时"}
COLUMNS = (
    "工单号",
    "创建时间",
    "渠道",
    "队列",
    "类别",
    "区域",
    "地址",
    "问题描述",
    "客户姓名",
    "客户姓氏",
    "联系电话",
    "分机号",
    "答复时限",
    "处理人",
    "状态",
    "是否按时",
    "解决时间",
    "满意度评分",
    "投诉等级",
    "建单时客户类别",  # the case keeps the tier it was filed with; the customer's may have changed since
)
COLUMN_WIDTHS = (18, 17, 9, 12, 12, 10, 24, 40, 10, 8, 14, 8, 17, 12, 8, 8, 17, 10, 10, 14)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet runs a cell starting with one of these as a formula: the export prefixes a quote."""


EARLIEST_DAY, LATEST_DAY = dt.date(1970, 1, 1), dt.date(2999, 12, 31)
"""The days a report may name: beyond them a date is a typo (and 0001-01-01 cannot be moved into
the service's time zone)."""


def _day(request: web.Request, name: str) -> dt.date | None:
    given = request.query.get(name)
    if not given:
        return None
    try:
        day = dt.date.fromisoformat(given)
    except ValueError:
        day = None
    if day is None or not EARLIEST_DAY <= day <= LATEST_DAY:
        raise api_error(400, f"{name}: must be a date like 2026-11-22, not {given!r}")
    return day


def _filters(request: web.Request) -> tuple[CaseFilter, dt.date, dt.date]:
    """The query's filters; 400 naming the parameter that is wrong."""
    shared = resources(request)
    config = shared.config
    zone = ZoneInfo(config.service.timezone)
    today = shared.clock().astimezone(zone).date()
    last = _day(request, "to") or today
    first = _day(request, "from") or last - dt.timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise api_error(400, f"from: {first.isoformat()} is after to ({last.isoformat()})")
    if (last - first).days + 1 > MAX_DAYS:
        raise api_error(400, f"from: at most {MAX_DAYS} days from from to to")
    queue = request.query.get("queue") or None
    if queue is not None and queue not in config.handoff.queue_ids():
        raise api_error(400, f"queue: unknown queue {queue!r}")
    category = request.query.get("category") or None
    if category is not None and category not in {item.id for item in config.classification.categories}:
        raise api_error(400, f"category: unknown category {category!r}")
    channel = request.query.get("channel") or None
    if channel is not None and channel not in {item.value for item in ChannelName}:
        raise api_error(400, f"channel: unknown channel {channel!r}")
    return CaseFilter.local_days(first, last, zone, queue, category, channel), first, last


def _category_names(config: ServiceConfig) -> dict[str, str]:
    locale = config.service.default_locale
    return {item.id: item.name.get(locale) or item.id for item in config.classification.categories}


def _label(group_by: str, group: dict[str, Any], categories: dict[str, str]) -> str:
    key = group["key"]
    if group_by == "category":
        return categories.get(key, str(key))
    if group_by == "area":
        return str(key or UNKNOWN_AREA)
    if group_by == "channel":
        return CHANNEL_NAMES.get(key, str(key))
    if group_by == "agent":
        return str(group.pop("name", None) or key or UNASSIGNED)
    return str(key)


@requires(*SUPERVISION)
async def get_reports(request: web.Request) -> web.Response:
    """``GET /api/reports?from=&to=&group_by=day|category|area|channel|agent&queue=&category=&channel=``:
    the figures of the cases created in the range (totals, one entry per group, cluster alerts per
    day); each group has a ``label`` to show. 400 names the parameter that is wrong."""
    group_by = request.query.get("group_by") or "day"
    if group_by not in GROUPS:
        raise api_error(400, f"group_by: must be one of {', '.join(GROUPS)}, not {group_by!r}")
    filters, first, last = _filters(request)
    shared = resources(request)
    now = shared.clock()
    async with shared.sessions() as session:
        figures = await session.run_sync(lambda sync: case_figures(sync, filters, group_by, now))
    categories = _category_names(shared.config)
    for group in figures["groups"]:
        group["label"] = _label(group_by, group, categories)
    return web.json_response(
        {
            "from": first.isoformat(),
            "to": last.isoformat(),
            "timezone": shared.config.service.timezone,
            "group_by": group_by,
            "filters": {"queue": filters.queue, "category": filters.category, "channel": filters.channel},
            **figures,
        }
    )


def _cell(value: str | None) -> str:
    """The text of a cell, never run as a formula."""
    if not value:
        return ""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


class _Rows:
    """Turns stored cases into the export's cells (names, local times, outcome), in ``locale``."""

    def __init__(
        self, config: ServiceConfig, names: dict[str, str], queues: dict[str, str], now: dt.datetime, locale: str
    ) -> None:
        self._zone = ZoneInfo(config.service.timezone)
        self._categories = {item.id: item.name.get(locale) or item.id for item in config.classification.categories}
        words = config.reports.export
        self.columns = tuple(column.get(locale) for column in words.columns) or COLUMNS
        self._unknown = words.unknown_district.get(locale) if words.unknown_district is not None else UNKNOWN_AREA
        self._channels = {key: name.get(locale) for key, name in words.channels.items()} or CHANNEL_NAMES
        self._statuses = {key: name.get(locale) for key, name in words.statuses.items()} or STATUS_NAMES
        self._yes_no = {key: name.get(locale) for key, name in words.on_time.items()} or {"yes": "是", "no": "否"}
        labels = config.handoff.labels
        self._grades = {str(grade): label.get(locale) or str(grade) for grade, label in labels.grades.items()}
        self._tiers = {tier: label.get(locale) or tier for tier, label in labels.tiers.items()}
        self._names = names
        self._queues = queues
        self._now = now

    def _local(self, moment: dt.datetime | None) -> dt.datetime | str:
        """A time in the service's zone, to the minute (as a spreadsheet shows it); "" for none."""
        if moment is None:
            return ""
        return moment.astimezone(self._zone).replace(second=0, microsecond=0, tzinfo=None)

    def values(self, row: CaseRow) -> list[str | int | dt.datetime]:
        """The row's values: text, and times and the rating as themselves (the workbook keeps them
        sortable and summable)."""
        if row.resolved_at is not None:
            status = "resolved"
        elif row.deadline_at is not None and row.deadline_at < self._now:
            status = "late"
        else:
            status = "open"
        if row.deadline_at is None:
            on_time = ""
        elif row.resolved_at is not None:
            on_time = self._yes_no["yes" if row.resolved_at <= row.deadline_at else "no"]
        else:
            on_time = self._yes_no["no"] if status == "late" else ""
        handler = self._names.get(row.handler, row.handler) if row.handler else ""
        return [
            row.case_number,
            self._local(row.created_at),
            self._channels.get(row.channel, row.channel),
            self._queues.get(row.queue, row.queue) if row.queue else "",
            self._categories.get(row.category, row.category),
            row.district or self._unknown,
            row.area or "",
            row.description,
            row.customer_name or "",
            row.customer_surname or "",
            row.phone or "",
            (row.extension or "") if row.phone else "",  # an extension goes with its number
            self._local(row.deadline_at),
            handler,
            self._statuses.get(status, status),
            on_time,
            self._local(row.resolved_at),
            row.rating if row.rating is not None else "",
            self._grades.get(row.grade, row.grade),
            self._tiers.get(row.customer_tier, row.customer_tier),
        ]

    def cells(self, row: CaseRow) -> list[str]:
        """The row as the CSV's text, a cell a spreadsheet would run as a formula quoted."""
        return [_cell(_text(value)) for value in self.values(row)]


def _text(value: str | int | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


async def _export_rows(request: web.Request, filters: CaseFilter) -> tuple[_Rows, Callable[[int], Any]]:
    shared = resources(request)
    config = shared.config
    async with shared.sessions() as session:
        names = await session.run_sync(staff_names)
    # The language of the console asking for it.
    locale = request.query.get("locale") or config.service.default_locale
    queues = {queue.id: queue.name.get(locale) or queue.id for queue in config.handoff.queues}

    async def batch(after: int) -> list[CaseRow]:
        async with shared.sessions() as session:
            return await session.run_sync(lambda sync: case_rows(sync, filters, after, EXPORT_BATCH))

    return _Rows(config, names, queues, shared.clock(), locale), batch


def _file_name(first: dt.date, last: dt.date, extension: str) -> str:
    return f"cases-{first.isoformat()}-{last.isoformat()}.{extension}"


@audited("export", target=fixed_target("cases.csv"))
@requires(*SUPERVISION)
async def get_cases_csv(request: web.Request) -> web.StreamResponse:
    """``GET /api/cases.csv`` (the filters of ``/api/reports``): one row per case with its form,
    deadline, handler, outcome and rating; UTF-8 with a BOM, headers and words in ``?locale=``'s
    language (``export`` of ``config/reports.yaml``), written as it is read."""
    filters, first, last = _filters(request)
    cells, batch = await _export_rows(request, filters)
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{_file_name(first, last, "csv")}"',
            "Cache-Control": "no-store",
        }
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(cells.columns)
    after, sent = 0, 0
    try:
        await response.prepare(request)
        while True:
            rows = await batch(after)
            for row in rows:
                writer.writerow(cells.cells(row))
            await response.write(buffer.getvalue().encode("utf-8"))
            sent += len(rows)
            buffer.seek(0)
            buffer.truncate()
            if len(rows) < EXPORT_BATCH:
                break
            after = rows[-1].id
        await response.write_eof()
    except ConnectionError:
        _client_gone(request, "csv", f"{sent} rows")
    return response


def _client_gone(request: web.Request, kind: str, sent: str) -> None:
    """The download stopped by the client (a tab closed, a download cancelled): nothing went wrong
    here, so an info line rather than an error with a traceback; the audit entry says so too."""
    log.info("export.client_gone", file=kind, sent=sent)
    note(request, client_gone=True)


@audited("export", target=fixed_target("cases.xlsx"))
@requires(*SUPERVISION)
async def get_cases_xlsx(request: web.Request) -> web.StreamResponse:
    """``GET /api/cases.xlsx`` (the filters of ``/api/reports``): the same rows as the CSV in an
    Excel workbook, written in XlsxWriter's constant-memory mode to a temporary file, then sent."""
    import xlsxwriter

    filters, first, last = _filters(request)
    cells, batch = await _export_rows(request, filters)
    loop = asyncio.get_running_loop()
    with tempfile.TemporaryDirectory(prefix="cases-") as folder:
        path = os.path.join(folder, "cases.xlsx")
        # Strings stay strings (never formulas, never numbers: a phone keeps its leading zero, never
        # links: a customer's "file:///\\host\share" must not be one click from a manager's credentials).
        options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        workbook = xlsxwriter.Workbook(path, options)
        sheet = workbook.add_worksheet("工单 Cases")
        sheet.write_row(0, 0, cells.columns, workbook.add_format({"bold": True}))
        time_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        for column, width in enumerate(COLUMN_WIDTHS):
            sheet.set_column(column, column, width)
        sheet.freeze_panes(1, 0)
        line, after = 1, 0
        while True:
            rows = await batch(after)
            for row in rows:
                for column, value in enumerate(cells.values(row)):
                    if isinstance(value, dt.datetime):
                        sheet.write_datetime(line, column, value, time_format)
                    elif isinstance(value, int):
                        sheet.write_number(line, column, value)
                    elif value:
                        sheet.write_string(line, column, value)
                line += 1
            if len(rows) < EXPORT_BATCH:
                break
            after = rows[-1].id
        await loop.run_in_executor(None, workbook.close)
        response = web.StreamResponse(
            headers={
                "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "Content-Disposition": f'attachment; filename="{_file_name(first, last, "xlsx")}"',
                "Cache-Control": "no-store",
            }
        )
        response.content_length = await loop.run_in_executor(None, os.path.getsize, path)
        workbook_file = await loop.run_in_executor(None, _open_binary, path)
        sent = 0
        try:
            await response.prepare(request)
            while chunk := await loop.run_in_executor(None, workbook_file.read, 1 << 16):
                await response.write(chunk)
                sent += len(chunk)
            await response.write_eof()
        except ConnectionError:
            _client_gone(request, "xlsx", f"{sent} of {response.content_length} bytes")
        finally:
            workbook_file.close()
        return response


def _open_binary(path: str) -> BinaryIO:
    return open(path, "rb")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/reports", get_reports)
    app.router.add_get("/api/cases.csv", get_cases_csv)
    app.router.add_get("/api/cases.xlsx", get_cases_xlsx)
