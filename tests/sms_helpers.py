"""What a caller hears about text messages, and the text messages a records database counted."""

from __future__ import annotations

from sqlalchemy import create_engine, select

from ivr.records.database import upgrade
from ivr.records.tables import text_messages

SENT = "ショートメッセージでお送りします。"
UNAVAILABLE = "申し訳ありません。ただいま、ショートメッセージをお送りできません。"
OFFER = "この番号をショートメッセージでお送りするには2を、"
CENTER = "ゼロサン、ゴーキュウナナヨン、ゼロゼロロクハチ"


def rows(database: str) -> list[dict]:
    """Every text message counted in `database`, oldest first (its schema created if need be)."""
    engine = create_engine(database)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            return [dict(r) for r in connection.execute(
                select(text_messages).order_by(text_messages.c.id)).mappings()]
    finally:
        engine.dispose()
