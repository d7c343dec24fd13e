package dev.ccrouter.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.RouteSettings;
import dev.ccrouter.http.HeaderNames;
import dev.ccrouter.http.ServerRequest;
import dev.ccrouter.http.ServerResponse;
import dev.ccrouter.route.Router;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * {@code GET /v1/models} in Anthropic's list shape: what a client can ask for by name.
 *
 * <p>First the family aliases {@code claude-opus}, {@code claude-sonnet} and {@code claude-haiku}, each named after
 * where a request for that family goes now (the default or background route when configured, else the model
 * mapping). Claude Code's gateway discovery ({@code CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY=1}) shows only ids
 * starting with {@code claude} or {@code anthropic} in its {@code /model} picker, which is why the aliases exist even
 * when the upstream models are not Anthropic's. Then every model the configuration names: the mapping's upstream ids
 * when no default route is set, and each route target and fallback as {@code provider,model} — what a user types
 * after {@code /model} to pick one explicitly.
 */
final class ModelsHandler {
    private static final String CREATED_AT = "2025-01-01T00:00:00Z";

    private final ObjectMapper json;
    private final ErrorResponses errors;
    private final ClientAuth auth;
    private final List<ObjectNode> models;

    ModelsHandler(ObjectMapper json, ErrorResponses errors, GatewayConfig.ModelMapping mapping, Router router,
                  ClientAuth auth) {
        this.json = json;
        this.errors = errors;
        this.auth = auth;
        RouteSettings routes = router.routes();
        String main = routes.defaultRoute();
        String background = routes.background() != null ? routes.background() : main;
        List<ObjectNode> list = new ArrayList<>();
        list.add(model("claude-opus", "Opus via ccrouter → " + (main != null ? main : mapping.opus())));
        list.add(model("claude-sonnet", "Sonnet via ccrouter → " + (main != null ? main : mapping.sonnet())));
        list.add(model("claude-haiku", "Haiku via ccrouter → " + (background != null ? background : mapping.haiku())));
        if (main == null) {
            for (String upstream : new LinkedHashSet<>(List.of(mapping.opus(), mapping.sonnet(), mapping.haiku()))) {
                list.add(model(upstream, upstream));
            }
        }
        routeTargets(routes).forEach((target, slots) ->
                list.add(model(target, target + " (" + String.join(", ", slots) + ")")));
        this.models = List.copyOf(list);
    }

    /** Each configured {@code provider,model} with the routes that lead to it, in the order of the settings. */
    private static Map<String, Set<String>> routeTargets(RouteSettings routes) {
        Map<String, Set<String>> targets = new LinkedHashMap<>();
        BiConsumer<String, String> add = (slot, target) -> {
            if (target != null) {
                targets.computeIfAbsent(target, t -> new LinkedHashSet<>()).add(slot);
            }
        };
        routes.slots().forEach(add);
        routes.fallbacks().forEach((primary, fallbacks) ->
                fallbacks.forEach(fallback -> add.accept("fallback of " + primary, fallback)));
        return targets;
    }

    void list(ServerRequest req, ServerResponse res) throws IOException {
        if (refused(req, res)) {
            return;
        }
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
        if (refused(req, res)) {
            return;
        }
        String id = req.pathParameter("id");
        for (ObjectNode model : models) {
            if (model.get("id").asText().equals(id)) {
                res.header(HeaderNames.CONTENT_TYPE, "application/json");
                res.send(json.writeValueAsBytes(model));
                return;
            }
        }
        errors.send(res, AnthropicError.of(ErrorType.NOT_FOUND,
                "model: " + SecretRedaction.path(id, ClientCredentials.apiKey(req.headers()))), Ids.next("req_"));
    }

    private boolean refused(ServerRequest req, ServerResponse res) {
        try {
            auth.checkGatewayKey(req.headers());
            return false;
        } catch (ClientAuth.Refused refused) {
            errors.send(res, refused.error, Ids.next("req_"));
            return true;
        }
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
