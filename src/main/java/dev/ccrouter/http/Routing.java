package dev.ccrouter.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which handler answers a request: the filters run first, in the order added, around the first route whose method and
 * path match. A GET route answers HEAD too (its head alone goes out). A path pattern is literal, or ends in one
 * parameter: {@code {name}} matches one segment, {@code {+name}} the rest of the path, slashes included; both are
 * matched against the percent-decoded path.
 */
public final class Routing {
    private final List<Filter> filters;
    private final List<Route> routes;
    private final Handler fallback;
    private final ErrorHandler errors;
    private final Rejections rejections;

    private Routing(Builder builder) {
        this.filters = List.copyOf(builder.filters);
        this.routes = List.copyOf(builder.routes);
        this.fallback = builder.fallback;
        this.errors = builder.errors;
        this.rejections = builder.rejections;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the filters and the matching handler. A handler that throws, or returns without having begun a response,
     * is answered by the error handler; one that throws after its head went out (its client left, its upstream broke)
     * leaves the body unfinished, and the connection closes.
     */
    void route(ServerRequest req, ServerResponse res) {
        try {
            new Chain(req, res).proceed();
            if (!res.begun()) {
                throw new IllegalStateException("the handler sent no response");
            }
        } catch (Exception failure) {
            fail(req, res, failure);
        }
    }

    /** Answers a request the server refused before routing; its connection closes after it. */
    void reject(int status, String message, ServerResponse res) {
        res.status(status);
        rejections.reject(status, message, res);
    }

    private void fail(ServerRequest req, ServerResponse res, Exception failure) {
        if (res.isSent()) {
            res.markBroken(); // the head went out and the body cannot be completed: only a close ends it
            return;
        }
        errors.handle(req, res, failure);
    }

    private Handler handlerFor(ServerRequest req) {
        String method = req.isHead() ? "GET" : req.method();
        for (Route route : routes) {
            Map<String, String> parameters = route.match(req.method(), method, req.path());
            if (parameters != null) {
                req.pathParameters(parameters);
                return route.handler();
            }
        }
        return fallback;
    }

    /** The filters still to run, then the handler. */
    private final class Chain implements Filter.Chain {
        private final ServerRequest req;
        private final ServerResponse res;
        private int next;

        Chain(ServerRequest req, ServerResponse res) {
            this.req = req;
            this.res = res;
        }

        @Override
        public void proceed() throws Exception {
            if (next < filters.size()) {
                filters.get(next++).filter(this, req, res);
            } else {
                handlerFor(req).handle(req, res);
            }
        }
    }

    /** One method and path pattern with its handler. */
    private record Route(String method, String prefix, String parameter, boolean rest, Handler handler) {
        static Route of(String method, String pattern, Handler handler) {
            int open = pattern.indexOf('{');
            if (open < 0) {
                return new Route(method, pattern, null, false, handler);
            }
            if (!pattern.endsWith("}") || open == 0 || pattern.charAt(open - 1) != '/') {
                throw new IllegalArgumentException("a parameter is a whole last segment: " + pattern);
            }
            boolean rest = pattern.charAt(open + 1) == '+';
            String name = pattern.substring(open + (rest ? 2 : 1), pattern.length() - 1);
            return new Route(method, pattern.substring(0, open), name, rest, handler);
        }

        /** The path's parameters when this route takes the request, else null. */
        Map<String, String> match(String sent, String asGet, String path) {
            if (!method.equals(sent) && !method.equals(asGet)) {
                return null;
            }
            if (parameter == null) {
                return path.equals(prefix) ? Map.of() : null;
            }
            if (!path.startsWith(prefix) || path.length() == prefix.length()) {
                return null;
            }
            String value = path.substring(prefix.length());
            return rest || value.indexOf('/') < 0 ? Map.of(parameter, value) : null;
        }
    }

    public static final class Builder {
        private final List<Filter> filters = new ArrayList<>();
        private final List<Route> routes = new ArrayList<>();
        private Handler fallback = (req, res) -> res.status(404).header(HeaderNames.CONTENT_TYPE, "text/plain")
                .send("Not found");
        private ErrorHandler errors = (req, res, failure) -> res.status(500)
                .header(HeaderNames.CONTENT_TYPE, "text/plain").send("Internal server error");
        private Rejections rejections = Rejections.PLAIN;

        private Builder() {
        }

        public Builder addFilter(Filter filter) {
            filters.add(filter);
            return this;
        }

        public Builder get(String path, Handler handler) {
            return route("GET", path, handler);
        }

        public Builder post(String path, Handler handler) {
            return route("POST", path, handler);
        }

        public Builder route(String method, String path, Handler handler) {
            routes.add(Route.of(method, path, handler));
            return this;
        }

        /** Answers what no route takes. */
        public Builder any(Handler handler) {
            this.fallback = handler;
            return this;
        }

        /** Answers a request whose handler failed. */
        public Builder error(ErrorHandler handler) {
            this.errors = handler;
            return this;
        }

        /** Answers a request refused before routing (malformed, too large). */
        public Builder rejections(Rejections rejections) {
            this.rejections = rejections;
            return this;
        }

        public Routing build() {
            return new Routing(this);
        }
    }
}
