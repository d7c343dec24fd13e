package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A whole chat completion as the one stream chunk that would have carried all of it: the message becomes the delta,
 * and every tool call gets its index (whole messages leave it out, the stream machine keys calls by it).
 */
final class CompletionChunk {
    private CompletionChunk() {
    }

    static ObjectNode of(JsonNode completion) {
        ObjectNode chunk = completion.deepCopy();
        chunk.remove("choices");
        JsonNode choice = completion.path("choices").path(0);
        ObjectNode streamed = chunk.putArray("choices").addObject();
        streamed.put("index", 0);
        ObjectNode delta = choice.path("message").isObject() ? choice.get("message").deepCopy() : streamed.objectNode();
        JsonNode calls = delta.get("tool_calls");
        if (calls instanceof ArrayNode list) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof ObjectNode call) {
                    call.put("index", i);
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
