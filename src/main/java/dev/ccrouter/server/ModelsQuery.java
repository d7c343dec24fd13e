package dev.ccrouter.server;

import dev.ccrouter.http.ServerRequest;
import java.util.List;
import java.util.Set;

/**
 * The query of {@code GET /v1/models}, as Anthropic's list takes it: {@code limit} (1–1,000, 20 when absent), one of
 * the cursors {@code after_id} and {@code before_id}, and the {@code lifecycle[]} stages to list (the SDKs send each
 * as its own {@code lifecycle[]=…}). Every model the gateway lists is {@code active}, so a filter either keeps the
 * whole list or empties it.
 *
 * @param limit     how many models a page holds
 * @param afterId   the page begins after this id (null: at the start)
 * @param beforeId  the page ends before this id (null: not this direction)
 * @param activeToo whether the stages asked for include {@code active}
 */
record ModelsQuery(int limit, String afterId, String beforeId, boolean activeToo) {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 1000;
    private static final Set<String> STAGES = Set.of("active", "deprecated", "retired");

    /**
     * The request's query.
     *
     * @param secret the client's key: a value echoed in a refusal is shown without it
     * @throws Refused naming the parameter at fault, for a 400
     */
    static ModelsQuery of(ServerRequest req, String secret) {
        String afterId = req.query("after_id").orElse(null);
        String beforeId = req.query("before_id").orElse(null);
        if (afterId != null && beforeId != null) {
            throw new Refused("after_id and before_id cannot both be given: a page goes one way from one cursor");
        }
        return new ModelsQuery(limit(req.query("limit").orElse(null), secret), afterId, beforeId,
                activeAskedFor(secret, req.queryAll("lifecycle[]"), req.queryAll("lifecycle")));
    }

    /**
     * The part of {@code ids} this query's page holds.
     *
     * @throws Refused when a cursor names no model of the list
     */
    Page page(List<String> ids, String secret) {
        if (!activeToo) {
            return new Page(0, 0, false);
        }
        if (beforeId != null) {
            int end = position("before_id", beforeId, ids, secret);
            int from = Math.max(0, end - limit);
            return new Page(from, end, from > 0); // has_more looks the way the page went: earlier
        }
        int from = afterId == null ? 0 : position("after_id", afterId, ids, secret) + 1;
        int to = Math.min(ids.size(), from + limit);
        return new Page(from, to, to < ids.size());
    }

    /**
     * Where one page lies in the whole list.
     *
     * @param from    the first model's index
     * @param to      the index after the last
     * @param hasMore whether more models lie beyond it, in the direction the page was asked for
     */
    record Page(int from, int to, boolean hasMore) {
    }

    /** Why a query is refused, in words for the client. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private static int position(String parameter, String id, List<String> ids, String secret) {
        int at = ids.indexOf(id);
        if (at < 0) {
            throw new Refused(parameter + ": no model '" + SecretRedaction.path(id, secret) + "' in this gateway's list");
        }
        return at;
    }

    private static int limit(String value, String secret) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value.strip());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // told below, as a number out of range is
        }
        throw new Refused("limit: must be a whole number from 1 to " + MAX_LIMIT + ", got '"
                + SecretRedaction.path(value, secret) + "'");
    }

    private static boolean activeAskedFor(String secret, List<String> bracketed, List<String> plain) {
        if (bracketed.isEmpty() && plain.isEmpty()) {
            return true; // no filter: active and deprecated models, as Anthropic lists by default
        }
        boolean active = false;
        for (List<String> values : List.of(bracketed, plain)) {
            for (String value : values) {
                for (String stage : value.split(",")) {
                    if (!STAGES.contains(stage.strip())) {
                        throw new Refused("lifecycle: '" + SecretRedaction.path(stage.strip(), secret)
                                + "' is not one of active, deprecated, retired");
                    }
                    active |= stage.strip().equals("active");
                }
            }
        }
        return active;
    }
}
