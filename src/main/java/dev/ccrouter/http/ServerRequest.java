package dev.ccrouter.http;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One request as a handler sees it: its line, its headers, its body as a stream, and the connection's peers. */
public final class ServerRequest {
    private final RequestHead head;
    private final RequestBodyInput body;
    private final Connection connection;
    private Map<String, String> pathParameters = Map.of();

    ServerRequest(RequestHead head, RequestBodyInput body, Connection connection) {
        this.head = head;
        this.body = body;
        this.connection = connection;
    }

    /** The method, as sent ({@code GET}, {@code POST}…). */
    public String method() {
        return head.method;
    }

    /** The path, percent-decoded, without the query. */
    public String path() {
        return head.path;
    }

    /** The path as sent. */
    public String rawPath() {
        return head.rawPath;
    }

    /** The first value of a query parameter, decoded; empty when absent or malformed. */
    public Optional<String> query(String name) {
        List<String> values = values(name, true);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** Every value of a query parameter given more than once ({@code lifecycle[]=a&lifecycle[]=b}), decoded. */
    public List<String> queryAll(String name) {
        return values(name, false);
    }

    /** A parameter's values in their order; none when the query is malformed where it was looked for. */
    private List<String> values(String name, boolean firstOnly) {
        if (head.query == null) {
            return List.of();
        }
        List<String> values = new ArrayList<>(1);
        for (String pair : head.query.split("&")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            try {
                if (PercentDecoding.query(key).equals(name)) {
                    values.add(equals < 0 ? "" : PercentDecoding.query(pair.substring(equals + 1)));
                    if (firstOnly) {
                        break;
                    }
                }
            } catch (BadRequest malformed) {
                return List.of();
            }
        }
        return values;
    }

    /** A parameter of the route's path pattern ({@code {id}} or {@code {+id}}), or null. */
    public String pathParameter(String name) {
        return pathParameters.get(name);
    }

    void pathParameters(Map<String, String> parameters) {
        this.pathParameters = parameters;
    }

    public RequestHeaders headers() {
        return head.headers;
    }

    /** Whether the request declares a body (a length above zero, or chunks). */
    public boolean hasBody() {
        return head.framing != RequestHead.Framing.NONE;
    }

    /**
     * The body, read from the socket as the caller reads; a malformed chunked body fails with {@link BadRequest}, a
     * client that closes inside it with an {@link java.io.EOFException}.
     */
    public InputStream body() {
        return body;
    }

    public InetSocketAddress remotePeer() {
        return connection.remotePeer();
    }

    public InetSocketAddress localPeer() {
        return connection.localPeer();
    }

    boolean isHead() {
        return head.method.equals("HEAD");
    }

    RequestHead head() {
        return head;
    }
}
