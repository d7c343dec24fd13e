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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Providers that speak Anthropic's own protocol (Anthropic, and the {@code /v1/messages} side doors of DeepSeek,
 * Kimi, Z.ai, Qwen and the local servers): the client's request goes up as it is, only {@code model} set to the
 * upstream's id, and the answer comes back as it is — a stream byte for byte, each event once it is whole (a key
 * in it goes redacted, whatever the event's framing: {@link UsageReader}), a whole body unchanged — but for the model it
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
            if (broken == null) {
                usage.finish(); // what the body ended inside is read as the rest was
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
            }
            if (exchange.bill != null) { // null too when the usage held a count that is none: billed as unreported
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
     * so it is a lower bound, and the bill says so. Null too when that usage holds a count that is none.
     */
    private static Bill cutOffBill(UsageReader usage, ModelPricing pricing) {
        Bill bill = usage.usage == null ? null : AnthropicUsage.account(usage.usage, pricing);
        return bill == null ? null
                : bill.withNote("the stream was cut off before its end: output tokens are those reported until then");
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
     * Reads the relayed bytes event by event for usage, without holding more than one event, and keeps the whole
     * events read until they are sent. An event's {@code data:} lines are read joined, as SSE clients join them; what
     * reaches the client is what came but for the model (in {@code message_start}) and the keys: none the request
     * touched, and nothing shaped like one, leaves in any line, however the upstream framed it — an error event or an
     * event of the provider's own type (its texts and member names), data that is not JSON, a comment or another
     * field.
     */
    private final class UsageReader {
        /** Types whose events carry the answer itself: relayed unread when the data names one first, plainly. */
        private static final List<String> ORDINARY_TYPES = List.of("\"content_block_delta\"",
                "\"content_block_start\"", "\"content_block_stop\"", "\"ping\"");
        /** Anthropic's event names: an {@code event:} line naming one holds nothing to search. */
        private static final Set<String> EVENT_NAMES = Set.of("message_start",
                "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop",
                "ping", "error");

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
        /**
         * The event begun: its data lines, the first one (the line, {@code data:} included: most events have one, and
         * most are read no further than its type), and all their data joined once a second one came.
         */
        private int dataLines;
        private String firstData;
        private StringBuilder joined;

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
            if (text.isEmpty()) { // the blank line that ends an event: it is read, and can go
                endEvent();
                pending.write(line.buf(), 0, line.size());
                pending.write('\n');
                line.reset();
                whole = pending.size();
                stopped = stopping;
                return;
            }
            keepLine(text);
            pending.write('\n');
            line.reset();
            if (pending.size() - whole > SseLineReader.DEFAULT_MAX_BYTES) { // lines that never end their event
                pending.keepFirst(whole); // the event begun is never sent: the stream ends here
                throw new SseLineReader.TooLong("event", SseLineReader.DEFAULT_MAX_BYTES);
            }
        }

        /**
         * Reads the line and the event the body ended inside (when it ended, not broke off), as the others are read:
         * they are sent as they came, but for what {@link #endEvent} changes.
         */
        void finish() {
            String text = line.toString(StandardCharsets.UTF_8).strip();
            if (!text.isEmpty()) {
                keepLine(text);
            } else {
                pending.write(line.buf(), 0, line.size());
            }
            line.reset();
            endEvent();
        }

        /** Keeps a line of the event begun: a data line as it came, to be read with the event; another one searched now. */
        private void keepLine(String text) {
            if (isData(text)) {
                if (dataLines++ == 0) {
                    firstData = text;
                } else {
                    if (joined == null) {
                        joined = new StringBuilder().append(firstData, dataStart(firstData), firstData.length());
                    }
                    joined.append('\n').append(text, dataStart(text), text.length());
                }
                pending.write(line.buf(), 0, line.size());
                return;
            }
            boolean named = text.startsWith("event:") && EVENT_NAMES.contains(text.substring(6).strip());
            String shown = named ? text : SecretRedaction.relayed(text, secrets);
            if (shown.equals(text)) {
                pending.write(line.buf(), 0, line.size());
            } else {
                pending.writeBytes(shown.getBytes(StandardCharsets.UTF_8));
            }
        }

        /** Reads the event begun, whole: its usage, its end, and what of it is written again. */
        private void endEvent() {
            if (dataLines == 0) {
                return;
            }
            String first = firstData;
            String text = joined != null ? joined.toString() : null;
            dataLines = 0;
            firstData = null;
            joined = null;
            if (text == null) {
                if (ordinary(first, dataStart(first))) {
                    return; // the usual event: a delta of the answer, relayed unread
                }
                text = first.substring(dataStart(first));
            }
            JsonNode event;
            try {
                event = json.readTree(text);
            } catch (IOException e) {
                event = null;
            }
            if (!(event instanceof ObjectNode)) { // not an event: its lines go as they came but for the keys in them
                rewriteEvent(null);
                return;
            }
            byte[] replaced = onEvent(event);
            if (replaced != null) {
                rewriteEvent(replaced);
            }
        }

        /**
         * Whether the data names, as its first member and written plainly, a type whose events carry the answer itself
         * (a text delta, a block's start or end, a ping): the one check most events get, instead of a parse.
         */
        private static boolean ordinary(String data, int from) {
            int i = skipSpace(data, from);
            if (!data.startsWith("{", i)) {
                return false;
            }
            i = skipSpace(data, i + 1);
            if (!data.startsWith("\"type\"", i)) {
                return false;
            }
            i = skipSpace(data, i + "\"type\"".length());
            if (!data.startsWith(":", i)) {
                return false;
            }
            i = skipSpace(data, i + 1);
            for (String type : ORDINARY_TYPES) {
                if (data.startsWith(type, i)) {
                    return true;
                }
            }
            return false;
        }

        /** A {@code data:} field's line, stripped as lines are here ({@code data} alone is one, with no data). */
        private static boolean isData(String text) {
            return text.startsWith("data:") || text.equals("data");
        }

        /** Where a data line's data begins: past {@code data:} (its space, if any, is JSON's to skip). */
        private static int dataStart(String text) {
            return Math.min(text.length(), "data:".length());
        }

        private static int skipSpace(String text, int from) {
            int i = from;
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t' || text.charAt(i) == '\n'
                    || text.charAt(i) == '\r')) {
                i++;
            }
            return i;
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

        /** Reads one whole event; returns the data line to send in place of its own (a model, a key), or null. */
        private byte[] onEvent(JsonNode event) {
            switch (event.path("type").asText()) {
                case "message_start" -> {
                    JsonNode message = event.path("message");
                    JsonNode start = message.path("usage");
                    if (start.isObject()) {
                        usage = ((ObjectNode) start).deepCopy();
                    }
                    if (namesAnotherModel(message, exchange.model)) {
                        ((ObjectNode) message).put("model", exchange.model); // the one event not relayed as it came
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
                case "message_stop" -> stopping = true;
                case "content_block_start", "content_block_delta", "content_block_stop", "ping" -> { }
                // the upstream's own event: error, relayed as it is but for a key it quotes; the access log names
                // its type when it is one of Anthropic's (a provider's own is recorded as api_error)
                case "error" -> {
                    exchange.streamError = ErrorType.knownWireName(event.path("error").path("type").textValue());
                    return withoutSecrets(event);
                }
                default -> { // an event of the provider's own: relayed as it is too, but for a key it quotes
                    return withoutSecrets(event);
                }
            }
            return null;
        }

        /**
         * The event's {@code data:} line with every text and member name in it that quotes a key redacted (its
         * message, and any field a provider adds beside it), or null when none does.
         */
        private byte[] withoutSecrets(JsonNode event) {
            return redactTexts(event) ? dataLine(event) : null;
        }

        /** Redacts, in place, every text value and member name under {@code node} that quotes a key; whether any did. */
        private boolean redactTexts(JsonNode node) {
            boolean redacted = false;
            if (node instanceof ObjectNode object) {
                Map<String, JsonNode> fields = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> field : object.properties()) {
                    String name = redact(field.getKey());
                    JsonNode value = field.getValue();
                    String text = value.isTextual() ? redact(value.textValue()) : null;
                    boolean inside = text == null && redactTexts(value);
                    redacted |= name != null || text != null || inside;
                    fields.put(name != null ? name : field.getKey(), text != null ? object.textNode(text) : value);
                }
                if (redacted) { // written again in the same order, a member's name replaced where it quoted a key
                    object.removeAll();
                    object.setAll(fields);
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

        /** The text with the request's keys and anything shaped like a key redacted, or null when it quotes none. */
        private String redact(String text) {
            String redacted = SecretRedaction.relayed(text, secrets);
            return redacted.equals(text) ? null : redacted;
        }

        /**
         * Writes the event begun again: its data lines as the one line given, in the first one's place, or, given
         * none (data that is no JSON object), each as it came but for the keys in it. Its other lines stay as kept.
         */
        private void rewriteEvent(byte[] dataLine) {
            byte[] event = Arrays.copyOfRange(pending.buf(), whole, pending.size());
            pending.keepFirst(whole);
            boolean placed = false;
            for (int start = 0; start < event.length; ) {
                int end = start;
                while (end < event.length && event[end] != '\n') {
                    end++;
                }
                boolean ended = end < event.length; // else the body's last line, which came without its end
                String text = new String(event, start, end - start, StandardCharsets.UTF_8).strip();
                if (!isData(text)) {
                    pending.write(event, start, end - start + (ended ? 1 : 0));
                } else if (dataLine != null) {
                    if (!placed) {
                        pending.writeBytes(dataLine);
                        if (ended) {
                            pending.write('\n');
                        }
                        placed = true;
                    }
                } else {
                    String shown = SecretRedaction.relayed(text, secrets);
                    if (shown.equals(text)) {
                        pending.write(event, start, end - start + (ended ? 1 : 0));
                    } else {
                        pending.writeBytes(shown.getBytes(StandardCharsets.UTF_8));
                        if (ended) {
                            pending.write('\n');
                        }
                    }
                }
                start = end + 1;
            }
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
