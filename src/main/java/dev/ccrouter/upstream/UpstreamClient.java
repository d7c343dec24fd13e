package dev.ccrouter.upstream;

import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.config.GatewayConfig;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * HTTP to the OpenAI-compatible upstream: one pooled keep-alive client for the gateway's lifetime, TCP_NODELAY on
 * (small SSE frames would otherwise wait ~40 ms for Nagle), no redirects. A request that fails before any byte of a
 * response arrived is retried once: it is usually a pooled connection the upstream had already closed.
 */
public final class UpstreamClient {
    public static final HeaderName HTTP_REFERER = HeaderNames.create("HTTP-Referer");
    public static final HeaderName X_TITLE = HeaderNames.create("X-Title");

    private final CompletableFuture<WebClient> client;
    private final URI chatCompletions;
    private final String upstreamName;
    private final String httpReferer;
    private final String appTitle;

    public UpstreamClient(GatewayConfig config) {
        this.chatCompletions = URI.create(config.upstreamBaseUrl() + "/chat/completions");
        this.upstreamName = describe(config.upstreamBaseUrl());
        this.httpReferer = config.httpReferer();
        this.appTitle = config.appTitle();
        // Building the client loads the JDK's trust store for TLS, a third of a second at start-up: it is built on
        // its own thread while the server starts, and the first request waits for it only if it comes that early.
        this.client = CompletableFuture.supplyAsync(() -> WebClient.builder()
                .connectTimeout(config.connectTimeout())
                .readTimeout(config.readTimeout())
                .followRedirects(false)
                .shareConnectionCache(false)
                .socketOptions(SocketOptions.builder()
                        .tcpNoDelay(true)
                        .connectTimeout(config.connectTimeout())
                        .readTimeout(config.readTimeout())
                        .build())
                .build(), task -> Thread.ofPlatform().daemon().name("ccrouter-upstream-init").start(task));
    }

    /** OpenRouter's app attribution, from the client when it sent it, else from the configuration. */
    public record Attribution(String httpReferer, String title) {
        public static final Attribution NONE = new Attribution(null, null);
    }

    /**
     * Posts a chat completion request.
     *
     * @param apiKey      the client's key, sent as {@code Authorization: Bearer}
     * @param stream      whether the body asks for SSE
     * @param attribution the client's {@code HTTP-Referer} / {@code X-Title}, each null when it sent none
     * @throws UpstreamException when the upstream cannot be reached or does not answer in time
     */
    public UpstreamResponse chatCompletions(byte[] body, String apiKey, boolean stream, Attribution attribution) {
        try {
            return new UpstreamResponse(request(apiKey, stream, attribution).submit(body));
        } catch (UncheckedIOException | IllegalStateException first) {
            if (isTimeout(first)) {
                throw timeout(first);
            }
            try {
                return new UpstreamResponse(request(apiKey, stream, attribution).submit(body));
            } catch (RuntimeException second) {
                throw isTimeout(second) ? timeout(second) : unreachable(second);
            }
        }
    }

    private HttpClientRequest request(String apiKey, boolean stream, Attribution attribution) {
        HttpClientRequest request = client.join().method(Method.POST)
                .uri(chatCompletions)
                .header(HeaderNames.AUTHORIZATION, "Bearer " + apiKey)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(HeaderNames.ACCEPT, stream ? "text/event-stream" : "application/json");
        String referer = attribution.httpReferer() != null ? attribution.httpReferer() : httpReferer;
        String title = attribution.title() != null ? attribution.title() : appTitle;
        if (referer != null) {
            request.header(HTTP_REFERER, referer);
        }
        if (title != null) {
            request.header(X_TITLE, title);
        }
        return request;
    }

    private UpstreamException unreachable(Throwable e) {
        return new UpstreamException(new AnthropicError(502, ErrorType.API,
                "Could not reach the upstream at " + upstreamName + ": " + reason(e), null), e);
    }

    private UpstreamException timeout(Throwable e) {
        return new UpstreamException(AnthropicError.of(ErrorType.TIMEOUT,
                "The upstream at " + upstreamName + " did not answer in time."), e);
    }

    /** Whether a failure was the upstream going quiet for longer than the read timeout. */
    public static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof TimeoutException
                    || t instanceof InterruptedIOException && !(t instanceof java.nio.channels.ClosedByInterruptException)) {
                return true;
            }
        }
        return false;
    }

    /** A short cause for people, never a stack trace. */
    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host";
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName()
                : root instanceof IOException ? message : root.getClass().getSimpleName() + ": " + message;
    }

    /** The base URL without any user-info, so credentials in it can never reach a message. */
    private static String describe(URI base) {
        return base.getScheme() + "://" + base.getHost() + (base.getPort() > 0 ? ":" + base.getPort() : "") + base.getPath();
    }
}
