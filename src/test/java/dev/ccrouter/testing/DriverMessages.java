package dev.ccrouter.testing;

import java.util.stream.Stream;

/**
 * What a JDBC driver says when it fails, quoting the database's URL or the user information before its host, and how
 * the gateway shows it: without the password. For the tests of every message that repeats a driver's words.
 */
public final class DriverMessages {
    private DriverMessages() {
    }

    /**
     * One failure.
     *
     * @param url        the ledger's URL
     * @param driverSays the driver's message
     * @param shownUrl   the URL as the gateway's messages name the database
     * @param shown      the driver's message as the gateway repeats it
     */
    public record Quoting(String url, String driverSays, String shownUrl, String shown) {
        @Override
        public String toString() {
            return driverSays; // the parameterized test's name
        }
    }

    /** A URL with its password, in the message; the user information taken for a host; a URL the driver cannot parse. */
    public static Stream<Quoting> quotingThePassword() {
        return Stream.of(
                new Quoting("jdbc:postgresql://user:secret@host/db",
                        "Connection to postgresql://user:secret@host/db refused",
                        "jdbc:postgresql://user:…@host/db", "Connection to postgresql://user:…@host/db refused"),
                new Quoting("jdbc:postgresql://user:secret@host/db",
                        "The connection attempt failed: user:secret@host",
                        "jdbc:postgresql://user:…@host/db", "The connection attempt failed: user:…@host"),
                new Quoting("jdbc:postgresql://host/db?user=u&password=secret",
                        "Unable to parse URL jdbc:postgresql://host/db?user=u&password=secret",
                        "jdbc:postgresql://host/db", "Unable to parse URL jdbc:postgresql://host/db"));
    }
}
