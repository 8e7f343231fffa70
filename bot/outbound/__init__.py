"""Outbound: what a commit leaves to do, and the one gateway that sends it."""
