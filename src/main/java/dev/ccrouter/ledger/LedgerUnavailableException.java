package dev.ccrouter.ledger;

/** The ledger's database cannot be reached or set up; the message says which one and why, in one line. */
public final class LedgerUnavailableException extends RuntimeException {
    LedgerUnavailableException(String message) {
        super(message);
    }
}
