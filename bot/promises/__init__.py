"""The promise tracker: case timers on a promised deadline, extensions, resolution and the
satisfaction callback's records."""
