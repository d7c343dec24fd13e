package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A whole chat completion as the one stream chunk that would have carried all of it: the message becomes the delta,
 * and every tool call gets its index (whole messages leave it out, the stream machine keys calls by it). The chunk
 * shares the completion's nodes, which the stream machine only reads; only the objects given an index are copies.
 */
final class CompletionChunk {
    private CompletionChunk() {
    }

    static ObjectNode of(JsonNode completion) {
        ObjectNode chunk = JsonNodeFactory.instance.objectNode();
        completion.properties().forEach(field -> {
            if (!field.getKey().equals("choices")) {
                chunk.set(field.getKey(), field.getValue());
            }
        });
        JsonNode choice = completion.path("choices").path(0);
        ObjectNode streamed = chunk.putArray("choices").addObject();
        streamed.put("index", 0);
        ObjectNode delta = streamed.objectNode();
        if (choice.path("message") instanceof ObjectNode message) {
            delta.setAll(message);
        }
        if (delta.get("tool_calls") instanceof ArrayNode calls) {
            ArrayNode indexed = delta.putArray("tool_calls");
            for (int i = 0; i < calls.size(); i++) {
                if (calls.get(i) instanceof ObjectNode call) {
                    ObjectNode copy = call.objectNode();
                    copy.setAll(call);
                    indexed.add(copy.put("index", i));
                } else {
                    indexed.add(calls.get(i));
                }
            }
        }
        streamed.set("delta", delta);
        for (String field : new String[] {"finish_reason", "native_finish_reason", "stop_reason", "error"}) {
            if (choice.has(field)) {
                streamed.set(field, choice.get(field));
            }
        }
        if (!streamed.path("finish_reason").isTextual()) {
            streamed.put("finish_reason", "stop"); // a whole body that ended properly is a complete answer
        }
        return chunk;
    }
}
