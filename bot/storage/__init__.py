"""Storage functions by subject, beside ``bot.storage.store``: each takes a (sync) ``Session``.

Writers run them in :meth:`bot.storage.db.Database.write`; readers with ``AsyncSession.run_sync``.
"""
