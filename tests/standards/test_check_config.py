"""``check-config`` refuses what a save in the console is refused for (issue 14)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.__main__ import main
from bot.settings import PROJECT_ROOT


def test_check_config_fails_when_a_standard_phrase_says_a_forbidden_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    shutil.copytree(PROJECT_ROOT / "config", config)
    path = config / "phrases" / "zh-CN.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["phrases"]["out_of_scope"] = "这不归我们管,您去找街道办吧。"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("BOT_CONFIG_DIR", str(config))
    assert main(["check-config"]) == 2
    error = capsys.readouterr().err
    assert "phrases.zh-CN.phrases.out_of_scope: says the forbidden phrase" in error
