-- One row per request that reached the gateway: the same table on SQLite and PostgreSQL (${id_column} is each one's
-- auto-numbered key, set by LedgerDatabase).
-- Times are epoch milliseconds (UTC); amounts are whole 10^-10 USD (the precision of every amount ccrouter shows),
-- so sums are exact in SQL on both databases; NULL amounts are unknown, never zero.
CREATE TABLE ledger_entry (
    id                    ${id_column},
    ts                    BIGINT  NOT NULL,
    request_id            TEXT    NOT NULL,
    client_key_id         TEXT,
    session_id            TEXT,
    requested_model       TEXT    NOT NULL,
    route                 TEXT,
    provider              TEXT,
    upstream_model        TEXT,
    stream                BOOLEAN NOT NULL,
    http_status           INTEGER NOT NULL,
    error_type            TEXT,
    stop_reason           TEXT,
    input_tokens          BIGINT  NOT NULL,
    output_tokens         BIGINT  NOT NULL,
    cache_read_tokens     BIGINT  NOT NULL,
    cache_write_5m_tokens BIGINT  NOT NULL,
    cache_write_1h_tokens BIGINT  NOT NULL,
    reasoning_tokens      BIGINT  NOT NULL,
    usage_estimated       BOOLEAN NOT NULL,
    cost_e10              BIGINT,
    charged_e10           BIGINT,
    residual_e10          BIGINT,
    cache_savings_e10     BIGINT,
    ttfb_ms               BIGINT,
    duration_ms           BIGINT  NOT NULL,
    retries               INTEGER NOT NULL,
    fallbacks             INTEGER NOT NULL
);
-- "Spend today / this month" (for everyone, for one key, for one session) are each one range scan.
CREATE INDEX ledger_entry_ts ON ledger_entry (ts);
CREATE INDEX ledger_entry_key_ts ON ledger_entry (client_key_id, ts);
CREATE INDEX ledger_entry_session_ts ON ledger_entry (session_id, ts);
