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
import dev.ccrouter.translate.ModelCapabilities;
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
 *
 * <p>Each entry is a whole {@code ModelInfo} (the official SDKs' {@code validate()} requires {@code lifecycle}), and the
 * list pages by Anthropic's rules ({@link ModelsQuery}).
 */
final class ModelsHandler {
    private static final String CREATED_AT = "2025-01-01T00:00:00Z";

    private final ObjectMapper json;
    private final ErrorResponses errors;
    private final Router router;
    private final ClientAuth auth;
    private final List<Listed> models;
    private final List<String> ids;

    ModelsHandler(ObjectMapper json, ErrorResponses errors, GatewayConfig.ModelMapping mapping, Router router,
                  ClientAuth auth) {
        this.json = json;
        this.errors = errors;
        this.router = router;
        this.auth = auth;
        RouteSettings routes = router.routes();
        String main = routes.defaultRoute();
        String background = routes.background() != null ? routes.background() : main;
        List<Listed> list = new ArrayList<>();
        list.add(new Listed("claude-opus", "Opus via ccrouter → " + (main != null ? main : mapping.opus())));
        list.add(new Listed("claude-sonnet", "Sonnet via ccrouter → " + (main != null ? main : mapping.sonnet())));
        list.add(new Listed("claude-haiku",
                "Haiku via ccrouter → " + (background != null ? background : mapping.haiku())));
        if (main == null) {
            for (String upstream : new LinkedHashSet<>(List.of(mapping.opus(), mapping.sonnet(), mapping.haiku()))) {
                list.add(new Listed(upstream, upstream));
            }
        }
        routeTargets(routes).forEach((target, slots) ->
                list.add(new Listed(target, target + " (" + String.join(", ", slots) + ")")));
        this.models = List.copyOf(list);
        this.ids = models.stream().map(Listed::id).toList();
    }

    /** One model of the list: what a client writes as {@code model}, and what it is called in a picker. */
    private record Listed(String id, String displayName) {
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
        String secret = ClientCredentials.apiKey(req.headers());
        ModelsQuery.Page page;
        try {
            page = ModelsQuery.of(req, secret).page(ids, secret);
        } catch (ModelsQuery.Refused refused) {
            errors.send(res, AnthropicError.invalidRequest(refused.getMessage()), Ids.next("req_"));
            return;
        }
        ObjectNode body = json.createObjectNode();
        ArrayNode data = body.putArray("data");
        models.subList(page.from(), page.to()).forEach(model -> data.add(info(model)));
        body.put("has_more", page.hasMore());
        body.put("first_id", page.to() > page.from() ? ids.get(page.from()) : null);
        body.put("last_id", page.to() > page.from() ? ids.get(page.to() - 1) : null);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(json.writeValueAsBytes(body));
    }

    void one(ServerRequest req, ServerResponse res) throws IOException {
        if (refused(req, res)) {
            return;
        }
        String id = req.pathParameter("id");
        for (Listed model : models) {
            if (model.id().equals(id)) {
                res.header(HeaderNames.CONTENT_TYPE, "application/json");
                res.send(json.writeValueAsBytes(info(model)));
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

    /**
     * Anthropic's {@code ModelInfo} for one model of the list. Its limits are those of the target a request naming
     * it goes to now (the same decision a request makes, so an OpenRouter model's come from the catalog once it has
     * loaded); a limit nobody states is left out, as the field is optional. Every model is {@code active}: the
     * gateway lists only what its settings route to.
     */
    private ObjectNode info(Listed listed) {
        ModelCapabilities limits = router.decide(json.createObjectNode().put("model", listed.id()), 0)
                .first().target().capabilities();
        ObjectNode model = json.createObjectNode();
        model.put("type", "model");
        model.put("id", listed.id());
        model.put("display_name", listed.displayName());
        model.put("created_at", CREATED_AT);
        model.put("lifecycle", "active");
        if (limits.contextWindow() != null) {
            model.put("max_input_tokens", limits.contextWindow());
        }
        if (limits.maxOutputTokens() != null) {
            model.put("max_tokens", limits.maxOutputTokens());
        }
        return model;
    }
}
