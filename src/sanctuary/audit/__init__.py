"""The append-only record of who did what, when, from where."""

# Only the test suite sets this: its flush between tests empties every table with DELETE, which
# SQLite's trigger on the audit table otherwise refuses (migrations/0003).
ALLOW_DELETE_FOR_TEST_FLUSH = False
