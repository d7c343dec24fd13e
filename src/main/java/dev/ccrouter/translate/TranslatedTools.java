package dev.ccrouter.translate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ccrouter.api.anthropic.VerbatimArray;
import dev.ccrouter.api.anthropic.WrittenArray;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last few translated tools, each remembered under the model capabilities it was made for and the exact bytes of
 * the client's {@code tools} array. Claude Code sends the same two dozen tools (some 35 KB of descriptions and schemas)
 * every turn: the same bytes translate to the same functions, so they are translated, sanitized and written once,
 * and every later request copies the written bytes.
 *
 * <p>What the translation depends on besides the bytes is the model's {@link ModelCapabilities} (keywords to strip,
 * nullable types, the tool-name limit, cache markers), the key, and which deferred tools the conversation has loaded,
 * checked on recall. Only translations without a cache marker on any tool are remembered, because
 * {@link CacheMarkers#settle} removes the earliest markers of a request, tools' included; a
 * remembered array is shared by every request that recalls it and must never change. A {@link WrittenArray} holds
 * nothing of the request it was made from (its tree is read back from its own bytes). {@value #ENTRIES} are kept, for
 * the tools of a session's main agent and of its subagents, which take turns, on a model or two. Thread-safe.
 */
final class TranslatedTools {
    static final int ENTRIES = 8;
    /** Longer tools are translated every time rather than kept. */
    static final int MAX_REMEMBERED_BYTES = 1 << 20;

    /** The last {@value #ENTRIES} translations, the newest written over the oldest. */
    private final AtomicReferenceArray<Remembered> recent = new AtomicReferenceArray<>(ENTRIES);
    private final AtomicInteger nextSlot = new AtomicInteger();
    private final JsonFactory factory;
    private final JsonNodeFactory nodes;

    /**
     * @param caps           the capabilities translated for
     * @param clientSpelling the bytes of the client's {@code tools}
     * @param tools          the upstream's functions, shared
     * @param clientNames    the client names of the tools forwarded, for {@code tool_choice} and the name map
     * @param deferred       the client names of the tools marked {@code defer_loading}, forwarded or not
     */
    record Remembered(ModelCapabilities caps, byte[] clientSpelling, WrittenArray tools, List<String> clientNames,
                      List<String> deferred) {

        /** Whether the conversation has loaded exactly the deferred tools this translation forwarded. */
        boolean loadsAsIn(LoadedTools loaded) {
            for (String name : deferred) {
                if (loaded.loaded(name) != clientNames.contains(name)) {
                    return false;
                }
            }
            return true;
        }
    }

    TranslatedTools(JsonFactory factory, JsonNodeFactory nodes) {
        this.factory = factory;
        this.nodes = nodes;
    }

    /**
     * What {@code clientTools} translated to for {@code caps}, when the same bytes were translated before with the
     * same deferred tools loaded; else null.
     */
    Remembered recall(JsonNode clientTools, ModelCapabilities caps, LoadedTools loaded) {
        if (!(clientTools instanceof VerbatimArray spelled)) {
            return null;
        }
        for (int i = 0; i < ENTRIES; i++) {
            Remembered remembered = recent.get(i);
            if (remembered != null && remembered.caps().equals(caps) && spelled.spelledAs(remembered.clientSpelling())
                    && remembered.loadsAsIn(loaded)) {
                return remembered;
            }
        }
        return null;
    }

    /**
     * Remembers a fresh translation when it may be shared, and returns the functions to send: the remembered array
     * (written once), or {@code functions} themselves when they are not remembered.
     */
    ArrayNode remember(JsonNode clientTools, ModelCapabilities caps, ArrayNode functions, List<String> clientNames,
                       List<String> deferred) {
        if (!(clientTools instanceof VerbatimArray spelled) || spelled.spelledLength() > MAX_REMEMBERED_BYTES
                || carriesMarker(functions)) {
            return functions;
        }
        WrittenArray written = WrittenArray.of(functions, factory, nodes);
        int slot = Math.floorMod(nextSlot.getAndIncrement(), ENTRIES);
        recent.set(slot, new Remembered(caps, spelled.spelling(), written, List.copyOf(clientNames),
                List.copyOf(deferred)));
        return written;
    }

    private static boolean carriesMarker(ArrayNode functions) {
        for (JsonNode function : functions) {
            if (function.has("cache_control")) {
                return true;
            }
        }
        return false;
    }
}
