package dev.ccrouter.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.api.anthropic.JsonBuffers;
import dev.ccrouter.api.anthropic.JsonProblems;
import dev.ccrouter.api.anthropic.VerbatimTrees;
import dev.ccrouter.http.BadRequest;
import dev.ccrouter.http.HeaderNames;
import dev.ccrouter.http.ServerRequest;
import dev.ccrouter.upstream.BodyArrays;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads a request body with a size limit, answering 413 {@code request_too_large} before reading what is too big, and
 * parses it as JSON within limits that keep the parser's cost bounded, answering 400 naming the limit otherwise.
 *
 * <p>The limits follow the body limit: a single string may be as long as the whole body (a base64 PDF or image of
 * nearly the body's size is legitimate), while nesting and number length are bounded far below anything a real
 * request uses (Claude Code's deepest JSON schemas nest a few dozen levels).
 */
final class RequestBodies {
    /** Deepest nesting of arrays and objects accepted; the translated body adds a few levels and stays under Jackson's write limit. */
    static final int MAX_NESTING_DEPTH = 256;
    /** Longest number literal accepted, in characters. */
    static final int MAX_NUMBER_LENGTH = 1000;
    /** Declared lengths up to this are read into one array allocated before the first byte arrives. */
    static final int MAX_PRESIZED_BYTES = 1 << 20;
    /** Former bodies' arrays, for the next bodies to be read into: one shelf for every gateway of the process. */
    private static final BodyArrays ARRAYS = BodyArrays.shelf();

    private final long maxBytes;
    private final VerbatimTrees json;
    private final ReadDeadlines deadlines;

    RequestBodies(long maxBytes) {
        this(maxBytes, ReadDeadlines.NONE);
    }

    RequestBodies(long maxBytes, ReadDeadlines deadlines) {
        this.maxBytes = maxBytes;
        this.deadlines = deadlines;
        int maxString = (int) Math.min(Integer.MAX_VALUE - 8, maxBytes);
        ObjectMapper mapper = new ObjectMapper(JsonBuffers.factory()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxStringLength(maxString)
                        .maxDocumentLength(maxBytes)
                        .build())
                .build());
        this.json = new VerbatimTrees(mapper.getFactory(), mapper.getNodeFactory());
    }

    /** A body the gateway will not accept, with the error to answer. */
    static class Rejected extends Exception {
        final AnthropicError error;

        Rejected(AnthropicError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }
    }

    /** Thrown for a body over the limit. */
    static final class TooLarge extends Rejected {
        TooLarge(AnthropicError error) {
            super(error);
        }
    }

    /**
     * Thrown for a body that did not arrive within the body timeout: its client has had the 408 already, from the
     * connection's watch, under the request's id; the handler records the request and answers nothing more.
     */
    static final class TimedOut extends Rejected {
        TimedOut() {
            super(ConnectionWatch.requestTimeout());
        }
    }

    /** A request body's bytes: the first {@code length} of {@code array}, which is longer when it was a kept one. */
    record Bytes(byte[] array, int length) {
        static final Bytes NONE = new Bytes(new byte[0], 0);
    }

    /**
     * A body read as a JSON object, and the array its strings keep their bytes in: give it back ({@link #giveBack})
     * once the request is over.
     */
    record JsonBody(JsonNode tree, byte[] array) {
    }

    /**
     * The body as a JSON object, or {@link Rejected} with a 413 (too large) or a 400 (empty, cut short, not JSON, over
     * a parser limit, not an object) whose message says which, or {@link TimedOut}.
     *
     * @param requestId the id the request is answered under, for the 408 of a body not received in time
     */
    JsonBody readJsonObject(ServerRequest req, String requestId) throws Rejected {
        Bytes raw = read(req, requestId);
        if (raw.length() == 0) {
            throw new Rejected(AnthropicError.invalidRequest("Request body is empty: expected a JSON object."));
        }
        JsonNode body;
        try {
            // its strings keep their bytes in raw's array, for the upstream body to copy
            body = json.read(raw.array(), raw.length());
        } catch (StreamConstraintsException e) {
            throw new Rejected(AnthropicError.invalidRequest("Request body exceeds a JSON limit: " + limitNamed(e)
                    + where(e.getLocation())));
        } catch (JsonProcessingException e) {
            throw new Rejected(AnthropicError.invalidRequest("Request body is not valid JSON: "
                    + JsonProblems.plain(e.getOriginalMessage()) + where(e.getLocation())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (body == null || !body.isObject()) {
            throw new Rejected(AnthropicError.invalidRequest("Request body must be a JSON object."));
        }
        return new JsonBody(body, raw.array());
    }

    /**
     * Keeps a body's array for a later body ({@link BodyArrays}). The request must be over: its answer sent and logged,
     * and nothing of its tree kept — the next body overwrites the bytes its strings point at.
     */
    void giveBack(JsonBody body) {
        ARRAYS.give(body.array());
    }

    /**
     * The whole body; {@link Rejected} when it is too large, or its chunked framing is malformed (then with the
     * server's status and reason, and its connection closes after the answer), or it ends before it is whole (the
     * client closed its side inside it); {@link TimedOut} when it did not arrive in time.
     */
    Bytes read(ServerRequest req, String requestId) throws Rejected {
        long declared = req.headers().first(HeaderNames.CONTENT_LENGTH).map(Long::parseLong).orElse(-1L);
        if (declared > maxBytes) {
            throw tooLarge();
        }
        if (!req.hasBody()) {
            return Bytes.NONE;
        }
        ReadDeadlines.Body deadline = deadlines.bodyStarted(requestId);
        try (deadline; InputStream in = req.body()) {
            if (declared >= 0 && declared <= MAX_PRESIZED_BYTES) {
                return readDeclared(in, ARRAYS.take((int) declared), (int) declared);
            }
            // Unknown or large: read in growing pieces, so that a declared length alone never allocates its array.
            int limit = declared >= 0 ? (int) declared : (int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1);
            byte[] body = in.readNBytes(limit);
            if (body.length > maxBytes) {
                throw tooLarge();
            }
            return new Bytes(body, body.length);
        } catch (BadRequest e) {
            throw new Rejected(new AnthropicError(e.status(), e.status() == 431 ? ErrorType.REQUEST_TOO_LARGE
                    : ErrorType.INVALID_REQUEST, e.getMessage(), null));
        } catch (IOException e) {
            if (deadline.expired()) { // the watchdog closed the socket under the read, after its 408
                throw new TimedOut();
            }
            // The client closed its side (or reset the connection) inside the body: what came is no request. A client
            // that only half-closed still reads this answer; one that left never will, and the exchange is recorded.
            throw new Rejected(AnthropicError.invalidRequest("The request body ended before it was complete ("
                    + (declared >= 0 ? declared + " bytes declared" : "chunked") + "): "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()) + "."));
        }
    }

    /**
     * A body of a declared length (the server delivers no more than it), read into {@code array} (that long or longer,
     * a kept one) from its start: {@code readNBytes(int)} would gather it in 16 KB pieces and copy them all into the
     * result once more (a 78 KB Claude Code body: six arrays and two copies instead of one of each).
     */
    static Bytes readDeclared(InputStream in, byte[] array, int declared) throws IOException {
        return new Bytes(array, in.readNBytes(array, 0, declared));
    }

    /**
     * Jackson's own wording names its builder method ("use StreamReadConstraints.maxNestingDepth"), which means nothing
     * to a client; say which limit in the request's terms instead.
     */
    private String limitNamed(StreamConstraintsException e) {
        String message = String.valueOf(e.getOriginalMessage());
        if (message.contains("Nesting depth") || message.contains("nesting depth")) {
            return "nesting deeper than " + MAX_NESTING_DEPTH + " levels";
        }
        if (message.contains("Number value length") || message.contains("number value length")) {
            return "a number longer than " + MAX_NUMBER_LENGTH + " characters";
        }
        if (message.contains("String value length") || message.contains("string value length")) {
            return "a string longer than " + Math.min(Integer.MAX_VALUE - 8, maxBytes) + " characters";
        }
        if (message.contains("Name length") || message.contains("name length")) {
            return "a property name longer than " + StreamReadConstraints.DEFAULT_MAX_NAME_LEN + " characters";
        }
        return "the document is larger than " + maxBytes + " bytes";
    }

    /** Constraint failures carry no location (hence the old null dereference); say where only when it is known. */
    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private TooLarge tooLarge() {
        return new TooLarge(AnthropicError.of(ErrorType.REQUEST_TOO_LARGE,
                "Request exceeds the maximum allowed number of bytes (" + maxBytes + ")."));
    }
}
