"""Storage adapter: SQLAlchemy tables, repositories and Alembic migrations.

SQLite in the user's data folder by default, PostgreSQL when the URL names one.
"""

from crampcoach.store.database import Store

__all__ = ["Store"]
