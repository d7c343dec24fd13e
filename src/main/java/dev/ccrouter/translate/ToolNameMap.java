package dev.ccrouter.translate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Tool names as the client knows them and as the upstream knows them. Names longer than the upstream's limit
 * (MCP tools easily pass OpenAI's 64 characters) are shortened deterministically, so the same conversation always
 * produces the same upstream names (prompt caching depends on it), and mapped back in responses.
 */
public final class ToolNameMap {
    public static final ToolNameMap IDENTITY = new ToolNameMap(Map.of(), Map.of());

    private final Map<String, String> toUpstream;
    private final Map<String, String> toClient;

    private ToolNameMap(Map<String, String> toUpstream, Map<String, String> toClient) {
        this.toUpstream = toUpstream;
        this.toClient = toClient;
    }

    /** Builds the map for the given client tool names; names within {@code limit} are kept as they are. */
    public static ToolNameMap forNames(Iterable<String> clientNames, int limit) {
        Map<String, String> up = new HashMap<>();
        Map<String, String> back = new HashMap<>();
        for (String name : clientNames) {
            if (name.length() <= limit || up.containsKey(name)) {
                continue;
            }
            String shortName = shorten(name, limit);
            up.put(name, shortName);
            back.put(shortName, name);
        }
        return up.isEmpty() ? IDENTITY : new ToolNameMap(up, back);
    }

    /** The name to send upstream. */
    public String upstreamName(String clientName) {
        return toUpstream.getOrDefault(clientName, clientName);
    }

    /** The client's name for an upstream name; names the gateway did not shorten come back unchanged. */
    public String clientName(String upstreamName) {
        return toClient.getOrDefault(upstreamName, upstreamName);
    }

    /** Keeps the readable head of the name and appends 8 hex digits of its SHA-256, e.g. {@code mcp__very_long…_3f9a12bc}. */
    static String shorten(String name, int limit) {
        String hash = HexFormat.of().formatHex(sha256(name), 0, 4);
        return name.substring(0, limit - hash.length() - 1) + "_" + hash;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
