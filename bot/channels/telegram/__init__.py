"""Telegram: the adapter and its webhook route."""
