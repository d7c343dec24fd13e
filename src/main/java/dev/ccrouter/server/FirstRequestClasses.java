package dev.ccrouter.server;

import dev.ccrouter.route.Router;
import dev.ccrouter.upstream.UpstreamClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The classes a gateway's first request initialises: the HTTP server's request path, the translation, the upstream
 * client, the stream writer, the bill, the ledger's row and the metrics ({@code ccrouter/first-request-classes.txt}, ≈ 230).
 * Initialising them is a large part of what makes the first request slower than the next; {@link GatewayServer#start}
 * has it done on a thread of its own while it waits for the ledger's database.
 *
 * <p>Two threads initialising classes at once could wait on each other only if a class's initialiser needed one the
 * other thread is initialising and the reverse; the classes listed are those a start leaves uninitialised, so no
 * initialiser the start runs needs them, and the start's own classes are finished or taken in the start's order.
 */
final class FirstRequestClasses {
    static final String RESOURCE = "/ccrouter/first-request-classes.txt";

    private FirstRequestClasses() {
    }

    /** The listed names, in order. */
    static List<String> names() {
        try (InputStream in = FirstRequestClasses.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return List.of();
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Does ahead what the first request would do first and that depends on no request: initialises its classes, links
     * the record methods of the keys it looks up (the upstream connection pool's, the router's capabilities', the
     * metrics') and looks up the JDK's SHA-256 (the hashed user id), whose provider search is slow the first time.
     */
    static void prepare() {
        initialise();
        UpstreamClient.linkPoolKey();
        Router.linkKeys();
        GatewayMetrics.linkKeys();
        try {
            MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // UserHashes meets and reports it on the request that needs it
        }
    }

    /**
     * Initialises each listed class. One this build lacks is passed over (FirstRequestClassesTest keeps the list to
     * the build); one whose initialiser fails fails again at its first use, where it is reported.
     *
     * @return how many were initialised
     */
    static int initialise() {
        ClassLoader loader = FirstRequestClasses.class.getClassLoader();
        int initialised = 0;
        for (String name : names()) {
            try {
                Class.forName(name, true, loader);
                initialised++;
            } catch (ClassNotFoundException | LinkageError e) {
                // see above
            }
        }
        return initialised;
    }
}
