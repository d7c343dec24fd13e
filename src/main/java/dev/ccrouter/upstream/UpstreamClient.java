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
    private final String httpReferer;
    private final String appTitle;

    public UpstreamClient(GatewayConfig config) {
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
     * One POST to a provider.
     *
     * @param url         the endpoint ({@code …/chat/completions}, or {@code …/messages} for Anthropic-wire providers)
     * @param authHeader  the header that carries the key ({@code Authorization} with a {@code Bearer } value, or
     *                    {@code x-api-key}); null to send none
     * @param authValue   its value
     * @param stream      whether the body asks for SSE
     * @param attribution the client's {@code HTTP-Referer} / {@code X-Title}, each null when it sent none
     * @param headers     further headers the protocol needs (Anthropic's {@code anthropic-version})
     */
    public record Call(URI url, String authHeader, String authValue, boolean stream, Attribution attribution,
                       java.util.Map<String, String> headers) {

        public Call(URI url, String authHeader, String authValue, boolean stream, Attribution attribution) {
            this(url, authHeader, authValue, stream, attribution, java.util.Map.of());
        }
    }

    /**
     * Posts a request body.
     *
     * @throws UpstreamException when the upstream cannot be reached or does not answer in time
     */
    public UpstreamResponse post(Call call, byte[] body) {
        try {
            return new UpstreamResponse(request(call).submit(body));
        } catch (UncheckedIOException | IllegalStateException first) {
            if (isTimeout(first)) {
                throw timeout(call, first);
            }
            try {
                return new UpstreamResponse(request(call).submit(body));
            } catch (RuntimeException second) {
                throw isTimeout(second) ? timeout(call, second) : unreachable(call, second);
            }
        }
    }

    private HttpClientRequest request(Call call) {
        Attribution attribution = call.attribution();
        HttpClientRequest request = client.join().method(Method.POST)
                .uri(call.url())
                .header(HeaderNames.CONTENT_TYPE, "application/json");
        if (call.authHeader() != null) {
            request.header(HeaderNames.create(call.authHeader()), call.authValue());
        }
        call.headers().forEach((name, value) -> request.header(HeaderNames.create(name), value));
        request
                .header(HeaderNames.ACCEPT, call.stream() ? "text/event-stream" : "application/json");
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

    private static UpstreamException unreachable(Call call, Throwable e) {
        return new UpstreamException(new AnthropicError(502, ErrorType.API,
                "Could not reach the upstream at " + describe(call.url()) + ": " + reason(e), null), e);
    }

    private static UpstreamException timeout(Call call, Throwable e) {
        return new UpstreamException(AnthropicError.of(ErrorType.TIMEOUT,
                "The upstream at " + describe(call.url()) + " did not answer in time."), e);
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

    /** The URL without any user-info or query, so credentials in it can never reach a message. */
    private static String describe(URI base) {
        return base.getScheme() + "://" + base.getHost() + (base.getPort() > 0 ? ":" + base.getPort() : "") + base.getPath();
    }
}
