package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ContentBlock;
import dev.ccrouter.api.anthropic.ContentDelta;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.api.anthropic.EventSink;
import dev.ccrouter.api.anthropic.StreamEvent;
import dev.ccrouter.api.anthropic.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The stream state machine: OpenAI chat chunks in, Anthropic stream events out, one upstream response at a time.
 *
 * <p>Guarantees, whatever the upstream sends: {@code message_start} first; content blocks with dense indexes from 0,
 * never interleaved, each started, delta'd and stopped; a thinking block's {@code signature_delta} before its stop,
 * even when the upstream's signature arrives after the answer text or a tool call began (text is held back until the
 * signature, a redacted block or the end of the answer); tool calls kept apart per upstream index (a new id at a
 * reused index is a new call); text that ends at the first of the client's stop sequences, even when the upstream
 * wrote on past it ({@link StopSequences}); then exactly one {@code message_delta} with the final cumulative usage
 * and {@code message_stop} — or, when the upstream fails or drops, {@code event: error} and nothing after it. Never a
 * fake {@code end_turn}.
 *
 * <p>Tool arguments are collected whole and each {@code tool_use} block is emitted when the upstream finishes,
 * because only then can broken JSON be repaired before the client's SDK parses it, and because parallel calls may
 * interleave their fragments. Tool calls only run after the message ends, so nothing waits longer for it.
 *
 * <p>Not thread-safe: one reader feeds it; the sink serializes writes.
 */
public final class ChatStreamTranslator {
    private static final String ANTHROPIC_REASONING_FORMAT = "anthropic-claude-v1";
    private static final String REDACTED_PLACEHOLDER = "[REDACTED]";
    /**
     * Finish reasons that say the provider broke off: DeepSeek's {@code insufficient_system_resource} (its inference
     * capacity ran out), Z.ai's {@code network_error}, vLLM's and SGLang's {@code abort} (the engine dropped the
     * request: shut down, scaled down, aborted by its operator).
     */
    private static final java.util.Set<String> INTERRUPTIONS = java.util.Set.of("insufficient_system_resource",
            "network_error", "abort");

    private enum OpenBlock { NONE, THINKING, TEXT }

    private final ObjectMapper json;
    private final ResponseContext context;
    private final EventSink sink;
    private final ToolArguments toolArguments;
    private final UpstreamErrors errors;
    private final WebSearchResults webSearchResults = new WebSearchResults();
    /** The client's stop sequences, held to in the text; null without any. */
    private final StopSequences stops;

    private int nextIndex;
    private OpenBlock open = OpenBlock.NONE;
    private int openIndex = -1;
    private String signature;
    private boolean signatureExpected;
    private final StringBuilder heldText = new StringBuilder();
    /** Whitespace that came where a text block would open: it opens none until text follows ({@link #appendText}). */
    private final StringBuilder blankText = new StringBuilder();
    /** Reasoning a server without a reasoning parser writes into the content, between think tags. */
    private final ThinkTags thinkTags;
    /** Reasoning details of another format than Anthropic's, for the open thinking block's carrier signature. */
    private final List<ObjectNode> carried = new ArrayList<>();
    /**
     * Reasoning details of another format that arrived while answer text was open, for a {@code redacted_thinking}
     * block each once that text block ends: the answer stays one text block, as Anthropic's would.
     */
    private final List<ObjectNode> afterText = new ArrayList<>();
    private final List<ToolCall> toolCalls = new ArrayList<>();
    private final Map<Integer, ToolCall> toolCallsByIndex = new HashMap<>();
    /** The upstream index of the call begun last. */
    private int latestIndex = -1;
    private String finishReason;
    private JsonNode finishChoice;
    private JsonNode usage;
    private long outputChars;
    private boolean started;
    private boolean ended;
    private AnthropicError failure;
    private Usage finalUsage;
    /** The upstream's id for this completion ({@code gen-…} at OpenRouter), from its first chunk that has one. */
    private String upstreamId;

    public ChatStreamTranslator(ObjectMapper json, ResponseContext context, EventSink sink) {
        this.json = json;
        this.context = context;
        this.sink = sink;
        this.thinkTags = new ThinkTags(new ThinkTags.Sink() {
            @Override
            public void thinking(String text) {
                onThinking(text, null);
            }

            @Override
            public void text(String text) {
                onText(text);
            }

            @Override
            public void repeated(String text) {
                onText(text);
                outputChars -= text.length(); // an estimate of the output counts what the model wrote, once
            }
        }, context.thinkOpenedInPrompt());
        this.toolArguments = new ToolArguments(json);
        this.errors = new UpstreamErrors(json);
        this.stops = StopSequences.watching(context.stopSequences());
    }

    /** Emits {@code message_start}; call once the upstream has accepted the request. */
    public void start() {
        if (started) {
            return;
        }
        started = true;
        sink.event(messageStart(context.messageId(), context.requestedModel(), context.estimatedInputTokens()));
    }

    /**
     * {@code message_start} went out already, sent by the gateway while the upstream was still silent (see
     * {@code server/EarlyStart}): the translation goes on from there, and starts no second message.
     */
    public void startedEarly() {
        started = true;
    }

    /**
     * The {@code message_start} of a translated stream: the output tokens are the one the message will at least have,
     * the input tokens an estimate (the upstream reports its count only at the end, in {@code message_delta}).
     */
    public static StreamEvent.MessageStart messageStart(String messageId, String requestedModel,
                                                        long estimatedInputTokens) {
        return new StreamEvent.MessageStart(messageId, requestedModel, Usage.estimate(estimatedInputTokens, 1));
    }

    /** Whether the stream has ended, normally or with an error; later input is ignored. */
    public boolean ended() {
        return ended;
    }

    /** One parsed upstream {@code data:} payload. */
    public void onChunk(JsonNode chunk) {
        if (ended) {
            return;
        }
        start();
        if (upstreamId == null && chunk.get("id") instanceof JsonNode id && id.isTextual()) {
            upstreamId = id.textValue();
        }
        JsonNode choices = chunk.path("choices");
        JsonNode chunkUsage = usageOf(chunk);
        if (chunkUsage != null) { // read before any error the chunk reports: a failed answer's usage is billed too
            usage = chunkUsage;
        }
        JsonNode error = errorOf(chunk, choices);
        if (error != null) {
            onFailure(errors.fromStreamError(error));
            return;
        }
        for (JsonNode choice : choices) {
            if (choice.path("index").asInt(0) != 0) {
                continue;
            }
            if (chunkUsage == null && choice.get("usage") instanceof ObjectNode choiceUsage) {
                // Moonshot puts the stream's usage on the finish chunk's choice; at the top only in a trailing chunk,
                // when it sends one. Read there, the bill would be an estimate.
                usage = choiceUsage;
            }
            onDelta(choice.path("delta"));
            JsonNode reason = choice.get("finish_reason");
            // Ollama and some GLM routes send "" on every chunk but the last where OpenAI sends null: not a finish.
            if (reason != null && reason.isTextual() && !reason.asText().isBlank()) {
                if ("error".equals(reason.asText())) {
                    // The error object sits at the top (handled above) or, like in whole responses, on the choice.
                    JsonNode choiceError = choice.get("error");
                    onFailure(errors.fromStreamError(choiceError != null ? choiceError : json.nullNode()));
                    return;
                }
                if (INTERRUPTIONS.contains(reason.asText())) {
                    // The provider stopped generating for its own reasons: what the client has is incomplete.
                    onFailure(AnthropicError.of(ErrorType.OVERLOADED, "The upstream interrupted the response ("
                            + reason.asText() + "); it is incomplete."));
                    return;
                }
                finishReason = reason.asText();
                finishChoice = choice;
            }
        }
        // OpenRouter sends usage in a last chunk after the finish reason; once both are here the answer is complete.
        if (finishReason != null && usage != null) {
            finish();
        }
    }

    /**
     * The error a chunk reports instead of a delta, or null: OpenAI's and OpenRouter's {@code {"error":{…}}}, and, in
     * a chunk without choices, Google's array-wrapped {@code [{"error":{…}}]} and Mistral's top-level
     * {@code {"object":"error","message":…}} — the shapes their error bodies take. Without the last two, such a chunk
     * was skipped as one without a choice, and the stream ended as cut off, the provider's words lost. A chunk with
     * choices (every other one) is looked at for no more than before.
     */
    private static JsonNode errorOf(JsonNode chunk, JsonNode choices) {
        JsonNode error = chunk.get("error");
        if (error != null && !error.isNull()) {
            return error;
        }
        if (!choices.isMissingNode()) {
            return null;
        }
        if (chunk.isArray()) {
            JsonNode wrapped = chunk.path(0).get("error");
            return wrapped == null || wrapped.isNull() ? null : wrapped;
        }
        JsonNode object = chunk.get("object");
        return object != null && "error".equals(object.textValue()) ? chunk : null;
    }

    /**
     * A whole (non-streaming) completion, fed as the one chunk that would have carried all of it, then the end:
     * how a whole answer reaches a streaming client, and how {@link ChatResponseTranslator} folds a Message.
     */
    public void onCompletion(JsonNode completion) {
        JsonNode choice = completion.path("choices").path(0);
        boolean reportsError = completion.hasNonNull("error") || "error".equals(choice.path("finish_reason").asText());
        if (!reportsError && !choice.path("message").isObject()) {
            // A 200 body with no choice (a provider's own error envelope, say), or a choice without its message, is no
            // answer, not an empty one: a stream that carried nothing would not have finished either. What usage it
            // reports was charged all the same.
            usage = usageOf(completion);
            onFailure(AnthropicError.of(ErrorType.API, choice.isObject() ? "The upstream answered without a message."
                    : "The upstream answered without a choice."));
            return;
        }
        onChunk(CompletionChunk.of(completion));
        onDone();
    }

    /**
     * The upstream's {@code data: [DONE]}. Every complete answer carries a finish reason before it; without one the
     * upstream gave up (or sent nothing at all), and an {@code end_turn} would pass a cut-off answer as whole.
     */
    public void onDone() {
        finishOrFail("The upstream ended the stream without a finish reason; the response may be incomplete.");
    }

    /** The upstream body ended. Without a finish reason that is a dropped connection, not an answer. */
    public void onEndOfStream() {
        finishOrFail("The upstream closed the stream before the response was complete.");
    }

    private void finishOrFail(String incompleteMessage) {
        if (ended) {
            return;
        }
        start();
        if (finishReason != null) {
            finish();
        } else {
            onFailure(AnthropicError.of(ErrorType.API, incompleteMessage));
        }
    }

    /**
     * The upstream's body broke (cut, reset, unreadable): an answer whose finish reason already arrived stands, with
     * the usage estimated if its usage chunk was lost; an unfinished one ends with {@code error}.
     */
    public void onUpstreamBroken(AnthropicError error) {
        if (finishReason != null) {
            finishOrFail(error.message());
        } else {
            onFailure(error);
        }
    }

    /**
     * Ends the stream with {@code event: error}: what the client has is incomplete, and it must know. Usage the
     * upstream sent before failing (with the failure itself, as OpenRouter's {@code finish_reason: "error"} can) is
     * billed ({@link UsageMapper#failed}): the provider charged for it.
     */
    public void onFailure(AnthropicError error) {
        if (ended) {
            return;
        }
        start();
        ended = true;
        failure = error;
        if (usage != null) {
            context.usage().failed(usage);
        }
        sink.event(new StreamEvent.Error(error));
    }

    /** The error the stream ended with, or null. */
    public AnthropicError failure() {
        return failure;
    }

    /** The completion's id as the upstream named it, or null before a chunk that carries one. */
    public String upstreamId() {
        return upstreamId;
    }

    /** The usage sent in {@code message_delta}, once the stream finished normally; else null. */
    public Usage finalUsage() {
        return finalUsage;
    }

    /**
     * The chunk's usage object: where OpenAI puts it, or under {@code x_groq} (Groq reports it there in every
     * stream, and at the top only when asked).
     */
    private static JsonNode usageOf(JsonNode chunk) {
        JsonNode usage = chunk.get("usage");
        if (usage == null || !usage.isObject()) {
            usage = chunk.path("x_groq").get("usage");
        }
        return usage != null && usage.isObject() ? usage : null;
    }

    private void onDelta(JsonNode delta) {
        if (stoppedBySequence()) {
            webSearchResults.collect(delta.get("annotations"));
            return; // the answer ended at the stop sequence: what the model wrote after it is not part of it
        }
        JsonNode details = delta.get("reasoning_details");
        if (details != null && details.isArray() && !details.isEmpty()) {
            for (JsonNode detail : details) {
                onReasoningDetail(detail);
            }
        } else {
            // OpenRouter, Groq and Ollama say "reasoning"; DeepSeek, Moonshot and older vLLM say "reasoning_content".
            String reasoning = delta.path("reasoning").asText("");
            if (reasoning.isEmpty()) {
                reasoning = delta.path("reasoning_content").asText("");
            }
            if (!reasoning.isEmpty()) {
                onThinking(reasoning, null);
            }
        }
        JsonNode content = delta.get("content");
        if (content != null && content.isTextual() && !content.asText().isEmpty()) {
            thinkTags.accept(content.asText());
        } else if (content != null && content.isArray()) {
            onContentParts(content);
        }
        JsonNode refusal = delta.get("refusal");
        if (refusal != null && refusal.isTextual() && !refusal.asText().isEmpty()) {
            onText(refusal.asText()); // OpenAI's refusal text: what the model said instead of an answer
        }
        if (!stoppedBySequence()) {
            for (JsonNode call : delta.path("tool_calls")) {
                onToolCallFragment(call);
            }
        }
        webSearchResults.collect(delta.get("annotations"));
    }

    /**
     * Content as typed parts, as some servers send it: {@code text} parts are text; {@code thinking} parts (Mistral's
     * reasoning models) are thinking, their text given directly or as a list of text parts.
     */
    private void onContentParts(JsonNode parts) {
        for (JsonNode part : parts) {
            switch (part.path("type").asText()) {
                case "text" -> {
                    String text = part.path("text").asText("");
                    if (!text.isEmpty()) {
                        onText(text);
                    }
                }
                case "thinking" -> {
                    JsonNode thinking = part.path("thinking");
                    StringBuilder text = new StringBuilder(thinking.isTextual() ? thinking.asText() : "");
                    for (JsonNode inner : thinking) {
                        text.append(inner.path("text").asText(""));
                    }
                    if (!text.isEmpty()) {
                        onThinking(text.toString(), null);
                    }
                }
                default -> { }
            }
        }
    }

    private void onReasoningDetail(JsonNode detail) {
        String type = detail.path("type").asText();
        String format = detail.path("format").asText("");
        if (!format.isEmpty() && !ANTHROPIC_REASONING_FORMAT.equals(format)) {
            onForeignDetail(detail);
            return;
        }
        if (ANTHROPIC_REASONING_FORMAT.equals(format)) {
            signatureExpected = true;
        }
        switch (type) {
            case "reasoning.text" -> onThinking(detail.path("text").asText(""), detail.path("signature").asText(""));
            case "reasoning.summary" -> onThinking(detail.path("summary").asText(""), null);
            case "reasoning.encrypted" -> onRedactedThinking(detail.path("data").asText(""));
            default -> { }
        }
    }

    /**
     * A reasoning detail of another format (Gemini's, OpenAI's): its text or summary is shown as thinking, and the
     * detail itself goes back on the next turn exactly as it came ({@link CarriedReasoning}): in the signature of
     * the thinking block it belongs to, or, arriving when no thinking block is open (an encrypted detail after the
     * answer began), in a {@code redacted_thinking} block of its own.
     */
    private void onForeignDetail(JsonNode detail) {
        String text = switch (detail.path("type").asText()) {
            case "reasoning.text" -> detail.path("text").asText("");
            case "reasoning.summary" -> detail.path("summary").asText("");
            default -> "";
        };
        if (!text.isEmpty()) {
            onThinking(text, null);
        }
        if (open == OpenBlock.THINKING) {
            carry(detail);
            return;
        }
        if (open == OpenBlock.TEXT) {
            afterText.add(detail.deepCopy()); // Gemini's often comes with the answer's last words
            return;
        }
        closeOpenBlock();
        redactedBlock(detail.deepCopy());
    }

    /** A detail of another format in a {@code redacted_thinking} block of its own, to go back as it came. */
    private void redactedBlock(ObjectNode detail) {
        openBlock(OpenBlock.NONE, new ContentBlock.RedactedThinking(
                CarriedReasoning.details(json.createArrayNode().add(detail))));
        stopBlock(nextIndex - 1);
    }

    /** Streams send a detail in fragments sharing its index: they are joined into the one detail they are. */
    private void carry(JsonNode detail) {
        ObjectNode last = carried.isEmpty() ? null : carried.getLast();
        boolean continues = last != null && detail.has("index") && last.path("index").equals(detail.get("index"))
                && last.path("type").equals(detail.path("type"));
        if (!continues) {
            carried.add(detail.deepCopy());
            return;
        }
        detail.properties().forEach(field -> {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                return;
            }
            boolean joined = (name.equals("text") || name.equals("summary") || name.equals("data"))
                    && value.isTextual() && last.path(name).isTextual();
            last.set(name, joined ? json.getNodeFactory().textNode(last.get(name).asText() + value.asText()) : value);
        });
    }

    private void onThinking(String text, String newSignature) {
        thinkTags.reasoningElsewhere(); // unless it is the tags' own: they say none before the content shows a tag
        if (!text.isEmpty()) {
            if (open != OpenBlock.THINKING) {
                releaseHeldText();
                closeOpenBlock();
                openBlock(OpenBlock.THINKING, new ContentBlock.Thinking());
            }
            blockDelta(new ContentDelta.Thinking(text));
            outputChars += text.length();
        }
        if (newSignature == null || newSignature.isEmpty()) {
            return;
        }
        if (open != OpenBlock.THINKING) {
            // A signed block with no text (Anthropic's thinking with display "omitted", a summary that came out
            // empty) is still the model's turn: it goes back with the next request, which Anthropic refuses when a
            // thinking turn's tool use comes back without its thinking block.
            releaseHeldText();
            closeOpenBlock();
            openBlock(OpenBlock.THINKING, new ContentBlock.Thinking());
        }
        // The signature ends the thinking block; answer text held back for it can now follow.
        signature = newSignature;
        closeOpenBlock();
        flushHeldText();
    }

    private void onRedactedThinking(String data) {
        if (data.isEmpty() || REDACTED_PLACEHOLDER.equals(data)) {
            return;
        }
        releaseHeldText();
        settleThinking();
        closeOpenBlock();
        openBlock(OpenBlock.NONE, new ContentBlock.RedactedThinking(data));
        stopBlock(nextIndex - 1);
    }

    private void onText(String text) {
        outputChars += text.length();
        if (stops != null) {
            boolean running = stops.matched() == null;
            text = stops.accept(text);
            if (running && stops.matched() != null) {
                toolCalls.clear(); // they would have followed the text, past where the model stops
                toolCallsByIndex.clear();
            }
        }
        showText(text);
    }

    /**
     * Text held back in case a stop sequence began there, shown before a thinking block begins: a sequence does not
     * run on across one, and held past it the text would come after the thinking it preceded.
     */
    private void releaseHeldText() {
        if (stops != null) {
            showText(stops.rest());
        }
    }

    private boolean stoppedBySequence() {
        return stops != null && stops.matched() != null;
    }

    /** Answer text, past the stop sequences' watch. */
    private void showText(String text) {
        if (text.isEmpty()) {
            return;
        }
        if (open == OpenBlock.THINKING && signatureExpected && signature == null) {
            heldText.append(text);
            return;
        }
        appendText(text);
    }

    private void appendText(String text) {
        if (open != OpenBlock.TEXT) {
            if (text.isBlank()) {
                // Whitespace alone opens no text block: Anthropic's models never answer with one, and Anthropic
                // refuses one in the history a later turn sends it ("text content blocks must contain non-whitespace
                // text"), where other models' "\n\n" before a tool call would otherwise put it. It leads the text
                // that follows, if any does.
                blankText.append(text);
                return;
            }
            String lead = blankText.isEmpty() ? "" : blankText.toString();
            closeOpenBlock();
            openBlock(OpenBlock.TEXT, new ContentBlock.Text());
            if (!lead.isEmpty()) {
                text = lead + text;
            }
        }
        blockDelta(new ContentDelta.Text(text));
    }

    private void onToolCallFragment(JsonNode fragment) {
        // Tool calls are emitted at the end, so a thinking block stays open here: its signature may still follow.
        String id = fragment.hasNonNull("id") ? fragment.get("id").asText() : null;
        // Some servers send fragments without index: they belong with the latest call (a new id at that index starts a
        // new call, as it does for servers that reuse index 0 for parallel calls).
        int index = fragment.path("index").isIntegralNumber() ? fragment.get("index").asInt() : Math.max(latestIndex, 0);
        JsonNode function = fragment.path("function");
        String name = function.path("name").asText("");
        JsonNode argumentsNode = function.path("arguments");
        String arguments = argumentsNode.isObject() ? argumentsNode.toString() : argumentsNode.asText("");
        ToolCall call = toolCallsByIndex.get(index);
        if (call == null || id != null && !id.isEmpty() && call.id != null && !call.id.equals(id)
                || startsAnotherCall(call, id, name, arguments)) {
            call = new ToolCall(id);
            toolCalls.add(call);
            toolCallsByIndex.put(index, call);
            latestIndex = index;
        } else if (call.id == null && id != null && !id.isEmpty()) {
            call.id = id;
        }
        if (call.name == null && !name.isEmpty()) {
            call.name = name;
        }
        call.arguments.append(arguments);
        outputChars += arguments.length();
        String thoughtSignature = fragment.path("extra_content").path("google").path("thought_signature").asText("");
        if (!thoughtSignature.isEmpty()) {
            call.thoughtSignature = thoughtSignature;
        }
    }

    /**
     * A fragment without an id of the call's that names a function and brings arguments, at the index of a call already
     * named whose arguments are complete, is the next call: servers that put parallel calls all at index 0 without
     * ids send them so, each whole. Joined, the calls' arguments would be {@code {…}{…}}, and neither call would run.
     * A server that repeats the name on every fragment of one call does so while its arguments are incomplete.
     */
    private boolean startsAnotherCall(ToolCall call, String id, String name, String arguments) {
        return !name.isEmpty() && !arguments.isEmpty() && call.name != null
                && (id == null || id.isEmpty() || !id.equals(call.id)) && toolArguments.isCompleteObject(call.arguments);
    }

    private void finish() {
        if (toolCalls.stream().anyMatch(call -> call.name == null)) {
            // A tool_use needs a name (the client cannot run it, and replaying it upstream would be refused).
            onFailure(AnthropicError.of(ErrorType.API,
                    "The upstream sent a tool call without a function name; the response is unusable."));
            return;
        }
        thinkTags.end(StopReason.cutOff(finishReason));
        releaseHeldText(); // held in case a sequence began there: none did
        settleThinking();
        closeOpenBlock();
        if (context.webSearchQuery() != null && !webSearchResults.isEmpty()) {
            for (ContentBlock block : webSearchResults.blocks("srv" + context.toolUseIds().get(),
                    context.webSearchQuery(), json.getNodeFactory())) {
                openBlock(OpenBlock.NONE, block);
                stopBlock(nextIndex - 1);
            }
        }
        List<String> clientIds = new ArrayList<>(toolCalls.size());
        for (ToolCall call : toolCalls) {
            clientIds.add(call.id != null && !call.id.isEmpty() ? ToolCallIds.toClient(call.id) : context.toolUseIds().get());
        }
        // Gemini's thought signatures, each in a block of its own before the calls, to be attached again on replay.
        for (int i = 0; i < toolCalls.size(); i++) {
            String thoughtSignature = toolCalls.get(i).thoughtSignature;
            if (thoughtSignature != null) {
                openBlock(OpenBlock.NONE, new ContentBlock.RedactedThinking(CarriedReasoning.thoughtSignature(
                        ToolCallIds.toUpstream(clientIds.get(i)), thoughtSignature)));
                stopBlock(nextIndex - 1);
            }
        }
        for (int i = 0; i < toolCalls.size(); i++) {
            ToolCall call = toolCalls.get(i);
            String id = clientIds.get(i);
            openBlock(OpenBlock.NONE, new ContentBlock.ToolUse(id,
                    context.toolNames().clientName(call.name == null ? "" : call.name)));
            sink.event(new StreamEvent.ContentBlockDelta(nextIndex - 1,
                    new ContentDelta.InputJson(toolArguments.parse(call.arguments.toString()).toString())));
            stopBlock(nextIndex - 1);
        }
        StopReason stop = stoppedBySequence() ? new StopReason("stop_sequence", stops.matched())
                : StopReason.of(finishChoice, finishReason, !toolCalls.isEmpty(), context.stopSequences());
        Usage estimate = Usage.estimate(context.estimatedInputTokens(), (outputChars + 3) / 4);
        Usage finalUsage = usage != null ? context.usage().map(usage, estimate) : estimate;

        this.finalUsage = finalUsage;
        sink.event(new StreamEvent.MessageDelta(stop.reason(), stop.sequence(), finalUsage));
        sink.event(new StreamEvent.MessageStop());
        ended = true;
    }

    /** A thinking block still waiting for its signature is closed without it; held-back text is released. */
    private void settleThinking() {
        if (open == OpenBlock.THINKING) {
            closeOpenBlock();
        }
        flushHeldText();
    }

    private void flushHeldText() {
        if (!heldText.isEmpty()) {
            String text = heldText.toString();
            heldText.setLength(0);
            appendText(text);
        }
    }

    private void openBlock(OpenBlock kind, ContentBlock shell) {
        sink.event(new StreamEvent.ContentBlockStart(nextIndex, shell));
        open = kind;
        openIndex = nextIndex;
        nextIndex++;
        if (kind == OpenBlock.THINKING) {
            signature = null;
        }
    }

    private void blockDelta(ContentDelta delta) {
        sink.event(new StreamEvent.ContentBlockDelta(openIndex, delta));
    }

    private void closeOpenBlock() {
        blankText.setLength(0); // whitespace that no text followed before this block ended, or another began
        if (open == OpenBlock.NONE) {
            return;
        }
        if (open == OpenBlock.THINKING) {
            if (signature == null && !carried.isEmpty()) {
                signature = CarriedReasoning.details(json.createArrayNode().addAll(carried));
            }
            carried.clear();
            if (signature != null) {
                blockDelta(new ContentDelta.Signature(signature));
            }
        }
        stopBlock(openIndex);
        boolean textEnded = open == OpenBlock.TEXT;
        open = OpenBlock.NONE;
        if (textEnded && !afterText.isEmpty()) {
            afterText.forEach(this::redactedBlock);
            afterText.clear();
        }
    }

    private void stopBlock(int index) {
        sink.event(new StreamEvent.ContentBlockStop(index));
    }

    /** One upstream tool call being collected. */
    private static final class ToolCall {
        private String id;
        private String name;
        private String thoughtSignature;
        private final StringBuilder arguments = new StringBuilder();

        private ToolCall(String id) {
            this.id = id;
        }
    }
}
