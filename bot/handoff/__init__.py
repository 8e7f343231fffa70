"""The human queue: tickets, manager rules, agent selection (built with the handoff issue)."""
