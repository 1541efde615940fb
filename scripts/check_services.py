"""Fail early, with a clear message, when PostgreSQL or Redis cannot be reached for the tests."""

import os
import sys

import dj_database_url
import psycopg2
import redis


def main() -> int:
    problems = []
    database_url = os.environ["DATABASE_URL"]
    params = dj_database_url.parse(database_url)
    try:
        psycopg2.connect(
            dbname="postgres",
            user=params["USER"] or None,
            password=params["PASSWORD"] or None,
            host=params["HOST"] or None,
            port=params["PORT"] or None,
            connect_timeout=5,
        ).close()
    except psycopg2.Error as error:
        problems.append(f"PostgreSQL is not reachable at {params['HOST']}:{params['PORT']} ({error}).")
    redis_url = os.environ["REDIS_URL"]
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
    except redis.RedisError as error:
        problems.append(f"Redis is not reachable at {redis_url} ({error}).")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("Start them (.ci/run does it on Debian) or set DATABASE_URL / REDIS_URL.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
