"""An upgrade's config/ reaches installations whose managers have opened the standards: what the
release ships replaces versions that were only config/ as seeded, and situations it adds join the
managers' own phrases, whose edits stay."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.config import PhraseId, ServiceConfig
from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage import standards as standards_store
from tests.conftest import AppFactory
from tests.standards.support import greeting, section, signed_in

SHIPPED_LATER = "{salutation},这里是{organisation},{work_number}号客服代表为您服务,请讲。"


def _with_opening(config: ServiceConfig, opening: str) -> ServiceConfig:
    books = dict(config.phrases)
    zh = books["zh-CN"]
    books["zh-CN"] = zh.model_copy(update={"phrases": {**zh.phrases, PhraseId.GREETING_OPENING: opening}})
    return config.model_copy(update={"phrases": books})


async def test_a_new_release_replaces_a_version_only_seeded_from_config(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    old_release = await make_client()
    await signed_in(old_release, "li", Role.MANAGER)
    assert (await section(old_release, "phrases"))["version"] == 1  # seeded from config/

    new_release = await make_client(config=_with_opening(service_config, SHIPPED_LATER))
    assert "请讲" in await greeting(new_release, "请讲")
    in_force = resources(new_release.app).standards.now
    assert in_force.versions["phrases"] == 2
    headers = await signed_in(new_release, "wang", Role.MANAGER)
    history = await new_release.get("/api/standards/phrases/history", headers=headers)
    newest = (await history.json())["versions"][0]
    assert (newest["version"], newest["changed_by"]) == (2, "config")
    assert "请讲" in newest["diff"]


async def test_a_managers_phrases_keep_their_edits_and_gain_the_situations_a_release_adds(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    first = await make_client()
    headers = await signed_in(first, "li", Role.MANAGER)
    phrases = await section(first, "phrases")
    body = phrases["body"]
    body["zh-CN"]["phrases"]["greeting_opening"] = SHIPPED_LATER
    saved = await first.put("/api/standards/phrases", json={"body": body, "note": "请讲"}, headers=headers)
    assert saved.status == 200, await saved.text()
    # As an older release stored it: without a situation this release has.
    del body["zh-CN"]["phrases"]["status_no_case"]

    def store_old(session: Session) -> None:
        assert standards_store.insert_version(
            session,
            "phrases",
            3,
            body,
            "li",
            resources(first.app).clock(),
            "saved before status_no_case existed",
        )

    await resources(first.app).database.write(store_old)

    upgraded = await make_client()
    in_force = resources(upgraded.app).standards.now
    assert in_force.versions["phrases"] == 4
    zh = in_force.config.phrases["zh-CN"].phrases
    assert zh[PhraseId.GREETING_OPENING] == SHIPPED_LATER
    assert zh[PhraseId.STATUS_NO_CASE] == service_config.phrases["zh-CN"].phrases[PhraseId.STATUS_NO_CASE]
    assert "请讲" in await greeting(upgraded, "请讲")
