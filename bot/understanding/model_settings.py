"""Where the optional language model is and how much the bot may lean on it (``BOT_LLM_*``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ResponseFormat = Literal["json_object", "json_schema", "none"]
RESPONSE_FORMATS: tuple[ResponseFormat, ...] = ("json_object", "json_schema", "none")


@dataclass(frozen=True, slots=True)
class ModelSettings:
    """An OpenAI-compatible chat-completions endpoint (Ollama, vLLM, DashScope, DeepSeek, ...).

    Raises:
        ValueError: a limit out of range or an unknown ``response_format``.
    """

    base_url: str
    """The API root, e.g. ``http://localhost:11434/v1``; ``/chat/completions`` is appended."""
    model: str
    api_key: str | None = None
    """None for servers that need none (Ollama, a local vLLM)."""
    timeout_seconds: float = 2.0
    """The longest a message waits for the model; then the rules alone answer."""
    max_concurrency: int = 4
    """Requests in flight at once; a message arriving when all are taken skips the model."""
    breaker_failures: int = 5
    """Consecutive failures that open the circuit (the model is then skipped)."""
    breaker_open_seconds: float = 30.0
    """How long the circuit stays open before one trial request may close it again."""
    response_format: ResponseFormat = "json_object"
    """``json_object`` (JSON mode, widely supported), ``json_schema`` (structured outputs, where the
    server has them) or ``none`` (the prompt alone asks for JSON)."""

    def __post_init__(self) -> None:
        if not self.base_url.strip() or not self.model.strip():
            raise ValueError("the model needs both a base URL and a model name")
        if self.timeout_seconds <= 0:
            raise ValueError(f"timeout must be positive, not {self.timeout_seconds}")
        if self.max_concurrency < 1:
            raise ValueError(f"max concurrency must be at least 1, not {self.max_concurrency}")
        if self.breaker_failures < 1:
            raise ValueError(f"breaker failures must be at least 1, not {self.breaker_failures}")
        if self.breaker_open_seconds <= 0:
            raise ValueError(f"breaker open seconds must be positive, not {self.breaker_open_seconds}")
        if self.response_format not in RESPONSE_FORMATS:
            raise ValueError(f"response format {self.response_format!r} is not one of {', '.join(RESPONSE_FORMATS)}")
