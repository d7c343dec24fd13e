package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccrouter.api.anthropic.VerbatimArray;
import dev.ccrouter.api.anthropic.VerbatimText;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fast local estimate of a Messages request's input tokens, for {@code POST /v1/messages/count_tokens} and the
 * {@code usage} of {@code message_start} (the upstream reports real counts only at the end of a stream).
 *
 * <h2>Formula</h2>
 * A string of {@code b} UTF-8 bytes counts {@code ceil(b / 4)} tokens, rounded up per string (per block). On top:
 * <ul>
 *   <li>the system prompt (if any) and every message: +{@value #MESSAGE_OVERHEAD} for role framing;</li>
 *   <li>{@code text}: its text; {@code thinking}: its thinking text (signatures and {@code redacted_thinking} data are
 *       opaque and not counted);</li>
 *   <li>{@code tool_use} (and {@code server_tool_use}): +{@value #TOOL_BLOCK_OVERHEAD}, plus the name and the compact
 *       JSON length of {@code input} as one string;</li>
 *   <li>{@code tool_result}: +{@value #TOOL_BLOCK_OVERHEAD}, plus its content (string or blocks, counted as above);</li>
 *   <li>{@code image}, and PDF or URL {@code document}: a flat {@value #ATTACHMENT_TOKENS} (Anthropic's cost of an
 *       image at its ~1.15 megapixel working size; the real size is unknown without decoding). Text documents count
 *       their text, search results their title, source and texts;</li>
 *   <li>tools: {@value #TOOL_PREAMBLE} once when any tool is defined (Anthropic's published tool-use system prompt),
 *       and per tool +{@value #TOOL_DEFINITION_OVERHEAD} plus name, description and compact JSON length of
 *       {@code input_schema} as one string;</li>
 *   <li>anything else (unknown blocks, fields of the wrong type): nothing. The estimator never throws.</li>
 * </ul>
 * JSON lengths are computed by walking the tree (strings as their UTF-8 length plus quotes, escapes ignored), so
 * no JSON is written.
 *
 * <h2>Accuracy</h2>
 * An estimate, not a count. Claude's tokenizer averages roughly 3.5–4.5 bytes per token on English prose and code,
 * so totals typically land within ±15–25 % of Anthropic's {@code count_tokens}; JSON-heavy content (tool schemas,
 * tool inputs) tokenises denser and is under-counted towards the low end of that. CJK text (3 bytes and about one
 * token per character) is under-counted by some 25–40 %; images and PDFs can be off by a factor of several.
 */
public final class TokenEstimator {
    static final int BYTES_PER_TOKEN = 4;
    static final int MESSAGE_OVERHEAD = 3;
    static final int TOOL_BLOCK_OVERHEAD = 4;
    static final int TOOL_DEFINITION_OVERHEAD = 6;
    static final int TOOL_PREAMBLE = 346;
    static final int ATTACHMENT_TOKENS = 1600;

    /** The last remembered tools counted (a {@link VerbatimArray} the body reader hands out again), by identity. */
    private final AtomicReference<CountedTools> lastCounted = new AtomicReference<>();

    /** The estimated input tokens of a Messages (or count_tokens) body; 0 for anything that is not an object. */
    public long estimate(JsonNode anthropicBody) {
        if (anthropicBody == null || !anthropicBody.isObject()) {
            return 0;
        }
        long tokens = 0;
        JsonNode system = anthropicBody.get("system");
        if (system != null && (system.isTextual() || system.isArray())) {
            tokens += MESSAGE_OVERHEAD + content(system);
        }
        JsonNode messages = anthropicBody.get("messages");
        if (messages != null && messages.isArray()) {
            for (JsonNode message : messages) {
                if (message.isObject()) {
                    tokens += MESSAGE_OVERHEAD + content(message.get("content"));
                }
            }
        }
        JsonNode tools = anthropicBody.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            tokens += toolTokens(tools);
        }
        return tokens;
    }

    /**
     * The tools' tokens; for the array the body reader remembered from an earlier body (Claude Code's tools, the same
     * every turn: one shared array, never changed), the count made for it then.
     */
    private long toolTokens(JsonNode tools) {
        CountedTools last = lastCounted.get();
        if (last != null && last.tools() == tools) {
            return last.tokens();
        }
        long tokens = TOOL_PREAMBLE;
        for (JsonNode tool : tools) {
            tokens += TOOL_DEFINITION_OVERHEAD + tokens(utf8Length(tool.get("name"))
                    + utf8Length(tool.get("description")) + jsonLength(tool.get("input_schema")));
        }
        if (tools instanceof VerbatimArray array && array.remembered()) { // shared: keeping it keeps no body alive
            lastCounted.set(new CountedTools(tools, tokens));
        }
        return tokens;
    }

    private record CountedTools(JsonNode tools, long tokens) {
    }

    /** A content string or an array of blocks. */
    private static long content(JsonNode content) {
        if (content == null) {
            return 0;
        }
        if (content.isTextual()) {
            return tokens(utf8Length(content));
        }
        long tokens = 0;
        if (content.isArray()) {
            for (JsonNode block : content) {
                tokens += block(block);
            }
        }
        return tokens;
    }

    private static long block(JsonNode block) {
        return switch (block.path("type").asText()) {
            case "text" -> tokens(utf8Length(block.get("text")));
            case "thinking" -> tokens(utf8Length(block.get("thinking")));
            case "tool_use", "server_tool_use" ->
                    TOOL_BLOCK_OVERHEAD + tokens(utf8Length(block.get("name")) + jsonLength(block.get("input")));
            case "tool_result" -> TOOL_BLOCK_OVERHEAD + content(block.get("content"));
            case "image" -> ATTACHMENT_TOKENS;
            case "document" -> document(block);
            case "search_result" -> tokens(utf8Length(block.get("title")) + utf8Length(block.get("source")))
                    + content(block.get("content"));
            default -> 0;
        };
    }

    private static long document(JsonNode block) {
        JsonNode source = block.path("source");
        return switch (source.path("type").asText()) {
            case "text" -> tokens(utf8Length(block.get("title")) + utf8Length(source.get("data")));
            case "content" -> tokens(utf8Length(block.get("title"))) + content(source.get("content"));
            default -> ATTACHMENT_TOKENS;
        };
    }

    private static long tokens(long bytes) {
        return (bytes + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN;
    }

    /** UTF-8 length of a string node (known without encoding for a string read verbatim); 0 for anything else. */
    private static long utf8Length(JsonNode node) {
        if (node instanceof VerbatimText verbatim) {
            return verbatim.utf8Length();
        }
        return node != null && node.isTextual() ? utf8Length(node.textValue()) : 0;
    }

    /**
     * Measured by encoding: the JDK's intrinsified encoder copies ASCII in bulk, an order of magnitude faster than a
     * char loop on prompt-sized strings, and the short-lived array costs less than the loop's time.
     */
    static long utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Length of the node's compact JSON, escapes ignored; 0 for a missing node. */
    static long jsonLength(JsonNode node) {
        if (node == null) {
            return 0;
        }
        if (node.isTextual()) {
            return utf8Length(node) + 2;
        }
        if (node.isObject()) {
            long length = 2 + Math.max(node.size() - 1, 0);
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                length += utf8Length(field.getKey()) + 3 + jsonLength(field.getValue());
            }
            return length;
        }
        if (node.isArray()) {
            long length = 2 + Math.max(node.size() - 1, 0);
            for (JsonNode item : node) {
                length += jsonLength(item);
            }
            return length;
        }
        return node.asText().length();
    }
}
