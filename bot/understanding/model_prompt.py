"""What the language model is asked: the vocabulary it may answer with, and the answer's shape.

The prompt is the protocol with the model, not something a customer reads; the categories in it
come from ``config/classification.yaml``, so a manager's new category is offered to the model too.
"""

from __future__ import annotations

import json

from bot.config import Category, Grade, Intent, Signal

SLOT_FIELDS = ("phone", "name", "surname", "honorific", "address", "district")

INTENT_MEANINGS: dict[Intent, str] = {
    Intent.GREETING: "only says hello",
    Intent.COMPLAINT: "reports a problem or is dissatisfied",
    Intent.STATUS_QUERY: "asks how an earlier complaint or repair is progressing",
    Intent.QUESTION: "asks for information (opening hours, prices, how to do something)",
    Intent.PRAISE: "praises the service or a staff member",
    Intent.THANKS: "thanks us",
    Intent.APOLOGY: "apologises",
    Intent.SUGGESTION: "makes a suggestion",
    Intent.HUMAN: "asks to talk to a person, an agent, customer service staff",
    Intent.SUPERVISOR: "asks for a manager, supervisor or leader",
    Intent.OUT_OF_SCOPE: "asks for something unrelated to our service (jokes, weather, stocks)",
    Intent.HARASSMENT: "flirts with or harasses the agent",
    Intent.YES: "answers yes / agrees / confirms",
    Intent.NO: "answers no / disagrees / says something is wrong",
    Intent.REFUSE_CONTACT: "refuses to give a phone number or contact details",
    Intent.CORRECTION: "corrects something said earlier",
    Intent.NOT_RESOLVED: "says a problem we had fixed is still not fixed, or broke again",
    Intent.WITHDRAW: "gives the complaint up, says never mind, no longer wants it handled",
    Intent.GOODBYE: "says goodbye, or that nothing more is needed",
}

SIGNAL_MEANINGS: dict[Signal, str] = {
    Signal.EMOTIONAL: "angry, upset, very frustrated",
    Signal.MEDIA_LEGAL: "threatens media exposure, a lawsuit, a regulator or a higher authority",
    Signal.VIOLENCE: "threatens violence against people or property",
    Signal.STAFF_ERROR: "says our staff made a mistake or behaved badly (rude, shouting, never answering)",
    Signal.REPEAT: "has complained about this before",
    Signal.ELDER: "is (or speaks for) an elderly person",
    Signal.COMPENSATION: "asks for compensation or a refund for a loss",
    Signal.PREPARED: "has evidence ready (photos, recordings, receipts)",
    Signal.DANGER: "reports danger to life or property now: gas leak, fire, someone trapped or hurt",
    Signal.SELF_HARM: "speaks of ending their life or hurting themselves",
    Signal.HEALTH: "is (or speaks for) someone ill, disabled, pregnant or recovering from an operation",
}

SLOT_MEANINGS: dict[str, str] = {
    "phone": "a contact phone number, digits as written",
    "name": "the customer's own full name",
    "surname": "the customer's surname (family name)",
    "honorific": "先生 or 女士 (Mr or Ms) when the customer says which",
    "address": "where the problem is: the address, estate, building or street, as written",
    "district": "the district or county (区/县) named",
}


def system_prompt(categories: list[Category]) -> str:
    """The instructions sent before every message, built once per configuration."""
    intents = "\n".join(_line(intent.value, INTENT_MEANINGS.get(intent)) for intent in Intent)
    signals = "\n".join(_line(signal.value, SIGNAL_MEANINGS.get(signal)) for signal in Signal)
    category_lines = "\n".join(
        f"- {category.id}: {category.name.zh_cn} / {category.name.en}" for category in categories
    )
    slots = "\n".join(f"- {name}: {meaning}" for name, meaning in SLOT_MEANINGS.items())
    shape = json.dumps(
        {
            "intents": ["<intent>"],
            "category": "<category id or null>",
            "grade": "simple | complex | null",
            "signals": ["<signal>"],
            "slots": dict.fromkeys(SLOT_FIELDS, "<string or null>"),
        },
        ensure_ascii=False,
    )
    return (
        "You read one message a customer sent to a complaint service (Chinese, traditional Chinese or "
        "English) and classify it. You never write a reply. Answer with a single JSON object and nothing "
        f"else, of this shape:\n{shape}\n\n"
        f"intents: every one that applies, or none:\n{intents}\n\n"
        "category: the id of the one category the problem belongs to, or null when the message is "
        f"not about a problem:\n{category_lines}\n\n"
        "grade: complex when the problem is long-standing, repeated, involves a loss or several "
        "parties; simple for other problems; null when there is no problem.\n\n"
        f"signals: every one that applies, or none:\n{signals}\n\n"
        "slots: copy the customer's own words exactly, or null when the message does not give it:\n"
        f"{slots}\n\n"
        "Use only the intents, categories, grades and signals listed above."
    )


def _line(name: str, meaning: str | None) -> str:
    return f"- {name}: the customer {meaning}" if meaning else f"- {name}"


def answer_schema(category_ids: list[str]) -> dict[str, object]:
    """The answer as a JSON schema, for servers with structured outputs (``json_schema``)."""
    nullable_string = {"type": ["string", "null"]}
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["intents", "category", "grade", "signals", "slots"],
        "properties": {
            "intents": {"type": "array", "items": {"type": "string", "enum": [intent.value for intent in Intent]}},
            "category": {"type": ["string", "null"], "enum": [*category_ids, None]},
            "grade": {"type": ["string", "null"], "enum": [*(grade.value for grade in Grade), None]},
            "signals": {"type": "array", "items": {"type": "string", "enum": [signal.value for signal in Signal]}},
            "slots": {
                "type": "object",
                "additionalProperties": False,
                "required": list(SLOT_FIELDS),
                "properties": dict.fromkeys(SLOT_FIELDS, nullable_string),
            },
        },
    }
