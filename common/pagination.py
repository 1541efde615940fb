import datetime
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest

PAGE_SIZE = 25
# Lists that may hold a million rows count at most this many: an exact COUNT would read them all.
COUNT_CAP = 1000
# Page numbers beyond this are answered as Django's paginator does (the last page).
MAX_PAGE = 10**6
CURSOR_PARAMETERS = ("after", "before")


def _with_count(queryset: QuerySet, cap: int | None = None) -> QuerySet | None:
    """`queryset` whose rows each carry the number of rows of the whole list (at most `cap` + 1),
    computed once by PostgreSQL as an uncorrelated subquery: the count and a page in one round
    trip. None where the count of the plain rows would not be the list's (a distinct or grouped
    list) or the list is empty whatever the data (queryset.none())."""
    if queryset.query.distinct or queryset.query.group_by is not None or queryset._fields:  # type: ignore[attr-defined]
        return None
    counted = queryset.order_by().values("pk")
    if cap is not None:
        counted = counted[: cap + 1]
    try:
        sql, params = counted.query.sql_with_params()
    except EmptyResultSet:
        return None
    # Django compiled the inner SQL; its values stay parameters.
    return queryset.annotate(listed_count=RawSQL(f"SELECT COUNT(*) FROM ({sql}) AS listed", params))  # noqa: S608, S611


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int | None = None) -> Page:
    """The requested page; a page number out of range or not a number gives the nearest page.
    One query for the page and the count of the list; the page past the end asked for (or an
    empty list) costs the count and the nearest page besides, as Django's paginator does."""
    per_page = per_page or PAGE_SIZE
    paginator = Paginator(queryset, per_page)
    asked = request.GET.get("page") or "1"
    counted = _with_count(queryset)
    if counted is not None and asked.isascii() and asked.isdigit() and 1 <= int(asked) <= MAX_PAGE:
        number = int(asked)
        rows = list(counted[(number - 1) * per_page : number * per_page])
        if rows:
            paginator.count = rows[0].listed_count  # (the paginator's cached count)
            return Page(rows, number, paginator)
    return paginator.get_page(request.GET.get("page"))


def querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    for name in CURSOR_PARAMETERS:
        params.pop(name, None)
    return params.urlencode()


@dataclass
class KeysetPage:
    """A page of a list ordered newest first by (a time, id), reached by the position of a row
    ("after" this row: older; "before" it: newer) instead of a page number, so that any page
    costs the same as the first one, however many rows the list has."""

    object_list: list
    count: int  # exact up to COUNT_CAP
    count_capped: bool
    has_previous: bool
    has_next: bool
    previous_cursor: str = ""
    next_cursor: str = ""
    is_first: bool = True


def _cursor(row, time_field: str) -> str:
    return f"{getattr(row, time_field).isoformat()}~{row.pk}"


def _parse_cursor(value: str | None) -> tuple[datetime.datetime, int] | None:
    if not value or "~" not in value or len(value) > 64:
        return None
    moment, _, pk = value.rpartition("~")
    try:
        when = datetime.datetime.fromisoformat(moment)
    except ValueError:
        return None
    if when.tzinfo is None or not pk.isdigit():
        return None
    return when, int(pk)


def keyset_paginate(
    request: HttpRequest, queryset: QuerySet, time_field: str, per_page: int | None = None
) -> KeysetPage:
    """The page asked for by ?after= or ?before= (the first page without either, or with a bad
    value) of `queryset` ordered by -time_field, -id. One query: the rows, each carrying the
    capped count of the whole list (computed once, as an uncorrelated subquery); a second one
    for the count only when the page is empty.

    The redundant `time <= t` condition lets the (..., time, id) index start at the cursor."""
    per_page = per_page or PAGE_SIZE
    listed = queryset
    counted = _with_count(queryset, COUNT_CAP)
    if counted is not None:
        queryset = counted
    after = _parse_cursor(request.GET.get("after"))
    before = None if after else _parse_cursor(request.GET.get("before"))
    if before:
        when, pk = before
        rows = list(
            queryset.filter(**{f"{time_field}__gte": when})
            .filter(Q(**{f"{time_field}__gt": when}) | Q(pk__gt=pk))
            .order_by(time_field, "pk")[: per_page + 1]
        )
        has_previous = len(rows) > per_page
        rows = rows[:per_page][::-1]
        has_next = True
    else:
        if after:
            when, pk = after
            queryset = queryset.filter(**{f"{time_field}__lte": when}).filter(
                Q(**{f"{time_field}__lt": when}) | Q(pk__lt=pk)
            )
        rows = list(queryset.order_by(f"-{time_field}", "-pk")[: per_page + 1])
        has_next = len(rows) > per_page
        rows = rows[:per_page]
        has_previous = after is not None
    # A position past either end (its rows were deleted) gives an empty page with a way back.
    capped = getattr(rows[0], "listed_count", None) if rows else None
    if capped is None:
        capped = listed.order_by()[: COUNT_CAP + 1].count()
    return KeysetPage(
        object_list=rows,
        count=min(capped, COUNT_CAP),
        count_capped=capped > COUNT_CAP,
        has_previous=has_previous,
        has_next=has_next,
        previous_cursor=_cursor(rows[0], time_field) if has_previous and rows else "",
        next_cursor=_cursor(rows[-1], time_field) if has_next and rows else "",
        is_first=not (after or before) or not has_previous,
    )
