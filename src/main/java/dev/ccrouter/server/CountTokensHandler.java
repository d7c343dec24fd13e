package dev.ccrouter.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.http.Handler;
import dev.ccrouter.http.HeaderNames;
import dev.ccrouter.http.ServerRequest;
import dev.ccrouter.http.ServerResponse;
import dev.ccrouter.route.RouteDecision;
import dev.ccrouter.route.Router;
import dev.ccrouter.translate.InvalidRequestException;
import dev.ccrouter.translate.MessagesRequestShape;
import dev.ccrouter.translate.TokenEstimator;
import java.io.IOException;
import java.util.Collections;

/**
 * {@code POST /v1/messages/count_tokens}: a local estimate (see {@link TokenEstimator} for how it is made and how far
 * off it can be). OpenAI-compatible upstreams have no counting endpoint, and Claude Code only uses the number for
 * {@code /context}; answering locally costs nothing and needs no upstream call. The body is routed like a message
 * would be, and the response names the route and target in the same {@code X-CCRouter-Route} and
 * {@code X-CCRouter-Provider} headers, so a client can see which model the count is for. Under {@code auth.keys} it
 * needs a gateway key like every API endpoint.
 *
 * <p>A body Anthropic's count_tokens would refuse is refused, not estimated: a 400 {@code invalid_request_error} in the
 * words {@code /v1/messages} uses for the same fault ({@link MessagesRequestShape#checkCountTokens}, which checks it
 * without translating it).
 */
final class CountTokensHandler implements Handler {
    private final ObjectMapper json;
    private final RequestBodies bodies;
    private final ErrorResponses errors;
    private final TokenEstimator estimator = new TokenEstimator();
    private final ClientAuth auth;
    private final Router router;

    CountTokensHandler(ObjectMapper json, RequestBodies bodies, ErrorResponses errors, ClientAuth auth, Router router) {
        this.json = json;
        this.auth = auth;
        this.router = router;
        this.bodies = bodies;
        this.errors = errors;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) throws IOException {
        String requestId = Ids.next("req_");
        res.header(ErrorResponses.REQUEST_ID, requestId);
        try {
            auth.checkGatewayKey(req.headers());
        } catch (ClientAuth.Refused refused) {
            errors.send(res, refused.error, requestId);
            return;
        }
        RequestBodies.JsonBody body;
        try {
            body = bodies.readJsonObject(req, requestId);
        } catch (RequestBodies.TimedOut e) {
            res.abandon(); // answered 408 by the connection's watch
            return;
        } catch (RequestBodies.Rejected e) {
            errors.send(res, e.error, requestId);
            return;
        }
        try {
            count(body.tree(), res, requestId, ClientCredentials.apiKey(req.headers()));
        } finally {
            bodies.giveBack(body); // answered: nothing reads its tree any more
        }
    }

    /**
     * A body is refused as {@code /v1/messages} would refuse it on the same route: by the gateway's check where the
     * gateway translates, and not at all where the route's provider speaks Anthropic's protocol and takes the body as
     * it is (its own check decides there, and a block type new to the gateway is no fault of the client's).
     *
     * @param clientKey the key the request presented, or null: kept out of the provider header
     */
    private void count(JsonNode body, ServerResponse res, String requestId, String clientKey) throws IOException {
        InvalidRequestException refused = null;
        try {
            MessagesRequestShape.checkCountTokens(body);
        } catch (InvalidRequestException e) {
            refused = e;
        }
        long estimate = estimator.estimate(body);
        RouteDecision decision = router.decide(body, estimate);
        if (refused != null && !decision.first().provider().anthropicWire()) {
            errors.send(res, AnthropicError.invalidRequest(refused.getMessage()), requestId);
            return;
        }
        res.header(MessagesHandler.ROUTE, decision.route());
        res.header(MessagesHandler.PROVIDER, MessagesHandler.providerHeader(decision.first(),
                Collections.singletonList(clientKey)));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(json.writeValueAsBytes(json.createObjectNode().put("input_tokens", estimate)));
    }
}
