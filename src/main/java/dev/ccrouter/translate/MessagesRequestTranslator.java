package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.CacheTtls;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates an Anthropic {@code POST /v1/messages} body into an OpenAI {@code /chat/completions} body for one
 * {@link UpstreamTarget} (no re-parsing: the client's tree is read as it is).
 *
 * <h2>Validation</h2>
 * A body is checked by {@link MessagesRequestShape} first, which {@code count_tokens} shares, and refused there with
 * {@link InvalidRequestException} in Anthropic's pydantic-style wording and a dot-separated field path, e.g.
 * {@code max_tokens: Field required}, {@code messages.1.content.0.text: Input should be a valid string}. The
 * translation reads a body that passed, without checking it again. Unknown top-level fields and unknown fields of
 * known blocks are dropped.
 *
 * <h2>Content block policy</h2>
 * <ul>
 *   <li>Translated: {@code text}, {@code image}, {@code document}, {@code search_result}, {@code tool_result} (user
 *       turns); {@code text}, {@code tool_use}, {@code thinking}, {@code redacted_thinking} (assistant turns);
 *       {@code text} (system). A known block in the wrong role is a 400.</li>
 *   <li>Dropped silently: server-tool history ({@code server_tool_use}, {@code mcp_tool_use},
 *       {@code mcp_tool_result}, {@code container_upload} and every {@code *_tool_result} such as
 *       {@code web_search_tool_result}), because an OpenAI upstream can neither express nor re-run it. A
 *       {@code tool_reference} inside a tool result becomes the text {@code Tool loaded: <name>}.</li>
 *   <li>Anything else is a 400 naming the path:
 *       {@code messages.1.content.0.type: Input should be 'text', 'image', …}, and so are Files API references
 *       ({@code source.type: "file"}), which other providers cannot resolve ({@link MessagesRequestShape}).</li>
 *   <li>Empty text never becomes a part (upstreams reject empty text); a message left with nothing is dropped.</li>
 * </ul>
 *
 * <h2>Conversation</h2>
 * <ul>
 *   <li>{@code system} becomes the first message, always as text parts. Claude Code's attribution block (a text
 *       block beginning {@code x-anthropic-billing-header:}) is left out, as Anthropic's API leaves it out: it is
 *       billing metadata at the very start of the prompt, and a version of it that changes (every request before
 *       Claude Code 2.1.181; its {@code cch} hash) would make every prompt-cache lookup miss.</li>
 *   <li>{@code role:"system"} messages stay system messages at their position (a request may end with one); one that
 *       falls between a tool call and its result moves behind the tool messages, where OpenAI allows it.</li>
 *   <li>An assistant turn is one message: texts joined by a blank line (text parts instead when one carries a cache
 *       marker), {@code tool_calls} with compact-JSON arguments, signed thinking as {@code reasoning_details} in
 *       order ({@code reasoning.text} / {@code reasoning.encrypted}, format {@code anthropic-claude-v1}); unsigned
 *       thinking is dropped and duplicates are sent once.</li>
 *   <li>Each {@code tool_result} becomes a {@code role:"tool"} message right after the assistant message; the
 *       rest of that user turn follows as one user message. Result text blocks are joined by a newline (text parts
 *       when a cache marker must survive). {@code is_error: true} prefixes the text with {@code Error: } (OpenAI has
 *       no error flag). Images and PDFs in a result open the following user message, behind
 *       {@code Attachments from tool result <id>:}, since tool messages carry text only (a PDF's note, for a
 *       provider without {@code pdf_input}, stays in the tool message's text).</li>
 *   <li>Pairing repair: a {@code tool_use} without a result in the next user turn gets a tool message
 *       {@value ConversationTranslator#INTERRUPTED}; a {@code tool_result} answering no call of the preceding
 *       assistant message becomes user text {@code [tool_result for <id>]: <content>}. Tool ids are kept, except
 *       the gateway's own encoding of ids the upstream issued outside Anthropic's alphabet, which is decoded
 *       ({@link ToolCallIds}).</li>
 * </ul>
 *
 * <h2>Parameters</h2>
 * <ul>
 *   <li>{@code max_tokens} is forwarded clamped to the model's output limit; {@code 0} (Anthropic's cache pre-warm)
 *       becomes {@code 1}, the smallest request every upstream accepts.</li>
 *   <li>{@code stop_sequences} → {@code stop}, truncated to OpenAI's four (the first four); the full list stays in
 *       {@link ChatRequest#stopSequences()} to name the one that matched.</li>
 *   <li>{@code metadata.user_id} → {@code user} as the first 32 hex digits of its SHA-256: the raw value can hold
 *       account ids and must not leave the gateway.</li>
 *   <li>{@code tools}: see {@link ToolTranslator} (server tools such as {@code web_search_*} are dropped: mapping
 *       them to OpenRouter's paid web plugin would need a per-provider switch this record does not carry).
 *       {@code thinking}: see {@link ThinkingTranslator}. {@code output_config.format} json_schema →
 *       {@code response_format}.</li>
 *   <li>{@code cache_control}: kept on text, image and file parts, tool messages and tools as
 *       {@code {type:"ephemeral"}} (+ {@code ttl} where supported), all dropped for models without caching; at most
 *       four breakpoints, the latest kept (see {@link CacheMarkers}). Top-level {@code cache_control} is forwarded
 *       and counts as one of the four. For Claude models a request without any breakpoint gets two, at the end of
 *       the system prompt and on the last message, as Claude Code places them.</li>
 *   <li>Dropped: {@code context_management}, {@code container}, {@code inference_geo}, {@code service_tier},
 *       {@code speed}, {@code mcp_servers} and everything unknown.</li>
 * </ul>
 * The body's keys are written in one fixed order, so equal requests give equal bytes.
 *
 * <p>Thread-safe: all per-request state lives in objects created by {@link #translate}; what is shared between
 * requests is the translated tools remembered per identical client bytes ({@link TranslatedTools}) and the last
 * user id with its hash ({@link UserHashes}).
 */
public final class MessagesRequestTranslator {
    /** OpenRouter's limit for {@code session_id}. */
    static final int SESSION_ID_LIMIT = 256;

    private final JsonNodeFactory nodes;
    private final TranslatedTools translatedTools;
    private final UserHashes userHashes = new UserHashes();

    public MessagesRequestTranslator(ObjectMapper json) {
        this.nodes = json.getNodeFactory();
        this.translatedTools = new TranslatedTools(json.getFactory(), nodes);
    }

    /**
     * @param anthropicBody the client's body
     * @param target        where it goes
     * @param sessionId     the client's {@code X-Claude-Code-Session-Id}, or null
     * @throws InvalidRequestException when the body is not a valid Messages request
     */
    public ChatRequest translate(JsonNode anthropicBody, UpstreamTarget target, String sessionId) {
        MessagesRequestShape.checkMessages(anthropicBody);
        return translateChecked(anthropicBody, target, sessionId);
    }

    private ChatRequest translateChecked(JsonNode request, UpstreamTarget target, String sessionId) {
        ModelCapabilities caps = target.capabilities();
        long requestedMaxTokens = request.get("max_tokens").longValue();
        JsonNode messages = request.get("messages");
        boolean stream = Fields.flag(request, "stream");
        JsonNode temperature = Fields.optional(request, "temperature");
        JsonNode topP = Fields.optional(request, "top_p");
        JsonNode topK = Fields.optional(request, "top_k");
        List<String> stopSequences = stopSequences(request);
        String user = hashedUser(Fields.optional(request, "metadata"));

        CacheMarkers markers = new CacheMarkers(caps, nodes);
        ToolNames toolNames = new ToolNames(caps.toolNameLimit());
        ToolTranslator toolTranslator = new ToolTranslator(nodes, caps, markers, toolNames, translatedTools);
        JsonNode clientTools = Fields.optional(request, "tools");
        ArrayNode tools = clientTools == null ? null : toolTranslator.tools(clientTools, new LoadedTools(messages));
        JsonNode clientChoice = Fields.optional(request, "tool_choice");
        ToolTranslator.Choice choice = clientChoice == null ? ToolTranslator.Choice.NONE
                : toolTranslator.toolChoice(clientChoice);

        ArrayNode chatMessages = new ConversationTranslator(nodes, markers, toolNames, target.dialect(), caps)
                .translate(Fields.optional(request, "system"), messages);

        int maxTokens = maxTokens(requestedMaxTokens, caps);
        JsonNode outputConfig = Fields.optional(request, "output_config");
        JsonNode thinking = Fields.optional(request, "thinking");
        ObjectNode reasoning = ThinkingTranslator.reasoning(thinking, outputConfig, maxTokens, nodes);
        ObjectNode responseFormat = outputConfig == null ? null : responseFormat(outputConfig, caps);
        ObjectNode automaticCache = markers.markerOf(request);
        CacheTtls cacheTtls = markers.settle(tools, chatMessages, automaticCache);

        ObjectNode body = nodes.objectNode();
        body.put("model", target.upstreamModel());
        body.set("messages", chatMessages);
        setIfPresent(body, "tools", tools);
        setIfPresent(body, "tool_choice", choice.toolChoice());
        if (choice.parallelToolCalls() != null && caps.parallelToolCalls()) {
            body.put("parallel_tool_calls", choice.parallelToolCalls());
        }
        Dialect dialect = target.dialect();
        body.put(dialect.maxTokensField(), maxTokens);
        if (!stopSequences.isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            stopSequences.stream().limit(caps.stopSequenceLimit()).forEach(stop::add);
        }
        setIfPresent(body, "temperature", temperature);
        setIfPresent(body, "top_p", topP);
        setIfPresent(body, "top_k", topK);
        Dialect.ReasoningRequest reasoningRequest =
                caps.reasoningRequest() != null ? caps.reasoningRequest() : dialect.reasoningRequest();
        ThinkingTranslator.request(body, reasoning, thinking, reasoningRequest, stream, caps.reasoningEfforts());
        if (reasoningRequest == Dialect.ReasoningRequest.REASONING_OBJECT) {
            ThinkingTranslator.effortAsVerbosity(body, outputConfig, reasoning, target.upstreamModel());
        }
        setIfPresent(body, "response_format", responseFormat);
        if (user != null) {
            body.put("user", user);
        }
        if (dialect.sessionId() && sessionId != null && !sessionId.isEmpty()) {
            body.put("session_id", truncate(sessionId, SESSION_ID_LIMIT));
        }
        if (dialect.promptCacheKey() && sessionId != null && !sessionId.isEmpty()) {
            body.put("prompt_cache_key", truncate(sessionId, SESSION_ID_LIMIT));
        }
        setIfPresent(body, "cache_control", automaticCache);
        if (stream) {
            body.put("stream", true);
            if (dialect.streamUsageOption()) {
                // Plain OpenAI sends usage in streams only when asked; OpenRouter always does and ignores this.
                body.putObject("stream_options").put("include_usage", true);
            }
        }
        body.remove(dialect.refusedFields());
        return new ChatRequest(body, toolNames.map(), stream, stopSequences, cacheTtls);
    }

    private static int maxTokens(long requested, ModelCapabilities caps) {
        long forwarded = Math.max(requested, 1);
        if (caps.maxOutputTokens() != null) {
            forwarded = Math.min(forwarded, caps.maxOutputTokens());
        }
        return (int) Math.min(forwarded, Integer.MAX_VALUE);
    }

    private static List<String> stopSequences(JsonNode request) {
        JsonNode stop = Fields.optional(request, "stop_sequences");
        if (stop == null || stop.isEmpty()) {
            return List.of();
        }
        List<String> sequences = new ArrayList<>(stop.size());
        for (JsonNode sequence : stop) {
            sequences.add(sequence.textValue());
        }
        return List.copyOf(sequences);
    }

    private String hashedUser(JsonNode metadata) {
        if (metadata == null) {
            return null;
        }
        String userId = Fields.string(metadata, "user_id");
        if (userId == null || userId.isEmpty()) {
            return null;
        }
        return userHashes.of(userId);
    }

    /** {@code output_config.format} {@code {type:"json_schema", schema}} → an OpenAI strict json_schema response format. */
    private ObjectNode responseFormat(JsonNode outputConfig, ModelCapabilities caps) {
        JsonNode format = Fields.optional(outputConfig, "format");
        if (format == null) {
            return null;
        }
        ObjectNode responseFormat = nodes.objectNode().put("type", "json_schema");
        ObjectNode jsonSchema = responseFormat.putObject("json_schema").put("name", "output");
        jsonSchema.set("schema", JsonSchemas.sanitize(format.get("schema"), caps.schemaKeywordsToStrip(),
                caps.nullableTypes(), nodes));
        jsonSchema.put("strict", true);
        return responseFormat;
    }

    private static void setIfPresent(ObjectNode body, String field, JsonNode value) {
        if (value != null) {
            body.set(field, value);
        }
    }

    /** Cuts to {@code limit} chars without splitting a surrogate pair. */
    static String truncate(String value, int limit) {
        if (value.length() <= limit) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(limit - 1)) ? limit - 1 : limit;
        return value.substring(0, end);
    }
}
