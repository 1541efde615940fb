"""Statistical disclosure control of the aggregates shown to roles that may not see persons.

The cell-key method (Australian Bureau of Statistics; Office for National Statistics, 2021
census of England and Wales) with a fixed random rounding to base 5 as its perturbation table
(in the spirit of Statistics New Zealand): see docs/statistical-disclosure.md.

- Every counted record carries a fixed random key (common.record_keys).
- A cell's key is the sum of the keys of the distinct records it counts, modulo 2**31: SQL
  adds it up in the same query as the count, and the key of a total is the sum of its cells'.
- The published value is the true count rounded down or up to a multiple of 5, up with a
  probability equal to the remainder over 5 (so unbiased); the cell key, normalised to [0, 1),
  is the "random" number. The same records give the same key and so the same value, whatever
  the table, period or route; and a difference of published values is a multiple of 5, never
  a count of 1 to 4.

Pure functions, no Django: easy to test and to apply to any table.
"""

from django.db.models import F, IntegerField, Sum, Value
from django.db.models.functions import Coalesce

from common.record_keys import RECORD_KEY_MODULUS

ROUNDING_BASE = 5


def cell_key(*keys: int | None) -> int:
    """The key of the union of disjoint record sets, from their keys (or raw sums of keys)."""
    return sum(key or 0 for key in keys) % RECORD_KEY_MODULUS


def perturb(count: int, key: int) -> int:
    """The published value of a cell: `count` randomly rounded to a multiple of ROUNDING_BASE.

    A multiple of the base (zero included) is published as it is; otherwise the value goes up
    when key / 2**31 < remainder / base, so that on average the published value is the count.
    """
    if count < 0:
        raise ValueError("Counts cannot be negative.")
    remainder = count % ROUNDING_BASE
    if remainder == 0:
        return count
    down = count - remainder
    goes_up = (key % RECORD_KEY_MODULUS) * ROUNDING_BASE < remainder * RECORD_KEY_MODULUS
    return down + ROUNDING_BASE if goes_up else down


def key_sum(field: str = "record_key", **extra) -> Coalesce:
    """The aggregate that adds up the record keys of a group, next to its Count (bigint in SQL)."""
    return Coalesce(Sum(F(field), **extra), Value(0), output_field=IntegerField())
