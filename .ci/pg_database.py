"""Create or drop a throw-away PostgreSQL database for one CI run (trust auth on 127.0.0.1).

Usage: python .ci/pg_database.py create NAME | drop NAME. Uses asyncpg (a project dependency),
so CI needs no psql client.
"""

import asyncio
import os
import sys

import asyncpg

ADMIN_DSN = os.environ.get("CI_POSTGRES_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


async def main(action: str, name: str) -> None:
    conn = await asyncpg.connect(ADMIN_DSN)
    try:
        if action == "create":
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            await conn.execute(f'CREATE DATABASE "{name}"')
        else:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
