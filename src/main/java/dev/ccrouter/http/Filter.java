package dev.ccrouter.http;

/** Runs around every routed request; it calls {@link Chain#proceed()} to go on, or answers itself. */
@FunctionalInterface
public interface Filter {
    void filter(Chain chain, ServerRequest req, ServerResponse res) throws Exception;

    /** The rest of the filters, then the route's handler. */
    interface Chain {
        void proceed() throws Exception;
    }
}
