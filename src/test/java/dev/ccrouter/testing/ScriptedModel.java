package dev.ccrouter.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake OpenAI-compatible model that behaves like a small coding agent, for driving the real Claude Code CLI through
 * the gateway. It reads the conversation and answers by rule:
 * <ul>
 *   <li>after tool results: a text that quotes them ({@code Tool results: …});</li>
 *   <li>a prompt containing {@code parallel}: two Bash calls at once, with interleaved argument fragments;</li>
 *   <li>{@code bash}: one Bash call ({@code echo ccrouter-bash-ok});</li>
 *   <li>{@code read <path>}: one Read call for that path;</li>
 *   <li>{@code think}: signed reasoning, then a text;</li>
 *   <li>anything else: {@code Hello from the scripted model.}</li>
 * </ul>
 * Run standalone: {@code java -cp … dev.ccrouter.testing.ScriptedModel 18080} serves {@code /v1/chat/completions}.
 */
public final class ScriptedModel implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 18080;
        ScriptedModel model = start(port);
        System.out.println("scripted model on " + model.baseUrl());
        Thread.currentThread().join();
    }

    public static ScriptedModel start(int port) {
        return new ScriptedModel(port);
    }

    /** Base URL to give the gateway as its upstream. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    /** Every chat completion request received, in order. */
    public List<JsonNode> requests() {
        return requests;
    }

    @Override
    public void close() {
        server.stop();
    }

    private ScriptedModel(int port) {
        server = WebServer.builder().host("127.0.0.1").port(port)
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(r -> r.post("/v1/chat/completions", (req, res) -> {
                    JsonNode request = JSON.readTree(req.content().as(byte[].class));
                    requests.add(request);
                    List<ObjectNode> chunks = answer(request.path("messages"));
                    chunks.getLast().set("usage", usage(request.path("model").asText()));
                    if (request.path("stream").asBoolean(false)) {
                        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
                        try (OutputStream out = res.outputStream()) {
                            for (ObjectNode chunk : chunks) {
                                out.write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
                                out.flush();
                            }
                            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                        }
                    } else {
                        res.header(HeaderNames.CONTENT_TYPE, "application/json");
                        res.send(JSON.writeValueAsBytes(whole(chunks)));
                    }
                }))
                .build().start();
    }

    /** The answer as stream chunks; the last one carries usage. */
    static List<ObjectNode> answer(JsonNode messages) {
        List<ObjectNode> chunks = new ArrayList<>();
        JsonNode last = messages.path(messages.size() - 1);
        String prompt = lastUserText(messages).toLowerCase();
        if (last.path("role").asText().equals("tool") || isAfterToolResults(messages)) {
            StringBuilder results = new StringBuilder("Tool results:");
            for (JsonNode message : messages) {
                if (message.path("role").asText().equals("tool")) {
                    results.append(' ').append(text(message.path("content")).strip());
                }
            }
            chunks.add(delta(JSON.createObjectNode().put("content", results.toString())));
            chunks.add(finish("stop"));
        } else if (prompt.contains("delegate")) {
            // Claude Code's Agent tool, asked for a haiku subagent that answers before the main loop goes on
            chunks.add(toolCallStart(0, "call_a1", "Agent", "{\"description\":\"Greet\",\"prompt\":\"Say hi\","
                    + "\"subagent_type\":\"general-purpose\",\"model\":\"haiku\",\"run_in_background\":false}"));
            chunks.add(finish("tool_calls"));
        } else if (prompt.contains("deferred")) {
            // Claude Code's ToolSearch, loading one of the tools it defers (named in its system message, not sent)
            chunks.add(toolCallStart(0, "call_s1", "ToolSearch", "{\"query\":\"select:WebFetch\",\"max_results\":1}"));
            chunks.add(finish("tool_calls"));
        } else if (prompt.contains("parallel")) {
            chunks.add(toolCallStart(0, "call_p1", "Bash", "{\"command\":"));
            chunks.add(toolCallStart(1, "call_p2", "Bash", "{\"command\":"));
            chunks.add(toolCallArguments(0, "\"echo parallel-one\",\"description\":\"first\"}"));
            chunks.add(toolCallArguments(1, "\"echo parallel-two\",\"description\":\"second\"}"));
            chunks.add(finish("tool_calls"));
        } else if (prompt.contains("bash")) {
            chunks.add(delta(JSON.createObjectNode().put("content", "Running it.")));
            chunks.add(toolCallStart(0, "call_b1", "Bash", ""));
            chunks.add(toolCallArguments(0, "{\"command\":\"echo ccrouter-bash-ok\","));
            chunks.add(toolCallArguments(0, "\"description\":\"Print a marker\"}"));
            chunks.add(finish("tool_calls"));
        } else if (prompt.contains("read ")) {
            String path = prompt.substring(prompt.indexOf("read ") + 5).strip().split("\\s+")[0];
            chunks.add(toolCallStart(0, "call_r1", "Read", "{\"file_path\":" + JSON.valueToTree(path) + "}"));
            chunks.add(finish("tool_calls"));
        } else if (prompt.contains("think")) {
            ObjectNode reasoning = JSON.createObjectNode().put("reasoning", "Thinking it over.");
            reasoning.putArray("reasoning_details").addObject().put("type", "reasoning.text")
                    .put("text", "Thinking it over.").put("format", "anthropic-claude-v1").put("index", 0);
            chunks.add(delta(reasoning));
            chunks.add(delta(JSON.createObjectNode().put("content", "Thought about it: 42.")));
            ObjectNode signature = JSON.createObjectNode();
            signature.putArray("reasoning_details").addObject().put("type", "reasoning.text").put("text", "")
                    .put("signature", "c2lnbmF0dXJl").put("format", "anthropic-claude-v1").put("index", 0);
            chunks.add(delta(signature));
            chunks.add(finish("stop"));
        } else {
            chunks.add(delta(JSON.createObjectNode().put("role", "assistant").put("content", "Hello from the ")));
            chunks.add(delta(JSON.createObjectNode().put("content", "scripted model.")));
            chunks.add(finish("stop"));
        }
        ObjectNode usage = JSON.createObjectNode();
        usage.putArray("choices");
        usage.set("usage", usage(""));
        chunks.add(usage);
        return chunks;
    }

    /**
     * The usage of every answer, as OpenRouter reports it for a Claude model: 1 200 prompt tokens, 1 000 of them
     * read from the cache and 150 written to it for 5 minutes (a count OpenRouter does not always report: the
     * gateway infers it from the cost), 50 after the last breakpoint, 25 output tokens. The cost is what that
     * costs at the model's list price (none for other models).
     */
    static ObjectNode usage(String model) {
        ObjectNode usage = JSON.createObjectNode()
                .put("prompt_tokens", INPUT_TOKENS + CACHE_WRITE_TOKENS + CACHE_READ_TOKENS)
                .put("completion_tokens", OUTPUT_TOKENS);
        usage.putObject("prompt_tokens_details").put("cached_tokens", CACHE_READ_TOKENS);
        String cost = COSTS.get(model);
        if (cost != null) {
            usage.put("cost", new BigDecimal(cost));
        }
        return usage;
    }

    /** The tokens of every answer as Anthropic counts them: input after the last cache breakpoint, 5-minute cache
     * writes, cache reads and output. */
    public static final long INPUT_TOKENS = 50;
    public static final long CACHE_WRITE_TOKENS = 150;
    public static final long CACHE_READ_TOKENS = 1000;
    public static final long OUTPUT_TOKENS = 25;

    /** 50 input, 150 five-minute writes, 1 000 reads and 25 output tokens at each model's price per token. */
    public static final Map<String, String> COSTS = Map.of(
            "anthropic/claude-opus-4.6", "0.0023125",     // 50×5e-6 + 150×6.25e-6 + 1000×0.5e-6 + 25×25e-6
            "anthropic/claude-sonnet-4.6", "0.0013875",   // 50×3e-6 + 150×3.75e-6 + 1000×0.3e-6 + 25×15e-6
            "anthropic/claude-haiku-4.5", "0.0004625");   // 50×1e-6 + 150×1.25e-6 + 1000×0.1e-6 + 25×5e-6

    private static boolean isAfterToolResults(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            String role = messages.path(i).path("role").asText();
            if (role.equals("tool")) {
                return true;
            }
            if (role.equals("assistant")) {
                return false;
            }
        }
        return false;
    }

    /** The prompt: the last text part of the last user message (earlier parts are Claude Code's reminders). */
    private static String lastUserText(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode message = messages.path(i);
            if (message.path("role").asText().equals("user")) {
                JsonNode content = message.path("content");
                return content.isArray() ? content.path(content.size() - 1).path("text").asText("") : content.asText("");
            }
        }
        return "";
    }

    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            text.append(part.path("text").asText("")).append('\n');
        }
        return text.toString();
    }

    private static ObjectNode delta(ObjectNode delta) {
        ObjectNode chunk = JSON.createObjectNode().put("id", "gen-scripted").put("object", "chat.completion.chunk");
        chunk.putArray("choices").addObject().put("index", 0).set("delta", delta);
        return chunk;
    }

    private static ObjectNode toolCallStart(int index, String id, String name, String arguments) {
        ObjectNode delta = JSON.createObjectNode();
        ObjectNode call = delta.putArray("tool_calls").addObject().put("index", index).put("id", id).put("type", "function");
        call.putObject("function").put("name", name).put("arguments", arguments);
        return delta(delta);
    }

    private static ObjectNode toolCallArguments(int index, String arguments) {
        ObjectNode delta = JSON.createObjectNode();
        delta.putArray("tool_calls").addObject().put("index", index).putObject("function").put("arguments", arguments);
        return delta(delta);
    }

    private static ObjectNode finish(String reason) {
        ObjectNode chunk = JSON.createObjectNode().put("id", "gen-scripted").put("object", "chat.completion.chunk");
        chunk.putArray("choices").addObject().put("index", 0).put("finish_reason", reason)
                .putObject("delta");
        return chunk;
    }

    /** The same answer as one non-streaming completion. */
    private static ObjectNode whole(List<ObjectNode> chunks) {
        ObjectNode message = JSON.createObjectNode().put("role", "assistant");
        StringBuilder content = new StringBuilder();
        ArrayNode toolCalls = JSON.createArrayNode();
        String finishReason = "stop";
        JsonNode usage = null;
        for (ObjectNode chunk : chunks) {
            if (chunk.has("usage")) {
                usage = chunk.get("usage");
            }
            for (JsonNode choice : chunk.path("choices")) {
                JsonNode delta = choice.path("delta");
                content.append(delta.path("content").asText(""));
                if (delta.has("reasoning_details")) {
                    ArrayNode details = message.has("reasoning_details")
                            ? (ArrayNode) message.get("reasoning_details") : message.putArray("reasoning_details");
                    delta.get("reasoning_details").forEach(details::add);
                }
                for (JsonNode call : delta.path("tool_calls")) {
                    int index = call.path("index").asInt();
                    while (toolCalls.size() <= index) {
                        toolCalls.addObject().put("type", "function").putObject("function").put("arguments", "");
                    }
                    ObjectNode target = (ObjectNode) toolCalls.get(index);
                    if (call.has("id")) {
                        target.put("id", call.get("id").asText());
                    }
                    ObjectNode function = (ObjectNode) target.get("function");
                    if (call.path("function").has("name")) {
                        function.put("name", call.path("function").path("name").asText());
                    }
                    function.put("arguments", function.path("arguments").asText() + call.path("function").path("arguments").asText(""));
                }
                if (choice.hasNonNull("finish_reason")) {
                    finishReason = choice.get("finish_reason").asText();
                }
            }
        }
        message.put("content", content.toString());
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }
        ObjectNode completion = JSON.createObjectNode().put("id", "gen-scripted").put("object", "chat.completion");
        completion.putArray("choices").addObject().put("index", 0).put("finish_reason", finishReason).set("message", message);
        completion.set("usage", usage);
        return completion;
    }
}
