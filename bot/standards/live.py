"""The standards in force in this process, swapped whole when a manager saves a new version.

Every process (app instance or worker) holds one :class:`StandardsInForce`. It owns an immutable
:class:`InForce` snapshot (the configuration and what is built from it: the conversation engine,
the promise tracker, the guard, the reader, the handoff router). A background task checks the
newest stored version of each section every few seconds (one grouped ``max()``); the process
that saved checks at once. Only what a changed section needs is rebuilt, off the event loop, and
the new snapshot replaces the old in one assignment; a failed rebuild keeps the old one.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import structlog
from opencc import OpenCC
from pydantic import ValidationError

from bot.config import ServiceConfig
from bot.core.engine import ConversationEngine
from bot.handoff.routing import HandoffRouter
from bot.observability.metrics import Metrics
from bot.promises.tracker import Tracker
from bot.standards import versions
from bot.standards.sections import Section, build_sections, with_sections
from bot.storage.db import Database
from bot.understanding.guard import ForbiddenGuard
from bot.understanding.guard_model import GuardModel, build_guard_model
from bot.understanding.model import build_model_understander
from bot.understanding.model_settings import ModelSettings
from bot.understanding.reader import MessageReader
from bot.understanding.tokens import Dictionary, load_dictionary

log = structlog.get_logger(__name__)

RETIRE_AFTER_SECONDS = 60.0
"""A replaced model client is closed this long after the swap (a reading takes at most the model's timeout)."""


@dataclass(frozen=True, slots=True)
class InForce:
    """One consistent set of standards and what is built from them; never changed once built."""

    config: ServiceConfig
    versions: Mapping[str, int]
    """Section → version in force; 0 while none is stored (``config/`` as shipped)."""
    engine: ConversationEngine
    tracker: Tracker
    guard: ForbiddenGuard
    guard_model: GuardModel | None
    reader: MessageReader
    router: HandoffRouter


@dataclass
class _Builder:
    """Builds snapshots, reusing the previous one's costly parts its sections did not change."""

    llm: ModelSettings | None
    on_model_missing: Callable[[], None]
    dictionary: Dictionary | None = None
    to_simplified: Callable[[str], str] = field(default_factory=lambda: OpenCC("t2s").convert)

    def first(self, config: ServiceConfig, engine: ConversationEngine) -> InForce:
        return self._assemble(config, {}, engine, None)

    def next(self, config: ServiceConfig, in_force: Mapping[str, int], previous: InForce) -> InForce:
        understander = previous.engine.understander
        if config.classification != previous.config.classification:
            if self.dictionary is None:
                self.dictionary = load_dictionary()
            understander = understander.for_config(config, self.dictionary)
        engine = ConversationEngine(config, understander, previous.engine.traditional)
        return self._assemble(config, in_force, engine, previous)

    def _assemble(
        self, config: ServiceConfig, in_force: Mapping[str, int], engine: ConversationEngine, previous: InForce | None
    ) -> InForce:
        if previous is not None and previous.engine.understander is engine.understander:
            reader = previous.reader
        else:
            reader = MessageReader(
                engine.understander,
                build_model_understander(self.llm, config.classification),
                on_model_missing=self.on_model_missing,
            )
        if previous is not None and previous.config.forbidden == config.forbidden:
            guard, guard_model = previous.guard, previous.guard_model
        else:
            guard = ForbiddenGuard(config.forbidden, self.to_simplified)
            guard_model = build_guard_model(self.llm, config.forbidden, guard)
        return InForce(
            config=config,
            versions=MappingProxyType(dict(in_force)),
            engine=engine,
            tracker=Tracker(config, engine.calendar, engine.traditional),
            guard=guard,
            guard_model=guard_model,
            reader=reader,
            router=HandoffRouter(
                config, engine.calendar, rulebook=previous.router.rulebook if previous is not None else None
            ),
        )


class StandardsInForce:
    """This process's standards in force (:attr:`now`), kept up to date with the stored versions."""

    def __init__(
        self,
        defaults: ServiceConfig,
        engine: ConversationEngine,
        database: Database,
        *,
        llm: ModelSettings | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        """``defaults`` is ``config/`` as loaded at start-up (version 1 of every section);
        ``engine`` is the engine over it (its understander is reused while classification stays)."""
        self.defaults = defaults
        self.sections: dict[str, Section] = build_sections()
        self._database = database
        self._metrics = metrics
        on_missing = metrics.nlu_fallbacks.labels(reason="model").inc if metrics is not None else (lambda: None)
        self._builder = _Builder(llm, on_missing)
        self._now = self._builder.first(defaults, engine)
        self._lock = asyncio.Lock()
        self._failed: dict[str, int] = {}
        self._task: asyncio.Task[None] | None = None
        self._retiring: set[asyncio.Task[None]] = set()
        self._report()

    @property
    def now(self) -> InForce:
        """The snapshot in force; read it once per unit of work (a batch, a request)."""
        return self._now

    def to_simplified(self, text: str) -> str:
        return self._builder.to_simplified(text)

    def dictionary(self) -> Dictionary:
        """jieba's dictionary for understanders over a draft (loaded once, about a second)."""
        if self._builder.dictionary is None:
            self._builder.dictionary = load_dictionary()
        return self._builder.dictionary

    async def follow_config(self, now: dt.datetime) -> None:
        """At start-up: store what this release's ``config/`` changes in versions it seeded, and
        the situations it adds to managers' phrases (:func:`versions.follow_config`)."""
        stored = await self._database.write(
            lambda session: versions.follow_config(session, self.sections, self.defaults, now)
        )
        if stored:
            log.info("standards.config_followed", versions=stored)

    async def refresh(self) -> bool:
        """Swap in the newest stored versions if any section changed; True when swapped."""
        async with self._lock:
            async with self._database.sessions() as session:
                stored = await session.run_sync(versions.newest)
            previous = self._now
            changed = {
                section: version
                for section, version in stored.items()
                if section in self.sections
                and previous.versions.get(section, 0) != version
                and self._failed.get(section) != version
            }
            if not changed:
                return False
            async with self._database.sessions() as session:
                rows = await session.run_sync(versions.stored_bodies, changed)
            started = time.perf_counter()
            values: dict[str, Any] = {}
            for section, row in rows.items():
                try:
                    values[section] = self.sections[section].parse(row.body)
                except ValidationError:
                    # Saved versions were validated; the schema may have changed since.
                    log.exception("standards.reload_failed", section=section, version=row.version)
                    self._failed[section] = row.version
            loaded = {section: changed[section] for section in values}
            if not loaded:
                return False
            try:
                config = with_sections(previous.config, values)
                in_force = {**previous.versions, **loaded}
                if config == previous.config:
                    built = dataclasses.replace(previous, versions=MappingProxyType(in_force))
                else:
                    built = await asyncio.to_thread(self._builder.next, config, in_force, previous)
            except Exception:
                # E.g. a file read at start-up (handoff.yaml …) no longer agrees with a stored version.
                log.exception("standards.reload_failed", versions=loaded)
                self._failed.update(loaded)
                return False
            for section in loaded:
                self._failed.pop(section, None)
            self._now = built
            self._retire(previous, built)
            log.info(
                "standards.reloaded",
                versions=dict(built.versions),
                changed=sorted(name for name, value in values.items() if value != getattr(previous.config, name)),
                seconds=round(time.perf_counter() - started, 3),
            )
            self._report()
            return True

    def _report(self) -> None:
        if self._metrics is None:
            return
        for section in self.sections:
            self._metrics.standards_version.labels(section=section).set(self._now.versions.get(section, 0))

    def _retire(self, old: InForce, new: InForce) -> None:
        """Close the replaced reader and guard model (their model clients) once the work that
        read the old snapshot is surely over."""
        closers: list[Callable[[], Awaitable[None]]] = []
        if old.reader is not new.reader:
            closers.append(old.reader.aclose)
        if old.guard_model is not None and old.guard_model is not new.guard_model:
            closers.append(old.guard_model.aclose)
        for close in closers:
            task = asyncio.create_task(_close_later(close), name="standards-retire")
            self._retiring.add(task)
            task.add_done_callback(self._retiring.discard)

    def start(self, interval: float) -> None:
        """Check for new versions every ``interval`` seconds until :meth:`aclose`."""
        self._task = asyncio.create_task(self._run(interval), name="standards-refresh")

    async def _run(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.refresh()
            except Exception:
                log.exception("standards.refresh_failed")

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for task in list(self._retiring):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._now.reader.aclose()
        if self._now.guard_model is not None:
            await self._now.guard_model.aclose()


async def _close_later(close: Callable[[], Awaitable[None]]) -> None:
    try:
        await asyncio.sleep(RETIRE_AFTER_SECONDS)
    finally:
        await close()
