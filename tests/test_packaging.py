"""The package as an operator installs it: a built wheel carries its configuration and migrations,
and ``complaint-bot migrate`` / ``run`` work from any directory; the image installs from a lock."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import aiohttp
import pytest

from bot.embedded_redis import free_port
from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow


SOURCES = ("pyproject.toml", "setup.py", "README.md", "bot", "workers", "config", "migrations")


def pip_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    return {**env, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the sources (a build leaves build/ and *.egg-info behind)."""
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    for name in SOURCES:
        if (PROJECT_ROOT / name).is_dir():
            shutil.copytree(PROJECT_ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(PROJECT_ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(source)],
        check=True,
        timeout=300,
        env=pip_env(),
    )
    (built,) = out.glob("complaint_bot-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with only the wheel installed (dependencies come from the project's
    environment through PYTHONPATH, so the test needs no index)."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python")]
    subprocess.run(
        [*pip, "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        timeout=300,
        env=pip_env(),
    )
    return venv


def installed_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("BOT_", "PYTHON"))}
    env["PYTHONPATH"] = sysconfig.get_paths()["purelib"]  # the dependencies, not the checkout
    env.update(extra)
    return env


def test_the_wheel_carries_every_file_of_config_and_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("config", "migrations"):
        for path in (PROJECT_ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                shipped = f"bot/defaults/{path.relative_to(PROJECT_ROOT).as_posix()}"
                assert shipped in names, f"{shipped} missing from the wheel"
    assert "bot/defaults/migrations/alembic.ini" in names
    entry_points = next(name for name in names if name.endswith(".dist-info/entry_points.txt"))
    assert "complaint-bot = bot.__main__:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


# issue 14 (reports): the pages' files, the vendored chart library among them.
def test_the_wheel_carries_every_static_file_of_the_pages(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    static = PROJECT_ROOT / "bot" / "web" / "static"
    for path in static.rglob("*"):
        if path.is_file():
            shipped = f"bot/web/static/{path.relative_to(static).as_posix()}"
            assert shipped in names, f"{shipped} missing from the wheel"
    assert "bot/web/static/vendor/chart.umd.min.js" in names


def test_the_wheel_carries_the_common_passwords_a_new_password_is_checked_against(wheel: Path) -> None:
    assert "bot/staff/common_passwords.txt" in zipfile.ZipFile(wheel).namelist()


def test_the_installed_package_migrates_and_checks_its_shipped_config_from_anywhere(
    installed: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    database = tmp_path / "bot.sqlite3"
    env = installed_env(BOT_DATABASE_URL=f"sqlite+aiosqlite:///{database}")
    script = installed / "bin" / "complaint-bot"
    where = subprocess.run(
        [str(installed / "bin" / "python"), "-c", "import bot; print(bot.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert where.startswith(str(installed)), where

    migrated = subprocess.run(
        [str(script), "migrate"], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=180
    )
    assert migrated.returncode == 0, migrated.stderr
    tables = {row[0] for row in sqlite3.connect(database).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"alembic_version", "conversations", "messages"} <= tables

    checked = subprocess.run(
        [str(script), "check-config"], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=180
    )
    assert checked.returncode == 0, checked.stderr
    assert f"configuration ok: {installed}" in checked.stdout  # the config shipped in the package

    own = tmp_path / "own-config"
    broken = subprocess.run(
        [str(script), "check-config"],
        cwd=elsewhere,
        env={**env, "BOT_CONFIG_DIR": str(own)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert broken.returncode == 2 and str(own) in broken.stderr  # BOT_CONFIG_DIR overrides it


async def test_the_installed_package_runs_from_another_directory(installed: Path, tmp_path: Path) -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        str(installed / "bin" / "complaint-bot"),
        "run",
        "--port",
        str(port),
        cwd=tmp_path,
        env=installed_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        deadline = asyncio.get_running_loop().time() + 120
        async with aiohttp.ClientSession() as http:
            while True:
                try:
                    async with http.get(f"http://127.0.0.1:{port}/chat") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                assert process.returncode is None, (await process.stdout.read()).decode()  # type: ignore[union-attr]
                assert asyncio.get_running_loop().time() < deadline, "not serving in time"
                await asyncio.sleep(0.3)
            async with http.get(f"http://127.0.0.1:{port}/sms-stub/") as response:
                assert response.status == 404  # no stub unless asked for
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, output.decode()
    assert (tmp_path / "var" / "bot.sqlite3").exists()  # the embedded setup's data under the working directory


def test_the_image_installs_from_the_hash_locked_requirements_on_a_pinned_base() -> None:
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", dockerfile, re.MULTILINE)
    assert base, "the base image is an ARG"
    assert re.fullmatch(r"python:3\.\d+\.\d+-slim-\w+@sha256:[0-9a-f]{64}", base.group(1)), base.group(1)
    assert "pip install --require-hashes --no-deps -r requirements.lock" in dockerfile
    assert re.search(r"pip install --no-deps( --no-build-isolation)? \.", dockerfile)
    assert " -e " not in dockerfile  # not an editable install

    lock = (PROJECT_ROOT / "requirements.lock").read_text(encoding="utf-8")
    pins = re.findall(r"^([A-Za-z0-9_.\-]+)==\S+ \\$", lock, re.MULTILINE)
    assert pins and "--hash=sha256:" in lock
    blocks = re.split(r"\n(?=[A-Za-z0-9_.\-]+==)", lock)
    assert all("--hash=sha256:" in block for block in blocks if re.match(r"[A-Za-z0-9_.\-]+==", block))
    names = {re.sub(r"[-_.]+", "-", pin).lower() for pin in pins}
    declared = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    for requirement in declared:
        dependency = re.sub(r"[-_.]+", "-", re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0]).lower()
        assert dependency in names, f"{dependency} is a dependency but not in requirements.lock: regenerate it"
