"""Czech dates as Czech people write them (ČSN 01 6910): "28. 11. 2026", "28. 11. 2026 9:05",
and a month in the nominative, "listopad 2026" (Django's "F" is the nominative in Czech, "E"
the genitive of "28. listopadu 2026"). Django's own Czech short formats ("28.11.2026") leave out
the spaces."""

SHORT_DATE_FORMAT = "j. n. Y"
SHORT_DATETIME_FORMAT = "j. n. Y G:i"
YEAR_MONTH_FORMAT = "F Y"
