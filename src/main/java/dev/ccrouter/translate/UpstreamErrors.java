package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Upstream failures in Anthropic's terms. Claude Code reads error wording (context overflow drives compaction,
 * capability rejections trigger retries without the feature), so the upstream's message is kept verbatim inside the
 * Anthropic envelope; only context-length errors are reworded to Anthropic's exact phrasing when the numbers are known.
 */
public final class UpstreamErrors {
    private static final int MAX_MESSAGE_CHARS = 2000;
    private static final Pattern MAX_CONTEXT = Pattern.compile("maximum context length is (\\d+)");
    private static final Pattern REQUESTED = Pattern.compile("(?:resulted in|requested about|requested) (\\d+) tokens");
    /** vLLM today says "your request has N input tokens" (and, for the output, "'max_tokens' … is too large: N"). */
    private static final Pattern INPUT_PART = Pattern.compile(
            "(\\d+) (?:of text input|in the messages)|your request has (\\d+) input tokens");
    private static final Pattern OUTPUT_PART = Pattern.compile(
            "(\\d+) (?:in the output|in the completion)|max_(?:completion_)?tokens' is too large: (\\d+)");
    /**
     * Overflows that name the prompt's size, then the limit: llama.cpp's server's "request (N tokens) exceeds the
     * available context size (M tokens), try increasing it", Gemini's "The input token count (N) exceeds the maximum
     * number of tokens allowed (M)" and Mistral's "Prompt contains N tokens, too large for model with M maximum context
     * length".
     */
    private static final Pattern PROMPT_THEN_LIMIT = Pattern.compile(
            "\\((\\d+) tokens\\) exceeds the available context size \\((\\d+) tokens\\)"
                    + "|input token count \\((\\d+)\\) exceeds the maximum number of tokens allowed \\((\\d+)\\)"
                    + "|Prompt contains (\\d+) tokens, too large for model with (\\d+) maximum context length");
    /**
     * And those that name the limit first: Moonshot's "exceeded model token limit: M (requested: N)" (N counts the
     * output too, which the wording cannot tell apart) and xAI's "maximum prompt length is M but the request contains
     * N tokens".
     */
    private static final Pattern LIMIT_THEN_PROMPT = Pattern.compile(
            "exceeded model token limit: (\\d+) \\(requested: (\\d+)\\)"
                    + "|maximum prompt length is (\\d+) but the request contains (\\d+) tokens");

    /**
     * Fields the translation adds as refinements: a request means the same without them, so one a provider refuses
     * can be left out. Nothing else ({@code messages}, {@code tools}, {@code max_tokens}, {@code response_format}…)
     * is ever dropped on an upstream's word.
     */
    private static final Set<String> OPTIONAL_FIELDS = Set.of("reasoning_effort", "reasoning",
            "thinking", "enable_thinking", "chat_template_kwargs", "top_k", "top_p", "temperature", "stop",
            "parallel_tool_calls", "stream_options", "user", "metadata", "session_id", "prompt_cache_key", "seed",
            "service_tier", "frequency_penalty", "presence_penalty", "verbosity");
    /**
     * How providers name a top-level field they do not take: OpenAI ("Unsupported parameter: 'reasoning_effort' is
     * not supported with this model.", "Unsupported value: 'temperature' does not support 0.5 with this model",
     * "Unrecognized request argument supplied: top_k"), Gemini ("Invalid JSON payload received. Unknown name
     * \"top_k\": Cannot find field." — a nested one says {@code at '…'} before the colon), xAI ("Model does not
     * support parameter reasoningEffort"), Mistral's 422 ({@code "type":"extra_forbidden","loc":["body","user"]}).
     */
    private static final Pattern REFUSED_FIELD = Pattern.compile(
            "Unsupported (?:parameter|value): '(\\w+)'"
                    + "|Unrecognized request argument supplied: (\\w+)"
                    + "|Unknown name \\\\?\"(\\w+)\\\\?\": Cannot find field"
                    + "|does not support parameter (\\w+)"
                    + "|extra_forbidden\"\\s*,\\s*\"loc\"\\s*:\\s*\\[\\s*\"body\"\\s*,\\s*\"(\\w+)\"");
    /**
     * Not a field but one value of one: {@code reasoning: {effort: "none"}} (thinking the client disabled), which a
     * model that always reasons refuses — OpenRouter: 400 "Reasoning is mandatory for this endpoint and cannot be
     * disabled." (its catalog's {@code reasoning.mandatory}). Only that value is left out: a later request that asks
     * such a model for reasoning at some effort keeps its {@code reasoning}.
     */
    public static final String REASONING_OFF = "reasoning.effort=none";
    private static final String REASONING_MANDATORY = "Reasoning is mandatory";
    private final ObjectMapper json;

    public UpstreamErrors(ObjectMapper json) {
        this.json = json;
    }

    /** A non-2xx answer from {@code /chat/completions}, before any stream started. */
    public AnthropicError fromResponse(int status, byte[] body, String retryAfter) {
        JsonNode error = errorObject(body);
        String message = message(error, body, status);
        String errorType = error == null ? "" : error.path("metadata").path("error_type").asText("");
        ErrorType providerType = error == null ? null : providerType(error);
        ErrorType type = providerType != null ? providerType : typeFor(status, errorType);
        if (type == ErrorType.INVALID_REQUEST) {
            message = contextLengthWording(message);
            if (error != null && error.path("n_prompt_tokens").isIntegralNumber()
                    && error.path("n_ctx").isIntegralNumber() && !message.startsWith("prompt is too long")) {
                // llama.cpp's exceed_context_size_error: older servers give the counts only as fields
                message = promptTooLong(error.get("n_prompt_tokens").asText(), error.get("n_ctx").asText());
            }
        }
        int anthropicStatus = switch (type) {
            case OVERLOADED, RATE_LIMIT, AUTHENTICATION, BILLING, PERMISSION, NOT_FOUND, REQUEST_TOO_LARGE, INVALID_REQUEST,
                 TIMEOUT -> type.status();
            case API -> status >= 500 ? status : 500;
        };
        return new AnthropicError(anthropicStatus, type, message, type == ErrorType.RATE_LIMIT || type == ErrorType.OVERLOADED
                ? retryAfter : null);
    }

    /**
     * The optional top-level field an upstream's 400 (422 at Mistral) says it does not take, in the body's own
     * spelling ({@code reasoningEffort} → {@code reasoning_effort}), or {@link #REASONING_OFF} for a model that cannot
     * stop reasoning; null when the answer names none, or names one
     * the request cannot do without.
     */
    public static String refusedField(int status, byte[] body) {
        if (status != 400 && status != 422 || body.length == 0) {
            return null;
        }
        String text = new String(body, 0, Math.min(body.length, 16 * 1024), StandardCharsets.UTF_8);
        if (text.contains(REASONING_MANDATORY)) {
            return REASONING_OFF;
        }
        Matcher refusal = REFUSED_FIELD.matcher(text);
        if (!refusal.find()) {
            return null;
        }
        String field = snakeCase(refusal.group(matchedGroup(refusal)));
        return OPTIONAL_FIELDS.contains(field) ? field : null;
    }

    /**
     * Removes from an upstream body what a refusal ({@link #refusedField}) names: the field, or for
     * {@link #REASONING_OFF} the {@code reasoning} that turns reasoning off. True when the body held it.
     */
    public static boolean leaveOut(String refusal, ObjectNode body) {
        if (refusal.equals(REASONING_OFF)) {
            return "none".equals(body.path("reasoning").path("effort").asText(null)) && body.remove("reasoning") != null;
        }
        return body.remove(refusal) != null;
    }

    private static String snakeCase(String name) {
        StringBuilder snake = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                snake.append('_').append(Character.toLowerCase(c));
            } else {
                snake.append(c);
            }
        }
        return snake.toString();
    }

    /**
     * A redirect: the gateway follows none (a key must not travel to wherever the upstream points), so it is the
     * address that is wrong.
     */
    public static AnthropicError redirect(int status, String location) {
        String target = location == null || location.isBlank() ? "" : " to " + truncate(location.strip());
        return new AnthropicError(502, ErrorType.API, "The upstream answered HTTP " + status + " (a redirect" + target
                + ", which the gateway does not follow): check the provider's base URL.", null);
    }

    /** A 200 answer to a streaming request that is neither an event stream nor JSON (an HTML error page, say). */
    public AnthropicError notAnEventStream(String contentType, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return new AnthropicError(502, ErrorType.API, "The upstream answered 200 with content type " + contentType
                + ", not an event stream" + (text.isEmpty() ? "." : ": " + truncate(text)), null);
    }

    /** An error chunk inside a stream that had already started (HTTP 200 sent): overloaded or a plain API error. */
    public AnthropicError fromStreamError(JsonNode error) {
        String message = wording(error);
        if (message == null || message.isBlank()) {
            message = "The upstream reported an error during the stream.";
        }
        String code = error.path("code").asText("");
        String errorType = error.path("metadata").path("error_type").asText("");
        String status = error.path("status").asText(""); // Google's name for its code
        boolean overloaded = switch (code) {
            case "429", "502", "503", "529", "rate_limit_exceeded", "overloaded", "server_overloaded" -> true;
            default -> errorType.equals("provider_overloaded") || errorType.equals("provider_unavailable")
                    || errorType.equals("rate_limit_exceeded")
                    || status.equals("UNAVAILABLE") || status.equals("RESOURCE_EXHAUSTED")
                    || "rate_limited".equals(error.path("type").asText()) // Mistral's
                    || providerType(error) == ErrorType.OVERLOADED; // Moonshot's engine, Z.ai's 1312, as before a stream
        };
        return AnthropicError.of(overloaded ? ErrorType.OVERLOADED : ErrorType.API, truncate(message));
    }

    /**
     * What a provider's own classification says where its status says less, or null. Moonshot answers an overloaded
     * engine with 429 and {@code engine_overloaded_error}; Z.ai answers 429 to an exhausted balance, a locked account
     * and an overloaded model alike, told apart by the business code in {@code error.code} (docs.z.ai api-code), and
     * a rate limit that a balance or a lock causes must not be retried as one.
     */
    private static ErrorType providerType(JsonNode error) {
        if ("engine_overloaded_error".equals(error.path("type").asText())) {
            return ErrorType.OVERLOADED;
        }
        return switch (error.path("code").asText("")) {
            case "1113", "1309" -> ErrorType.BILLING;    // account in arrears; Coding Plan expired
            case "1112", "1121" -> ErrorType.PERMISSION; // account locked
            case "1312" -> ErrorType.OVERLOADED;
            default -> null;
        };
    }

    private static ErrorType typeFor(int status, String errorType) {
        switch (errorType) {
            case "provider_overloaded": return ErrorType.OVERLOADED;
            case "rate_limit_exceeded": return ErrorType.RATE_LIMIT;
            case "context_length_exceeded", "max_tokens_exceeded", "token_limit_exceeded": return ErrorType.INVALID_REQUEST;
            case "timeout": return ErrorType.TIMEOUT;
            default: break;
        }
        return switch (status) {
            case 401 -> ErrorType.AUTHENTICATION;
            case 402 -> ErrorType.BILLING;
            case 403 -> ErrorType.PERMISSION;
            case 404 -> ErrorType.NOT_FOUND;
            case 408, 504 -> ErrorType.TIMEOUT;
            case 413 -> ErrorType.REQUEST_TOO_LARGE;
            case 429 -> ErrorType.RATE_LIMIT;
            case 503, 529 -> ErrorType.OVERLOADED;
            default -> status >= 500 ? ErrorType.API : ErrorType.INVALID_REQUEST;
        };
    }

    /**
     * Rewords a context overflow the way Anthropic says it, which Claude Code's auto-compaction recognises:
     * {@code prompt is too long: N tokens > M maximum}, or, when the prompt fits but the output does not,
     * {@code input length and `max_tokens` exceed context limit: I + O > M} (Claude Code then retries with less output).
     */
    static String contextLengthWording(String message) {
        Matcher promptFirst = PROMPT_THEN_LIMIT.matcher(message);
        if (promptFirst.find()) {
            int prompt = matchedGroup(promptFirst);
            return promptTooLong(promptFirst.group(prompt), promptFirst.group(prompt + 1));
        }
        Matcher limitFirst = LIMIT_THEN_PROMPT.matcher(message);
        if (limitFirst.find()) {
            int limit = matchedGroup(limitFirst);
            return promptTooLong(limitFirst.group(limit + 1), limitFirst.group(limit));
        }
        Long max = number(MAX_CONTEXT, message);
        if (max == null) {
            return message;
        }
        Long requested = number(REQUESTED, message);
        Long output = number(OUTPUT_PART, message);
        // The input is all that was requested but the output: OpenRouter counts text, tool and image input apart.
        Long input = requested != null && output != null ? Long.valueOf(requested - output) : number(INPUT_PART, message);
        if (input != null && output != null && input <= max) {
            return "input length and `max_tokens` exceed context limit: " + input + " + " + output + " > " + max
                    + ", decrease input length or `max_tokens` and try again";
        }
        Long prompt = input != null ? input : requested;
        if (prompt == null) {
            return message;
        }
        return promptTooLong(prompt.toString(), max.toString());
    }

    /** Anthropic's wording of a prompt over the context window, which Claude Code compacts on. */
    private static String promptTooLong(String prompt, String max) {
        return "prompt is too long: " + prompt + " tokens > " + max + " maximum";
    }

    private static Long number(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Long.valueOf(m.group(matchedGroup(m))) : null;
    }

    /** The first group that took part in a match of alternatives, each with groups of its own. */
    private static int matchedGroup(Matcher match) {
        int group = 1;
        while (match.group(group) == null) {
            group++;
        }
        return group;
    }

    private JsonNode errorObject(byte[] body) {
        try {
            JsonNode root = json.readTree(body);
            if (root == null || !root.isObject()) {
                return null;
            }
            JsonNode error = root.get("error");
            return error != null ? error : root;
        } catch (IOException e) {
            return null;
        }
    }

    private String message(JsonNode error, byte[] body, int status) {
        String message = null;
        if (error != null) {
            message = wording(error);
        }
        if ((message == null || message.isBlank()) && body.length > 0) {
            // Not JSON, or JSON of another shape ({"detail": …}): the body itself is the upstream's wording.
            message = new String(body, StandardCharsets.UTF_8).strip();
        }
        if (message == null || message.isBlank()) {
            message = "The upstream answered HTTP " + status + " without an error message.";
        }
        return truncate(message);
    }

    /** An error's words: the provider's own behind OpenRouter's wrapper, else the error's message; null without any. */
    private String wording(JsonNode error) {
        String provider = providerMessage(error);
        return provider != null ? provider : error.isTextual() ? error.asText() : error.path("message").asText(null);
    }

    /**
     * The provider's own words behind OpenRouter's "Provider returned error", which carries them in
     * {@code error.metadata.raw}: the provider's error body as a string (Anthropic's or OpenAI's envelope, Google's
     * one-element array) or its plain text. Anthropic's {@code prompt is too long: N tokens > M maximum} arrives
     * this way, and Claude Code compacts only on those words; the wrapper's own message says nothing. Null when the
     * error carries no such answer.
     */
    private String providerMessage(JsonNode error) {
        JsonNode raw = error.path("metadata").path("raw");
        JsonNode answer = raw;
        if (raw.isTextual()) {
            try {
                answer = json.readTree(raw.textValue());
            } catch (IOException e) {
                answer = null; // not JSON: the text itself is the provider's wording
            }
        }
        if (answer != null && answer.isArray()) {
            answer = answer.path(0);
        }
        String message = null;
        if (answer != null && answer.isObject()) {
            JsonNode inner = answer.has("error") ? answer.get("error") : answer;
            message = inner.isTextual() ? inner.asText() : inner.path("message").asText(null);
        }
        if ((message == null || message.isBlank()) && raw.isTextual()) {
            message = raw.textValue().strip();
        }
        return message == null || message.isBlank() ? null : message;
    }

    private static String truncate(String message) {
        return message.length() <= MAX_MESSAGE_CHARS ? message : message.substring(0, MAX_MESSAGE_CHARS) + "…";
    }
}
