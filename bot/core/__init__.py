"""The core: channel-neutral messages, the engine and the pipeline that runs it."""
