package dev.ccrouter.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.translate.TokenEstimator;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;

/**
 * {@code POST /v1/messages/count_tokens}: a local estimate (see {@link TokenEstimator} for how it is made and how far
 * off it can be). OpenAI-compatible upstreams have no counting endpoint, and Claude Code only uses the number for
 * {@code /context}; answering locally costs nothing and needs no upstream call.
 */
final class CountTokensHandler implements Handler {
    private final ObjectMapper json;
    private final RequestBodies bodies;
    private final ErrorResponses errors;
    private final TokenEstimator estimator = new TokenEstimator();

    CountTokensHandler(ObjectMapper json, RequestBodies bodies, ErrorResponses errors) {
        this.json = json;
        this.bodies = bodies;
        this.errors = errors;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) throws IOException {
        String requestId = Ids.next("req_");
        res.header(ErrorResponses.REQUEST_ID, requestId);
        JsonNode body;
        try {
            body = bodies.readJsonObject(req);
        } catch (RequestBodies.Rejected e) {
            errors.send(res, e.error, requestId);
            return;
        }
        if (!body.path("messages").isArray()) {
            errors.send(res, AnthropicError.invalidRequest("messages: Field required"), requestId);
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(json.writeValueAsBytes(json.createObjectNode().put("input_tokens", estimator.estimate(body))));
    }
}
