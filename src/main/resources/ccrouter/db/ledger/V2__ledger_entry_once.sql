-- Each request's row at most once. The writer retries a batch whose commit failed; when only the answer to the commit
-- was lost (the connection dropped after the server had committed), the retry wrote its rows a second time and their
-- spend counted twice (budgets, usage, dashboard, status line). The writer's inserts now skip a row already present
-- (LedgerStore, ON CONFLICT DO NOTHING), which needs this unique index.
-- The key is the request's arrival time and id, which a retried row repeats exactly: led by the time, the index grows
-- at its end as ledger_entry_ts does, where random ids alone would send each insert to any page of an index as large
-- as the ledger; and two requests could only share it by drawing the same random id in the same millisecond.

-- The copies the retries wrote before: the first of each request (the lowest id) stays.
DELETE FROM ledger_entry
WHERE EXISTS (SELECT 1 FROM ledger_entry AS earlier
              WHERE earlier.ts = ledger_entry.ts AND earlier.request_id = ledger_entry.request_id
                AND earlier.id < ledger_entry.id);

CREATE UNIQUE INDEX ledger_entry_once ON ledger_entry (ts, request_id);
