package dev.ccrouter.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.config.GatewayConfig;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v1/models} in Anthropic's list shape. It lists what the model mapping serves: the family aliases
 * ({@code claude-opus}, {@code claude-sonnet}, {@code claude-haiku}, named after where they lead) and the upstream ids
 * behind them. Claude Code's gateway discovery shows only ids starting with {@code claude} or {@code anthropic},
 * which is why the aliases exist even when the upstream models are not Anthropic's.
 */
final class ModelsHandler {
    private static final String CREATED_AT = "2025-01-01T00:00:00Z";

    private final ObjectMapper json;
    private final ErrorResponses errors;
    private final List<ObjectNode> models;

    ModelsHandler(ObjectMapper json, ErrorResponses errors, GatewayConfig.ModelMapping mapping) {
        this.json = json;
        this.errors = errors;
        List<ObjectNode> list = new ArrayList<>();
        list.add(model("claude-opus", "Opus via ccrouter → " + mapping.opus()));
        list.add(model("claude-sonnet", "Sonnet via ccrouter → " + mapping.sonnet()));
        list.add(model("claude-haiku", "Haiku via ccrouter → " + mapping.haiku()));
        for (String upstream : new java.util.LinkedHashSet<>(List.of(mapping.opus(), mapping.sonnet(), mapping.haiku()))) {
            list.add(model(upstream, upstream));
        }
        this.models = List.copyOf(list);
    }

    void list(ServerRequest req, ServerResponse res) throws IOException {
        ObjectNode page = json.createObjectNode();
        ArrayNode data = page.putArray("data");
        models.forEach(data::add);
        page.put("has_more", false);
        page.put("first_id", models.getFirst().get("id").asText());
        page.put("last_id", models.getLast().get("id").asText());
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(json.writeValueAsBytes(page));
    }

    void one(ServerRequest req, ServerResponse res) throws IOException {
        String id = req.path().pathParameters().get("id");
        for (ObjectNode model : models) {
            if (model.get("id").asText().equals(id)) {
                res.header(HeaderNames.CONTENT_TYPE, "application/json");
                res.send(json.writeValueAsBytes(model));
                return;
            }
        }
        errors.send(res, AnthropicError.of(ErrorType.NOT_FOUND, "model: " + id), Ids.next("req_"));
    }

    private ObjectNode model(String id, String displayName) {
        ObjectNode model = json.createObjectNode();
        model.put("type", "model");
        model.put("id", id);
        model.put("display_name", displayName);
        model.put("created_at", CREATED_AT);
        return model;
    }
}
