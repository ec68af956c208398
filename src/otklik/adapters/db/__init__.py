"""Storage on SQLAlchemy 2: tables, mappers, repositories, unit of work and Alembic migrations."""
