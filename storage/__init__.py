"""SQLAlchemy 2 (async) implementations of the domain's repository ports."""
