package dev.ccrouter.ledger;

import dev.ccrouter.config.LedgerSettings;

/** The ledger's contract on SQLite, the default: a WAL file in the data directory. */
class SqliteLedgerTest extends LedgerContract {
    @Override
    LedgerSettings freshLedger() {
        return LedgerSettings.defaults(dir);
    }
}
