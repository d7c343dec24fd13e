package dev.ccrouter.rehearsal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Request bodies shaped like Claude Code's (docs/protocol.md, "What Claude Code sends"): a 3-block system with the
 * attribution block, a mid-conversation system message, 24 tools whose schemas carry {@code $schema}, a tool round
 * trip, cache markers on the last block. Deterministic, so the AOT training run and the benchmarks see the same bytes every run.
 */
public final class ClaudeCodeBodies {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a body's texts are made of: its tools' names, the sentence its prose repeats, the line its test output
     * repeats.
     */
    public record Words(List<String> tools, String prose, String output) {
        /** Claude Code's own tools; the benchmarks', the tests' and the training's bodies. */
        public static final Words SESSION = new Words(List.of("Task", "Bash", "Glob", "Grep", "LS", "ExitPlanMode",
                "Read", "Edit", "MultiEdit", "Write", "NotebookEdit", "WebFetch", "TodoWrite", "WebSearch",
                "BashOutput", "KillShell", "SlashCommand", "Skill", "AskUserQuestion", "EnterPlanMode",
                "ListMcpResources", "ReadMcpResource", "mcp__github__create_pull_request",
                "mcp__github__search_issues"),
                "Use the dedicated tools for file operations instead of shell commands when you can. ",
                "[INFO] Tests run: 12, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.42 s -- in "
                        + "dev.example.SomeTest\n");
        /**
         * Other tools and other texts, for the start's rehearsal: a first request it helps is never one whose bytes it
         * has already seen, and no benchmark's body is.
         */
        public static final Words REHEARSAL = new Words(List.of("Agent", "Shell", "FindFiles", "SearchText", "List",
                "LeavePlan", "View", "Patch", "PatchMany", "Create", "EditCell", "Fetch", "Plan", "Search",
                "ShellOutput", "StopShell", "Command", "Recipe", "Ask", "StartPlan", "ListResources", "ViewResource",
                "mcp__tracker__open_change", "mcp__tracker__find_tickets"),
                "Prefer reading a file before changing it, and keep each change as small as the task allows. ",
                "ok 17 - parses the configuration file and reports every unknown key with its line (3 ms)\n");
    }

    private ClaudeCodeBodies() {
    }

    /** A first-turn-plus-tool-round-trip body of about {@code targetBytes} (the real first request is ~78 KB). */
    public static ObjectNode toolRoundTrip(String model, int targetBytes, boolean stream) {
        return toolRoundTrip(Words.SESSION, model, targetBytes, stream);
    }

    /** The same made of other {@code words}. */
    public static ObjectNode toolRoundTrip(Words words, String model, int targetBytes, boolean stream) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        ObjectNode user = messages.addObject().put("role", "user");
        ArrayNode userContent = user.putArray("content");
        userContent.addObject().put("type", "text").put("text",
                "<system-reminder>\nAs you answer the user's questions, you can use the following context:\n"
                        + "# claudeMd\n" + prose(words, 1500) + "\n</system-reminder>");
        userContent.addObject().put("type", "text").put("text", "Run the test suite and fix what fails.");
        messages.addObject().put("role", "system")
                .put("content", "Available agent types and skills:\n" + prose(words, 6000));
        ObjectNode assistant = messages.addObject().put("role", "assistant");
        ArrayNode assistantContent = assistant.putArray("content");
        assistantContent.addObject().put("type", "text").put("text", "I'll run the tests first.");
        ObjectNode toolUse = assistantContent.addObject().put("type", "tool_use").put("id", "toolu_01A09q90qw90lq917835lq9")
                .put("name", "Bash");
        toolUse.putObject("input").put("command", "mvn -q test").put("description", "Run the test suite");
        ObjectNode result = messages.addObject().put("role", "user");
        ArrayNode resultContent = result.putArray("content");
        ObjectNode toolResult = resultContent.addObject().put("type", "tool_result")
                .put("tool_use_id", "toolu_01A09q90qw90lq917835lq9").put("is_error", false);
        toolResult.putObject("cache_control").put("type", "ephemeral");

        ArrayNode system = body.putArray("system");
        system.addObject().put("type", "text")
                .put("text", "x-anthropic-billing-header: cc_version=2.1.197.a3f; cc_entrypoint=sdk-cli;");
        ObjectNode identity = system.addObject().put("type", "text")
                .put("text", "You are Claude Code, Anthropic's official CLI for Claude.");
        identity.putObject("cache_control").put("type", "ephemeral");
        ObjectNode main = system.addObject().put("type", "text").put("text", prose(words, 5600));
        main.putObject("cache_control").put("type", "ephemeral");

        ArrayNode tools = body.putArray("tools");
        for (String name : words.tools()) {
            ObjectNode tool = tools.addObject().put("name", name).put("description", prose(words, 900));
            ObjectNode schema = tool.putObject("input_schema");
            schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            schema.put("type", "object");
            ObjectNode properties = schema.putObject("properties");
            properties.putObject("command").put("type", "string").put("description", prose(words, 160));
            properties.putObject("timeout").put("type", "number").put("description", "Optional timeout in milliseconds");
            properties.putObject("paths").put("type", "array").putObject("items").put("type", "string");
            schema.putArray("required").add("command");
            schema.put("additionalProperties", false);
        }
        body.putObject("metadata").put("user_id",
                "{\"device_id\":\"4f1c\",\"account_uuid\":\"\",\"session_id\":\"5b1c3d0e-0000-4000-8000-000000000001\"}");
        body.put("max_tokens", 32000);
        body.putObject("thinking").put("type", "adaptive");
        body.putObject("context_management").putArray("edits").addObject()
                .put("type", "clear_thinking_20251015").put("keep", "all");
        body.putObject("output_config").put("effort", "high");
        if (stream) {
            body.put("stream", true);
        }
        int size = body.toString().length();
        toolResult.put("content", size < targetBytes ? repeated(words.output(), targetBytes - size) : "BUILD SUCCESS");
        return body;
    }

    /** A minimal body: one short user message. */
    public static ObjectNode small(String model, boolean stream) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        body.put("max_tokens", 1024);
        body.putArray("messages").addObject().put("role", "user").put("content", "Say hi");
        if (stream) {
            body.put("stream", true);
        }
        return body;
    }

    private static String prose(Words words, int chars) {
        return repeated(words.prose(), chars);
    }

    /** {@code unit} repeated and cut to exactly {@code chars} characters. */
    private static String repeated(String unit, int chars) {
        return unit.repeat(chars / unit.length() + 1).substring(0, chars);
    }
}
