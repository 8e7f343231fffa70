"""Storage functions by subject, beside ``bot.store``: each takes a (sync) ``Session``.

Writers run them in :meth:`bot.db.Database.write`; readers with ``AsyncSession.run_sync``.
"""
