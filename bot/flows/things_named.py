"""The things a problem names: the first ``together`` group of every category (电梯, 灯, 楼道灯, 门禁,
水管), what a problem is about whatever is wrong with it. A follow-up naming the thing its open case's
problem named is about that case, though its other words make it another category ("楼道灯还在闪"
reads as 物业服务 beside a 工程维修 case "楼道灯坏了"); one naming only another thing ("电梯坏了" beside
"楼道灯坏了", both 工程维修 and both 坏了) is another problem, never more of that case nor its appeal."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.config import ServiceConfig


@dataclass(frozen=True, slots=True)
class ThingWords:
    """Built once from the configuration: every category's things, as messages are matched
    (lower case, simplified), longest first; a Latin word only whole ("gate" is not in "investigate")."""

    pattern: re.Pattern[str] | None

    @classmethod
    def from_config(cls, config: ServiceConfig, matchable: Callable[[str], str]) -> ThingWords:
        words = {
            said
            for category in config.classification.categories
            for word in category.things
            if (said := matchable(word).strip())
        }
        if not words:
            return cls(None)
        parts = [
            rf"(?<![a-z]){re.escape(word)}(?![a-z])" if word.isascii() else re.escape(word)
            for word in sorted(words, key=len, reverse=True)
        ]
        return cls(re.compile("|".join(parts)))

    def named(self, matchable: str) -> frozenset[str]:
        """The things a text (as matched) names, each the longest there ("楼道灯", not its 灯)."""
        return frozenset(self.pattern.findall(matchable)) if self.pattern is not None else frozenset()


def same_thing(said: frozenset[str], earlier: frozenset[str]) -> bool:
    """A thing named now is one named earlier, or one inside the other ("灯" of "楼道灯")."""
    return any(now in before or before in now for now in said for before in earlier)


def another_thing(said: frozenset[str], earlier: frozenset[str]) -> bool:
    """Things are named now and earlier, and none named now is one named earlier ("电梯" after
    "楼道灯"): another problem. Naming no thing ("又坏了", "还没修好") is never another thing."""
    return bool(said) and bool(earlier) and not same_thing(said, earlier)


__all__ = ["ThingWords", "another_thing", "same_thing"]
