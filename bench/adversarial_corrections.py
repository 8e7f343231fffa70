"""The engine's CPU on long corrections: a message of denials, noes and words putting things right
repeated to 2,000, 8,000 and 20,000 characters, sent while the form is taken, at the restatement,
after a no to it and after the hand-off, beside an ordinary correction.

The engine runs in the one thread that stores every customer's messages, and SMS, Telegram and
WeChat accept 20,000 characters (``max_provider_text_chars``). A flow that reads the text again for
every denial or pause in it costs the square of the message's length: 2,000 characters of "唔係"
at the restatement took 16 s once (the place put right understood all that came before each
denial word), stalling every other conversation. For each stage this sends each token (the
configured words of denials, noes, corrections, what is right, taking back, adding, each alone and
in a few shapes) repeated to the first size, then the slowest few at every size, and prints the
CPU time and how it grows: linear grows about tenfold from 2,000 to 20,000 characters, quadratic
a hundredfold. A growth over ``SUPER_LINEAR`` is marked ``!!``.

    python bench/adversarial_corrections.py [--sizes 2000,8000,20000] [--only STAGE] [--worst 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import Intent, ServiceConfig, load_config  # noqa: E402
from bot.core.engine import ConversationEngine  # noqa: E402
from bot.flows.complaint import Started  # noqa: E402
from bot.flows.records import State  # noqa: E402
from bot.understanding.understander import Understander  # noqa: E402
from tests.flows.chat import Chat  # noqa: E402

PROBLEM, PHONE, PLACE = "楼上的空调滴水 对面的也滴", "13800138000", "阳光花园3栋21楼"
ORDINARY = "不对 是12楼不是21楼"
SUPER_LINEAR = 20.0
"""Growth from the smallest size to the largest (tenfold for 2,000 to 20,000) above which a stage
is marked: twice what a linear one shows, allowing for noise and caches."""

SHAPES = ["{}", "{} ", "{}的", "12楼{}", "是12楼{}21楼", "{}21楼是12楼 ", "楼上的空调 {}对面的 "]
GENERIC = ["不是的的的的的的的的的的的的 ", "是12楼不是21楼", "唔係係12樓 ", "not Tower 1 ", "its 15/F not 5/F "]


@dataclass(frozen=True)
class Stage:
    name: str
    messages: tuple[str, ...]
    """What the customer sends after the greeting to reach the stage."""
    state: State


STAGES = [
    Stage("the form", (PROBLEM,), State.AWAIT_PHONE),
    Stage("the restatement", (PROBLEM, PHONE, PLACE), State.CONFIRMING),
    Stage("after a no", (PROBLEM, PHONE, PLACE, "不对"), State.CHOOSE_CORRECTION),
    Stage("after the hand-off", (PROBLEM, PHONE, PLACE, "对"), State.HANDED_OFF),
]


def tokens(config: ServiceConfig) -> list[str]:
    """Each word that starts or steers a correction in each shape, then the generic tokens."""
    rules = config.classification
    form = rules.form
    words = [
        *form.denial_words,
        *form.place_denial_words,
        *config.gazetteer.place_denial_words,
        *(word for intent in (Intent.NO, Intent.CORRECTION) for word in rules.intents[intent].keywords[:6]),
        *form.put_right_intros,
        *form.take_back_intros,
        *form.more_words[:4],
        *form.fine_words[:4],
        *form.no_problem_words[:4],
        *form.last_digit_words[:2],
        *(word for words in rules.correction_fields.values() for word in words[1:3]),
        *rules.fillers[:4],
    ]
    shaped = [shape.format(word) for word in dict.fromkeys(words) for shape in SHAPES]
    return list(dict.fromkeys([*shaped, *GENERIC]))


def sender(engine: ConversationEngine, stage: Stage) -> Callable[[str], float]:
    """Sends one message at ``stage``, in a conversation brought there afresh each time: the
    engine's CPU seconds on it."""

    def send(text: str) -> float:
        chat = Chat(engine)
        chat.send(Started())
        for message in stage.messages:
            chat.send(message)
        assert chat.state is stage.state, f"{stage.name}: {chat.state}"
        started = time.thread_time()
        chat.send(text)
        return time.thread_time() - started

    return send


def repeated(token: str, size: int) -> str:
    return (token * (size // len(token) + 1))[:size]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,8000,20000", help="text lengths, comma-separated, smallest first")
    parser.add_argument("--only", help="only the stages whose name contains this")
    parser.add_argument("--worst", type=int, default=3, help="tokens per stage measured at every size")
    arguments = parser.parse_args()
    sizes = [int(size) for size in arguments.sizes.split(",")]
    config = load_config(ROOT / "config")
    engine = ConversationEngine(config, Understander.from_config(config))
    chosen = [stage for stage in STAGES if arguments.only is None or arguments.only in stage.name]
    print(f"{'stage':20} {'token':28} " + " ".join(f"{size:>9}" for size in sizes) + "   growth")
    worst_growth = 0.0
    for stage in chosen:
        send = sender(engine, stage)
        best_of = min(send(ORDINARY) for _ in range(10))
        print(f"{stage.name:20} {ORDINARY!r:28} {best_of * 1000:8.3f}ms", flush=True)
        screened = sorted(((send(repeated(token, sizes[0])), token) for token in tokens(config)), reverse=True)
        for _, token in screened[: arguments.worst]:
            times = [send(repeated(token, size)) for size in sizes]
            growth = times[-1] / max(times[0], 1e-4)
            worst_growth = max(worst_growth, growth)
            mark = "  !!" if growth > SUPER_LINEAR else ""
            row = " ".join(f"{seconds:8.3f}s" for seconds in times)
            print(f"{'':20} {token!r:28} {row} {growth:7.1f}x{mark}", flush=True)
    print(
        f"worst growth {worst_growth:.1f}x from {sizes[0]} to {sizes[-1]} characters"
        f" (linear: {sizes[-1] / sizes[0]:.0f}x)"
    )


if __name__ == "__main__":
    main()
