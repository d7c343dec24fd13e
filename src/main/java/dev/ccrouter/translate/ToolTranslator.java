package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code tools} and {@code tool_choice} as OpenAI functions. Client tool order is kept: tool definitions head the
 * cached prefix, so any reordering would cost a full cache miss.
 */
final class ToolTranslator {
    private final JsonNodeFactory nodes;
    private final ModelCapabilities caps;
    private final CacheMarkers markers;
    private final ToolNames toolNames;
    private final TranslatedTools translated;
    /** Client names of the tools actually forwarded, to check what {@code tool_choice} may force. */
    private final Set<String> forwarded = new HashSet<>();
    /** Client names of the tools marked {@code defer_loading}, loaded or not. */
    private final List<String> deferred = new ArrayList<>();

    /** What {@code tool_choice} becomes: the OpenAI {@code tool_choice} and {@code parallel_tool_calls}, each maybe null. */
    record Choice(JsonNode toolChoice, Boolean parallelToolCalls) {
        static final Choice NONE = new Choice(null, null);
    }

    ToolTranslator(JsonNodeFactory nodes, ModelCapabilities caps, CacheMarkers markers, ToolNames toolNames,
                   TranslatedTools translated) {
        this.nodes = nodes;
        this.translated = translated;
        this.caps = caps;
        this.markers = markers;
        this.toolNames = toolNames;
    }

    /**
     * The function tools, or null when none is forwarded. Server tools (a {@code type} other than {@code custom})
     * run on Anthropic's side and have no OpenAI equivalent: they are dropped. A tool marked {@code defer_loading}
     * goes only once the conversation has loaded it, as Anthropic shows it to the model ({@link LoadedTools}). Other
     * beta fields ({@code strict}, {@code eager_input_streaming}, {@code input_examples}) are dropped with the rest
     * of the unknown fields. The same bytes as an earlier request's, for the same capabilities and the same deferred
     * tools loaded, give that request's functions ({@link TranslatedTools}).
     */
    ArrayNode tools(JsonNode tools, LoadedTools loaded) {
        TranslatedTools.Remembered remembered = translated.recall(tools, caps, loaded);
        if (remembered != null) {
            for (String name : remembered.clientNames()) {
                toolNames.upstream(name); // a shortened name must still map back in the answer
                forwarded.add(name);
            }
            return remembered.tools();
        }
        ArrayNode functions = nodes.arrayNode(tools.size());
        for (JsonNode tool : tools) {
            ObjectNode function = tool(tool, loaded);
            if (function != null) {
                functions.add(function);
            }
        }
        return functions.isEmpty() ? null
                : translated.remember(tools, caps, functions, List.copyOf(forwarded), List.copyOf(deferred));
    }

    private ObjectNode tool(JsonNode tool, LoadedTools loaded) {
        String type = Fields.string(tool, "type");
        if (type != null && !type.equals("custom")) {
            return null;
        }
        String name = tool.get("name").textValue();
        JsonNode description = Fields.optional(tool, "description");
        JsonNode schema = tool.get("input_schema");
        if (Fields.flag(tool, "defer_loading")) {
            deferred.add(name);
            if (!loaded.loaded(name)) {
                return null;
            }
        }
        ObjectNode marker = markers.markerOf(tool);

        ObjectNode entry = nodes.objectNode().put("type", "function");
        ObjectNode function = entry.putObject("function").put("name", toolNames.upstream(name));
        if (description != null) {
            function.set("description", description);
        }
        function.set("parameters", JsonSchemas.sanitize(schema, caps.schemaKeywordsToStrip(), caps.nullableTypes(), nodes));
        if (marker != null) {
            entry.set("cache_control", marker);
        }
        forwarded.add(name);
        return entry;
    }

    /**
     * {@code auto}/{@code any}/{@code none} become {@code "auto"}/{@code "required"}/{@code "none"}, a named tool a
     * function choice. Without forwarded tools, or when the named tool was not forwarded (a dropped server tool),
     * nothing is sent: OpenAI rejects a choice that names no function of the request.
     */
    Choice toolChoice(JsonNode choice) {
        String type = choice.get("type").textValue();
        JsonNode upstream = switch (type) {
            case "auto" -> TextNode.valueOf("auto");
            case "any" -> TextNode.valueOf("required");
            case "none" -> TextNode.valueOf("none");
            default -> named(choice.get("name").textValue()); // "tool", the one type left
        };
        boolean serial = Fields.flag(choice, "disable_parallel_tool_use");
        if (upstream != null && !caps.forcedToolChoice() && !type.equals("none")) {
            upstream = TextNode.valueOf("auto"); // a forced choice this upstream refuses: the model still sees the tools
        }
        if (forwarded.isEmpty() || upstream == null) {
            return Choice.NONE;
        }
        return new Choice(upstream, serial ? Boolean.FALSE : null);
    }

    private ObjectNode named(String clientName) {
        if (!forwarded.contains(clientName)) {
            return null;
        }
        ObjectNode named = nodes.objectNode().put("type", "function");
        named.putObject("function").put("name", toolNames.upstream(clientName));
        return named;
    }
}
