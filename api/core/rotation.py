"""Key rotation of the database: every column whose type is an encrypted type (api/core/crypto.py), found from the
models, so a table added later is covered without a list here. Each value not yet encrypted with the newest key of
its purpose is re-encrypted, in batches, one transaction per batch; running it again changes nothing."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from cryptography.fernet import InvalidToken
from sqlalchemy import Column, ColumnElement, Engine, Table, Text, select, tuple_, type_coerce, update

from api.core.crypto import EncryptedString, Purpose, get_cipher, is_current


@dataclass
class ColumnCount:
    """What rotate did to one column; counts only, never a value."""

    column: str
    purpose: str
    rotated: int = 0
    current: int = 0
    unreadable: int = 0  # no configured key of the purpose opens it: left as it is


def encrypted_columns(tables: list[Table]) -> list[tuple[Table, list[Column[Any]]]]:
    found = [(t, [c for c in t.columns if isinstance(c.type, EncryptedString)]) for t in tables]
    return [(table, columns) for table, columns in found if columns]


def _purpose(column: Column[Any]) -> Purpose:
    return cast(EncryptedString, column.type).purpose  # encrypted_columns chose the column by this type


def _raw(column: Column[Any]) -> ColumnElement[Any]:
    """The column as stored (the token), bypassing the type's decryption."""
    return type_coerce(column, Text())


def rotate_table(engine: Engine, table: Table, columns: list[Column[Any]], batch_size: int) -> list[ColumnCount]:
    counts = {c.name: ColumnCount(f"{table.name}.{c.name}", _purpose(c)) for c in columns}
    key = list(table.primary_key.columns)
    last = None
    while True:
        with engine.begin() as conn:  # one transaction per batch
            query = select(*key, *(_raw(c).label(c.name) for c in columns)).order_by(*key).limit(batch_size)
            if last is not None:
                query = query.where(tuple_(*key) > tuple_(*last))
            rows = conn.execute(query).mappings().all()
            for row in rows:
                for column in columns:
                    token, count = row[column.name], counts[column.name]
                    if not token:
                        continue
                    if is_current(token, _purpose(column)):
                        count.current += 1
                        continue
                    try:
                        new = get_cipher(_purpose(column)).rotate(token.encode("ascii")).decode("ascii")
                    except InvalidToken:
                        count.unreadable += 1
                        continue
                    # Only if nobody changed it meanwhile (a change is written with the newest key anyway).
                    done = conn.execute(
                        update(table).where(*(k == row[k.name] for k in key), _raw(column) == token)
                        .values({column.name: type_coerce(new, Text())})).rowcount
                    count.rotated += done
                    count.current += 1 - done
        if len(rows) < batch_size:
            return list(counts.values())
        last = [rows[-1][k.name] for k in key]


def rotate_database(engine: Engine, tables: list[Table], batch_size: int = 500) -> list[ColumnCount]:
    """Re-encrypt every encrypted column of `tables` with the newest key of its purpose."""
    return [count for table, columns in encrypted_columns(tables)
            for count in rotate_table(engine, table, columns, batch_size)]
