package dev.ccrouter.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.api.anthropic.SseFrames;
import dev.ccrouter.api.anthropic.StreamEvent;
import dev.ccrouter.api.openai.SseLineReader;
import dev.ccrouter.billing.AnthropicUsage;
import dev.ccrouter.billing.Bill;
import dev.ccrouter.billing.ModelPricing;
import dev.ccrouter.http.HeaderName;
import dev.ccrouter.http.HeaderNames;
import dev.ccrouter.http.RequestHeaders;
import dev.ccrouter.http.ServerResponse;
import dev.ccrouter.relay.StreamRelay;
import dev.ccrouter.translate.CarriedReasoning;
import dev.ccrouter.translate.SystemMessages;
import dev.ccrouter.upstream.UpstreamResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Providers that speak Anthropic's own protocol (Anthropic, and the {@code /v1/messages} side doors of DeepSeek,
 * Kimi, Z.ai, Qwen and the local servers): the client's request goes up as it is, only {@code model} set to the
 * upstream's id, and the answer comes back as it is — a stream byte for byte, each event once it is whole (an
 * {@code error} event that quotes a key goes with the key redacted), a whole body unchanged — but for the model it
 * names, which is the client's, as every answer of the gateway's is ({@code message_start}'s, the whole body's).
 * The gateway only reads the answer's usage on the side, for the bill: {@code message_start}'s usage updated by every
 * {@code message_delta}'s, or the body's {@code usage}. A stream's bill follows its last byte as an SSE comment,
 * which SDKs ignore; a whole answer's goes in the billing headers.
 */
final class AnthropicPassthrough {
    /** Headers an Anthropic endpoint reads that the client chose; the key headers are the provider's. */
    private static final HeaderName VERSION = HeaderNames.create("anthropic-version");
    private static final HeaderName BETA = HeaderNames.create("anthropic-beta");
    /** Anthropic requires a version header; this is the one every SDK sends. */
    private static final String DEFAULT_VERSION = "2023-06-01";
    private static final int MAX_BODY = 64 * 1024 * 1024;

    private final ObjectMapper json;
    /** Bounds every write to the client: one that reads nothing is cut off after the write-stall bound. */
    private final ClientDepartures departures;

    AnthropicPassthrough(ObjectMapper json, ClientDepartures departures) {
        this.json = json;
        this.departures = departures;
    }

    /**
     * The client's body with the upstream's model id. Thinking blocks whose signature the gateway wrote for another
     * provider's reasoning ({@link CarriedReasoning}), and thinking blocks without a signature (a provider's
     * reasoning that came unsigned, as DeepSeek's or Kimi's does), are left out: no Anthropic endpoint could verify
     * them ("Invalid signature in thinking block"), and they belong to a turn another provider answered.
     *
     * @param systemFirstOnly the server's chat templates take a system message first only
     *                        ({@link dev.ccrouter.translate.Dialect#systemFirstOnly()}): the system messages Claude
     *                        Code sends inside {@code messages} go as the user's context ({@link SystemMessages})
     */
    byte[] body(JsonNode request, String upstreamModel, boolean systemFirstOnly) {
        ObjectNode forwarded = ((ObjectNode) request).deepCopy();
        forwarded.put("model", upstreamModel);
        if (forwarded.path("messages") instanceof ArrayNode messages) {
            for (int m = messages.size() - 1; m >= 0; m--) {
                if (messages.get(m).path("content") instanceof ArrayNode content && !content.isEmpty()) {
                    for (int i = content.size() - 1; i >= 0; i--) {
                        if (CarriedReasoning.isCarrier(content.get(i)) || unsignedThinking(content.get(i))) {
                            content.remove(i);
                        }
                    }
                    if (content.isEmpty()) {
                        // a turn that held nothing else (Anthropic refuses empty content): its neighbours, of the
                        // other role, are taken as one turn, as Anthropic takes consecutive turns of a role
                        messages.remove(m);
                    }
                }
            }
        }
        if (systemFirstOnly) {
            SystemMessages.asUserContext(forwarded);
        }
        try {
            return json.writeValueAsBytes(forwarded);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree is always serializable", e);
        }
    }

    private static boolean unsignedThinking(JsonNode block) {
        return "thinking".equals(block.path("type").asText()) && block.path("signature").asText("").isEmpty();
    }

    /** The client's {@code anthropic-version} (or the SDKs' default) and {@code anthropic-beta}. */
    static Map<String, String> headers(RequestHeaders client) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(VERSION.text(), client.first(VERSION).orElse(DEFAULT_VERSION));
        client.first(BETA).ifPresent(beta -> headers.put(BETA.text(), beta));
        return headers;
    }

    /**
     * Sends a successful upstream answer to the client as it is and bills it into {@code exchange.bill} (left null
     * when the upstream reported no usage).
     *
     * @param comment the SSE comment line (without the leading colon) that carries a stream's bill
     * @param secrets the keys this request touched, kept out of an {@code error} event the upstream quotes them in
     */
    void relay(ServerResponse res, UpstreamResponse response, Exchange exchange, ModelPricing pricing,
               Function<Bill, String> comment, List<String> secrets) {
        exchange.status = 200;
        String type = response.header("content-type");
        if (type != null && type.toLowerCase().startsWith("text/event-stream")) {
            res.header(HeaderNames.CONTENT_TYPE, type);
            res.header(HeaderNames.CACHE_CONTROL, "no-cache");
            res.header(HeaderNames.create("X-Accel-Buffering"), "no");
            stream(res, response, exchange, pricing, comment, secrets);
            return;
        }
        byte[] body;
        try {
            body = response.readBody(MAX_BODY + 1); // a byte past the limit: an answer cut there is not passed on whole
        } catch (IOException | UncheckedIOException e) {
            throw new PassthroughFailure(new AnthropicError(502, ErrorType.API,
                    "The upstream's answer could not be read: " + e.getMessage(), null));
        }
        if (body.length > MAX_BODY) {
            throw new PassthroughFailure(new AnthropicError(502, ErrorType.API,
                    "The upstream's answer is longer than " + MAX_BODY + " bytes.", null));
        }
        JsonNode answer = treeOf(body);
        if (namesAnotherModel(answer, exchange.model)) {
            ((ObjectNode) answer).put("model", exchange.model);
            body = bytesOf(answer);
        }
        exchange.stopReason = answer.path("stop_reason").textValue();
        JsonNode usage = answer.path("usage").isObject() ? answer.path("usage") : null;
        Bill bill = usage == null ? null : AnthropicUsage.account(usage, pricing);
        exchange.bill = bill;
        if (bill != null) {
            BillingHeaders.add(res, bill);
        }
        res.header(HeaderNames.CONTENT_TYPE, type != null ? type : "application/json");
        if (!departures.sendWhole(res, body)) {
            exchange.clientGone = true;
            exchange.status = MessagesHandler.CLIENT_CLOSED_REQUEST;
        }
    }

    /**
     * Relays the stream event by event: what was read goes out after each read, through its last whole event (the
     * event begun waits for its end), so that an {@code error} event quoting a key can go out with the key replaced,
     * and an upstream that breaks off mid-event leaves the client whole events and then {@code event: error}.
     */
    private void stream(ServerResponse res, UpstreamResponse response, Exchange exchange, ModelPricing pricing,
                        Function<Bill, String> comment, List<String> secrets) {
        UsageReader usage = new UsageReader(exchange, secrets);
        byte[] buffer = new byte[8192];
        InputStream upstream = response.body();
        try (OutputStream client = res.outputStream()) {
            int read;
            AnthropicError broken = null;
            while (true) {
                try {
                    read = upstream.read(buffer);
                } catch (IOException | UncheckedIOException e) {
                    broken = StreamRelay.brokenOff(e);
                    exchange.streamError = broken.type().wireName();
                    break;
                }
                if (read <= 0) {
                    break;
                }
                try {
                    usage.feed(buffer, read);
                } catch (SseLineReader.TooLong e) {
                    broken = StreamRelay.brokenOff(e);
                    exchange.streamError = broken.type().wireName();
                    break;
                }
                try {
                    usage.sendEvents(client);
                    client.flush();
                } catch (IOException | UncheckedIOException e) {
                    // the client closed its connection (Esc in Claude Code): the prompt was charged all the same
                    exchange.clientGone = true;
                    response.close();
                    exchange.bill = usage.stopping && usage.usage != null ? AnthropicUsage.account(usage.usage, pricing)
                            : cutOffBill(usage, pricing); // whole when message_stop had come
                    return;
                }
                if (usage.stopped) { // the answer is whole: what follows (the body's end) is read aside
                    break;
                }
            }
            if (broken == null && !usage.stopping && exchange.streamError == null) {
                // the body ended before message_stop, and the upstream said nothing of why: a dropped connection
                broken = AnthropicError.of(ErrorType.API, "The upstream closed the stream before the response was complete.");
                exchange.streamError = broken.type().wireName();
            }
            if (broken == null) {
                usage.sendRest(client); // a last event or line without its end, relayed as it came
            } else {
                usage.sendEvents(client); // an event the upstream broke off inside is not sent: SDKs parse it whole
            }
            if (usage.usage != null) {
                exchange.bill = usage.stopping ? AnthropicUsage.account(usage.usage, pricing) : cutOffBill(usage, pricing);
                client.write((": " + comment.apply(exchange.bill) + "\n\n").getBytes(StandardCharsets.UTF_8));
            }
            if (broken != null) { // the one failure contract: a stream that broke ends with an error, never just stops
                SseFrames.Writer frames = new SseFrames.Writer(json.getFactory(), 256);
                frames.event(new StreamEvent.Error(broken));
                frames.sendTo(client);
            }
        } catch (IOException | UncheckedIOException e) {
            exchange.clientGone = true;
        }
        if (usage.stopped) {
            response.finishReadingAside();
        }
    }

    /**
     * The bill of a stream that ended before its {@code message_stop}, or null before its {@code message_start}. The
     * start's usage already holds the prompt's exact counts (input, cache reads and writes), which the provider
     * charges however the stream ends; the output is what the last {@code message_delta} reported, usually none yet,
     * so it is a lower bound, and the bill says so.
     */
    private static Bill cutOffBill(UsageReader usage, ModelPricing pricing) {
        if (usage.usage == null) {
            return null;
        }
        return AnthropicUsage.account(usage.usage, pricing)
                .withNote("the stream was cut off before its end: output tokens are those reported until then");
    }

    /**
     * Whether a message names a model other than the one the client asked for: an upstream answers with its own id
     * ({@code claude-sonnet-4-5-20250929} for {@code claude,claude-sonnet-4-5}, Kimi's bare name for a routed one),
     * and Claude Code sends back only the thinking of earlier answers whose model is the one it now asks for. Left
     * as it came, every turn would lose the reasoning before it, which DeepSeek's and Kimi's tool loops need back.
     */
    private static boolean namesAnotherModel(JsonNode message, String requestedModel) {
        JsonNode model = message.path("model");
        return message.isObject() && model.isTextual() && !requestedModel.isEmpty()
                && !model.textValue().equals(requestedModel);
    }

    private byte[] bytesOf(JsonNode tree) {
        try {
            return json.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree is always serializable", e);
        }
    }

    /** The whole answer's JSON; a missing node when it is not JSON (relayed as it is, billed as unreported). */
    private JsonNode treeOf(byte[] body) {
        try {
            JsonNode tree = json.readTree(body);
            return tree != null ? tree : json.missingNode();
        } catch (IOException e) {
            return json.missingNode(); // not JSON: relayed as it is, billed as unreported
        }
    }

    /**
     * Reads the {@code data:} lines of the relayed bytes for usage, without holding more than one event, and keeps
     * the whole events read until they are sent.
     */
    private final class UsageReader {
        private final HeldBytes line = new HeldBytes();
        /** Whole lines read and not sent yet: whole events ({@link #whole} bytes), then the lines of the event begun. */
        private final HeldBytes pending = new HeldBytes();
        private int whole;
        private final Exchange exchange;
        private final List<String> secrets;
        private ObjectNode usage;
        /** {@code message_stop} came; the blank line that ends its event has not yet. */
        private boolean stopping;
        /** {@code message_stop}'s event is whole: the answer is. */
        private boolean stopped;

        UsageReader(Exchange exchange, List<String> secrets) {
            this.exchange = exchange;
            this.secrets = secrets;
        }

        /**
         * @throws SseLineReader.TooLong at a line or an event longer than the translated streams allow: an upstream
         *                               that never sends a newline (or a blank line) would otherwise grow the line (or
         *                               the event) until the heap is gone
         */
        void feed(byte[] bytes, int length) throws SseLineReader.TooLong {
            int start = 0; // copied a line's run at a time: a locked write per byte cost a stream a CAS a byte
            for (int i = 0; i < length; i++) {
                if (bytes[i] == '\n') {
                    extendLine(bytes, start, i - start);
                    endLine();
                    start = i + 1;
                }
            }
            extendLine(bytes, start, length - start);
        }

        private void extendLine(byte[] bytes, int from, int count) throws SseLineReader.TooLong {
            if (line.size() + count > SseLineReader.DEFAULT_MAX_BYTES) {
                line.reset(); // never sent: the stream ends here
                throw new SseLineReader.TooLong("line", SseLineReader.DEFAULT_MAX_BYTES);
            }
            line.write(bytes, from, count);
        }

        private void endLine() throws SseLineReader.TooLong {
            String text = line.toString(StandardCharsets.UTF_8).strip();
            byte[] replaced = onLine(text);
            if (replaced != null) {
                pending.writeBytes(replaced);
            } else {
                pending.write(line.buf(), 0, line.size());
            }
            pending.write('\n');
            line.reset();
            if (text.isEmpty()) { // the blank line that ends an event: it can go
                whole = pending.size();
            } else if (pending.size() - whole > SseLineReader.DEFAULT_MAX_BYTES) { // lines that never end their event
                pending.keepFirst(whole); // the event begun is never sent: the stream ends here
                throw new SseLineReader.TooLong("event", SseLineReader.DEFAULT_MAX_BYTES);
            }
        }

        /** Sends the whole events read so far. */
        void sendEvents(OutputStream client) throws IOException {
            if (whole > 0) {
                client.write(pending.buf(), 0, whole);
                pending.dropFirst(whole);
                whole = 0;
            }
        }

        /** Sends what is left once the stream ends: whole events not sent yet, an event and a line without their end. */
        void sendRest(OutputStream client) throws IOException {
            pending.writeTo(client);
            pending.reset();
            whole = 0;
            line.writeTo(client);
            line.reset();
        }

        /** Reads one whole line; returns what to send in its place (an error quoting a key), or null to send it as is. */
        private byte[] onLine(String text) {
            if (stopping && text.isEmpty()) {
                stopped = true;
                return null;
            }
            if (!text.startsWith("data:") || !text.contains("\"message_start\"") && !text.contains("\"message_delta\"")
                    && !text.contains("\"error\"") && !text.contains("\"message_stop\"")) {
                return null;
            }
            JsonNode event;
            try {
                event = json.readTree(text.substring("data:".length()));
            } catch (IOException e) {
                return null;
            }
            if (event == null) {
                return null;
            }
            switch (event.path("type").asText()) {
                case "message_start" -> {
                    JsonNode message = event.path("message");
                    JsonNode start = message.path("usage");
                    if (start.isObject()) {
                        usage = ((ObjectNode) start).deepCopy();
                    }
                    if (namesAnotherModel(message, exchange.model)) {
                        ((ObjectNode) message).put("model", exchange.model); // the one line not relayed as it came
                        return dataLine(event);
                    }
                }
                case "message_delta" -> {
                    String stopReason = event.path("delta").path("stop_reason").textValue();
                    if (stopReason != null) {
                        exchange.stopReason = stopReason;
                    }
                    JsonNode delta = event.path("usage");
                    if (delta.isObject()) {
                        // message_delta's counts are cumulative: each one present replaces the start's
                        if (usage == null) {
                            usage = json.createObjectNode();
                        }
                        delta.properties().forEach(field -> {
                            if (!field.getValue().isNull()) {
                                usage.set(field.getKey(), field.getValue());
                            }
                        });
                    }
                }
                // the upstream's own event: error, relayed as it is but for a key it quotes; the access log names
                // its type when it is one of Anthropic's (a provider's own is recorded as api_error)
                case "error" -> {
                    exchange.streamError = ErrorType.knownWireName(event.path("error").path("type").textValue());
                    return withoutSecrets(event);
                }
                case "message_stop" -> stopping = true;
                default -> { }
            }
            return null;
        }

        /**
         * The error event's {@code data:} line with every text in it that quotes a key redacted (its message, and any
         * field a provider adds beside it), or null when none does.
         */
        private byte[] withoutSecrets(JsonNode event) {
            return redactTexts(event) ? dataLine(event) : null;
        }

        /** Redacts, in place, every text value under {@code node} that quotes a key; whether any did. */
        private boolean redactTexts(JsonNode node) {
            boolean redacted = false;
            if (node instanceof ObjectNode object) {
                for (Map.Entry<String, JsonNode> field : List.copyOf(object.properties())) {
                    String name = field.getKey();
                    JsonNode value = field.getValue();
                    String text = value.isTextual() ? redact(value.textValue()) : null;
                    if (text != null) {
                        object.put(name, text);
                        redacted = true;
                    } else {
                        redacted |= redactTexts(value);
                    }
                }
            } else if (node instanceof ArrayNode array) {
                for (int i = 0; i < array.size(); i++) {
                    String text = array.get(i).isTextual() ? redact(array.get(i).textValue()) : null;
                    if (text != null) {
                        array.set(i, array.textNode(text));
                        redacted = true;
                    } else {
                        redacted |= redactTexts(array.get(i));
                    }
                }
            }
            return redacted;
        }

        /** The text with the request's keys redacted, or null when it quotes none. */
        private String redact(String text) {
            String redacted = text;
            for (String secret : secrets) {
                redacted = SecretRedaction.redact(redacted, secret);
            }
            return redacted.equals(text) ? null : redacted;
        }

        private byte[] dataLine(JsonNode event) {
            try {
                return ("data: " + json.writeValueAsString(event)).getBytes(StandardCharsets.UTF_8);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a JSON tree is always serializable", e);
            }
        }
    }

    /** Bytes lent to what reads or sends them without a copy of their own. */
    private static final class HeldBytes extends ByteArrayOutputStream {
        byte[] buf() {
            return buf;
        }

        /** Keeps the first {@code length} bytes. */
        void keepFirst(int length) {
            count = length;
        }

        /** Drops the first {@code length} bytes (sent), moving the rest (the event begun, usually short) up. */
        void dropFirst(int length) {
            System.arraycopy(buf, length, buf, 0, count - length);
            count -= length;
        }
    }

    /** An answer that could not be relayed before anything reached the client. */
    static final class PassthroughFailure extends RuntimeException {
        final AnthropicError error;

        PassthroughFailure(AnthropicError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }
    }
}
