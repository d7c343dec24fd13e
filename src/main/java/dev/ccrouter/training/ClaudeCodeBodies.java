package dev.ccrouter.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Request bodies shaped like Claude Code's (claude-code.md): a 3-block system with the attribution block, a
 * mid-conversation system message, 24 tools whose schemas carry {@code $schema}, a tool round trip, cache markers on
 * the last block. Deterministic, so the AOT training run and the benchmarks see the same bytes every run.
 */
public final class ClaudeCodeBodies {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TOOLS = {"Task", "Bash", "Glob", "Grep", "LS", "ExitPlanMode", "Read", "Edit",
            "MultiEdit", "Write", "NotebookEdit", "WebFetch", "TodoWrite", "WebSearch", "BashOutput", "KillShell",
            "SlashCommand", "Skill", "AskUserQuestion", "EnterPlanMode", "ListMcpResources", "ReadMcpResource",
            "mcp__github__create_pull_request", "mcp__github__search_issues"};

    private ClaudeCodeBodies() {
    }

    /** A first-turn-plus-tool-round-trip body of about {@code targetBytes} (the real first request is ~78 KB). */
    public static ObjectNode toolRoundTrip(String model, int targetBytes, boolean stream) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        ObjectNode user = messages.addObject().put("role", "user");
        ArrayNode userContent = user.putArray("content");
        userContent.addObject().put("type", "text").put("text",
                "<system-reminder>\nAs you answer the user's questions, you can use the following context:\n"
                        + "# claudeMd\n" + prose(1500) + "\n</system-reminder>");
        userContent.addObject().put("type", "text").put("text", "Run the test suite and fix what fails.");
        messages.addObject().put("role", "system").put("content", "Available agent types and skills:\n" + prose(6000));
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
        ObjectNode main = system.addObject().put("type", "text").put("text", prose(5600));
        main.putObject("cache_control").put("type", "ephemeral");

        ArrayNode tools = body.putArray("tools");
        for (String name : TOOLS) {
            ObjectNode tool = tools.addObject().put("name", name).put("description", prose(900));
            ObjectNode schema = tool.putObject("input_schema");
            schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            schema.put("type", "object");
            ObjectNode properties = schema.putObject("properties");
            properties.putObject("command").put("type", "string").put("description", prose(160));
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
        toolResult.put("content", size < targetBytes ? testOutput(targetBytes - size) : "BUILD SUCCESS");
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

    private static String prose(int chars) {
        return repeated("Use the dedicated tools for file operations instead of shell commands when you can. ", chars);
    }

    private static String testOutput(int chars) {
        return repeated("[INFO] Tests run: 12, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.42 s -- in dev.example.SomeTest\n",
                chars);
    }

    /** {@code unit} repeated and cut to exactly {@code chars} characters. */
    private static String repeated(String unit, int chars) {
        return unit.repeat(chars / unit.length() + 1).substring(0, chars);
    }
}
