"""Alembic migrations, shipped inside the package so ``liuzhou db upgrade`` works after install."""
