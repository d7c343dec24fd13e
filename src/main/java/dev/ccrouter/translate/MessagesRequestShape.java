package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Consumer;

/**
 * What a Messages request must look like: the one place that says which bodies the gateway refuses, for both
 * endpoints that take one. {@link MessagesRequestTranslator} checks a {@code POST /v1/messages} body here before it
 * translates it, and reads it afterwards without checking again; {@code POST /v1/messages/count_tokens} checks its body
 * here before the local estimate, which needs no translation. A fault that both endpoints check is told by both in
 * the same words.
 *
 * <p>A problem is an {@link InvalidRequestException} in Anthropic's pydantic-style wording with a dot-separated
 * field path, e.g. {@code max_tokens: Field required}, {@code messages: Input should be a valid list},
 * {@code messages.1.content.0.text: Input should be a valid string}. The first problem found is reported, the fields
 * taken in this order: the body is an object, {@code model}, {@code max_tokens}, {@code messages} a list of at least
 * one, the other parameters of a generation ({@code max_tokens} and these for {@code /v1/messages} only),
 * {@code tools}, {@code tool_choice}, {@code system}, each message, {@code output_config}, its {@code effort},
 * {@code thinking}, {@code output_config.format}, the top-level {@code cache_control}. JSON {@code null} counts as
 * an absent field. Unknown top-level fields and unknown fields of known blocks are tolerated (the translation drops
 * them). A string is checked for being one, not decoded: a client's long text spelled with escapes stays undecoded
 * unless the translation reads it.
 *
 * <p>Content blocks: a user turn takes {@code text}, {@code image}, {@code document}, {@code search_result} and
 * {@code tool_result}; an assistant turn {@code text}, {@code tool_use}, {@code thinking} and
 * {@code redacted_thinking}; a system prompt or system message {@code text}. A known block in the wrong role is
 * refused, and so is an unknown one, except server-tool history ({@link ContentBlocks#isServerToolHistory}), which
 * the translation leaves out unread. Files API sources ({@code source.type: "file"}) are refused: no other provider
 * can resolve them. Of {@code tools}, only custom ones are checked: a server tool is Anthropic's to define.
 */
public final class MessagesRequestShape {
    private MessagesRequestShape() {
    }

    /**
     * A {@code POST /v1/messages} body.
     *
     * @throws InvalidRequestException naming the first problem
     */
    public static void checkMessages(JsonNode body) {
        check(body, true);
    }

    /**
     * A {@code POST /v1/messages/count_tokens} body: Anthropic's count_tokens takes no {@code max_tokens} and none of
     * the parameters that steer a generation ({@code stream}, {@code temperature}, {@code top_p}, {@code top_k},
     * {@code stop_sequences}, {@code metadata}). Here they are fields it does not know, left alone as
     * {@code /v1/messages} leaves those: a client that sends a count_tokens body built from its message (Claude Code
     * may) is answered.
     *
     * @throws InvalidRequestException naming the first problem
     */
    public static void checkCountTokens(JsonNode body) {
        check(body, false);
    }

    /** @param generates whether the body asks for a generation, whose parameters are then checked too */
    private static void check(JsonNode body, boolean generates) {
        try {
            request(body, generates);
        } catch (FieldProblem problem) {
            throw problem.toInvalidRequest();
        }
    }

    private static void request(JsonNode request, boolean generates) {
        if (request == null || !request.isObject()) {
            throw FieldProblem.here(Fields.NOT_OBJECT);
        }
        model(request);
        if (generates) {
            maxTokens(request);
        }
        JsonNode messages = messageList(request);
        if (generates) {
            generationParameters(request);
        }
        each("tools", Fields.optionalArray(request, "tools"), MessagesRequestShape::tool);
        toolChoice(Fields.optional(request, "tool_choice"));
        system(Fields.optional(request, "system"));
        // each message on its own, named at its index, though the translation reads a role's run of them as one turn
        each("messages", messages, MessagesRequestShape::message);
        JsonNode outputConfig = Fields.optionalObject(request, "output_config");
        effort(outputConfig);
        thinking(Fields.optional(request, "thinking"));
        format(outputConfig);
        cacheControl(request);
    }

    private static void model(JsonNode request) {
        if (Fields.isEmptyText(Fields.requiredText(request, "model"))) {
            throw FieldProblem.at("model", "String should have at least 1 character");
        }
    }

    private static void maxTokens(JsonNode request) {
        if (Fields.requiredInteger(request, "max_tokens") < 0) {
            throw FieldProblem.at("max_tokens", "Input should be greater than or equal to 0");
        }
    }

    private static JsonNode messageList(JsonNode request) {
        JsonNode messages = Fields.required(request, "messages");
        if (!messages.isArray()) {
            throw FieldProblem.at("messages", Fields.NOT_LIST);
        }
        if (messages.isEmpty()) {
            throw FieldProblem.at("messages", "List should have at least 1 item after validation, not 0");
        }
        return messages;
    }

    private static void generationParameters(JsonNode request) {
        Fields.optionalBoolean(request, "stream");
        Fields.optionalUnitNumber(request, "temperature");
        Fields.optionalUnitNumber(request, "top_p");
        Fields.optionalInteger(request, "top_k");
        stopSequences(Fields.optionalArray(request, "stop_sequences"));
        metadata(Fields.optionalObject(request, "metadata"));
    }

    private static void stopSequences(JsonNode sequences) {
        if (sequences == null) {
            return;
        }
        for (int i = 0; i < sequences.size(); i++) {
            if (!sequences.get(i).isTextual()) {
                throw FieldProblem.at(Integer.toString(i), Fields.NOT_STRING).under("stop_sequences");
            }
        }
    }

    private static void metadata(JsonNode metadata) {
        within("metadata", metadata, m -> Fields.optionalText(m, "user_id"));
    }

    // ---- tools ---------------------------------------------------------------------------------------------------

    /**
     * A custom tool (no {@code type}, or {@code custom}); a server tool is Anthropic's to define and is not checked.
     * A tool marked {@code defer_loading} is checked whole whether the conversation has loaded it or not: whether a
     * body is valid does not depend on what its conversation says.
     */
    private static void tool(JsonNode tool) {
        if (!tool.isObject()) {
            throw FieldProblem.here(Fields.NOT_OBJECT);
        }
        String type = Fields.optionalString(tool, "type");
        if (type != null && !type.equals("custom")) {
            return;
        }
        Fields.requiredText(tool, "name");
        Fields.optionalText(tool, "description");
        Fields.requiredObject(tool, "input_schema");
        Fields.optionalBoolean(tool, "defer_loading");
        cacheControl(tool);
    }

    private static void toolChoice(JsonNode choice) {
        within("tool_choice", choice, MessagesRequestShape::choice);
    }

    private static void choice(JsonNode choice) {
        if (!choice.isObject()) {
            throw FieldProblem.here(Fields.NOT_OBJECT);
        }
        switch (Fields.requiredString(choice, "type")) {
            case "auto", "any", "none" -> { }
            case "tool" -> Fields.requiredText(choice, "name");
            default -> throw FieldProblem.at("type", Fields.oneOf("auto", "any", "tool", "none"));
        }
        Fields.optionalBoolean(choice, "disable_parallel_tool_use");
    }

    // ---- the conversation ----------------------------------------------------------------------------------------

    private static void system(JsonNode system) {
        within("system", system, prompt -> {
            if (!prompt.isTextual() && !prompt.isArray()) {
                throw FieldProblem.here(Fields.NOT_STRING_OR_LIST);
            }
            if (prompt.isArray()) {
                textBlocks(prompt);
            }
        });
    }

    /** A {@code system} message is Claude Code's mid-conversation system prompt (its agents, its skills). */
    private static void message(JsonNode message) {
        if (!message.isObject()) {
            throw FieldProblem.here(Fields.NOT_OBJECT);
        }
        String role = Fields.requiredString(message, "role");
        if (!role.equals("user") && !role.equals("assistant") && !role.equals("system")) {
            throw FieldProblem.at("role", Fields.oneOf("user", "assistant", "system"));
        }
        JsonNode content = Fields.required(message, "content");
        if (content.isTextual()) {
            return;
        }
        if (!content.isArray()) {
            throw FieldProblem.at("content", Fields.NOT_STRING_OR_LIST);
        }
        try {
            switch (role) {
                case "user" -> each(content, MessagesRequestShape::userBlock);
                case "assistant" -> each(content, MessagesRequestShape::assistantBlock);
                default -> textBlocks(content);
            }
        } catch (FieldProblem problem) {
            throw problem.under("content");
        }
    }

    private static void userBlock(JsonNode block) {
        String type = blockType(block);
        switch (type) {
            case "text" -> text(block);
            case "image" -> image(block);
            case "document" -> document(block);
            case "search_result" -> searchResult(block);
            case "tool_result" -> toolResult(block);
            case "tool_use", "thinking", "redacted_thinking" -> throw FieldProblem.at("type",
                    "'" + type + "' blocks are only allowed in assistant messages");
            default -> serverToolHistory(type);
        }
    }

    private static void assistantBlock(JsonNode block) {
        String type = blockType(block);
        switch (type) {
            case "text" -> text(block);
            case "tool_use" -> toolUse(block);
            case "thinking" -> {
                Fields.requiredText(block, "thinking");
                Fields.optionalText(block, "signature");
            }
            case "redacted_thinking" -> Fields.requiredText(block, "data");
            case "image", "document", "search_result", "tool_result" -> throw FieldProblem.at("type",
                    "'" + type + "' blocks are only allowed in user messages");
            default -> serverToolHistory(type);
        }
    }

    /** Blocks where only text is taken: the system prompt's, a system message's. */
    private static void textBlocks(JsonNode blocks) {
        each(blocks, block -> {
            if (!"text".equals(blockType(block))) {
                throw FieldProblem.at("type", Fields.oneOf("text"));
            }
            text(block);
        });
    }

    private static String blockType(JsonNode block) {
        if (!block.isObject()) {
            throw FieldProblem.here(Fields.NOT_OBJECT);
        }
        return Fields.requiredString(block, "type");
    }

    /** History of Anthropic's server tools is left out of the translation unread; any other type is unknown. */
    private static void serverToolHistory(String type) {
        if (!ContentBlocks.isServerToolHistory(type)) {
            throw FieldProblem.at("type", ContentBlocks.UNKNOWN_TYPE);
        }
    }

    // ---- content blocks ------------------------------------------------------------------------------------------

    private static void text(JsonNode block) {
        Fields.requiredText(block, "text");
        cacheControl(block);
    }

    private static void image(JsonNode block) {
        JsonNode source = Fields.requiredObject(block, "source");
        try {
            switch (Fields.requiredString(source, "type")) {
                case "base64" -> base64(source);
                case "url" -> Fields.requiredText(source, "url");
                default -> throw FieldProblem.at("type", Fields.oneOf("base64", "url"));
            }
        } catch (FieldProblem problem) {
            throw problem.under("source");
        }
        cacheControl(block);
    }

    private static void document(JsonNode block) {
        JsonNode source = Fields.requiredObject(block, "source");
        Fields.optionalText(block, "title");
        cacheControl(block);
        try {
            switch (Fields.requiredString(source, "type")) {
                case "base64" -> base64(source);
                case "url" -> Fields.requiredText(source, "url");
                case "text" -> Fields.requiredText(source, "data");
                case "content" -> documentContent(source);
                default -> throw FieldProblem.at("type", Fields.oneOf("base64", "text", "content", "url"));
            }
        } catch (FieldProblem problem) {
            throw problem.under("source");
        }
    }

    private static void base64(JsonNode source) {
        Fields.requiredText(source, "media_type");
        Fields.requiredText(source, "data");
    }

    /** A document made of content blocks: a string, or text and image blocks. */
    private static void documentContent(JsonNode source) {
        JsonNode content = Fields.required(source, "content");
        if (content.isTextual()) {
            return;
        }
        if (!content.isArray()) {
            throw FieldProblem.at("content", Fields.NOT_STRING_OR_LIST);
        }
        each("content", content, item -> {
            switch (blockType(item)) {
                case "text" -> text(item);
                case "image" -> image(item);
                default -> throw FieldProblem.at("type", Fields.oneOf("text", "image"));
            }
        });
    }

    private static void searchResult(JsonNode block) {
        Fields.requiredText(block, "title");
        Fields.requiredText(block, "source");
        JsonNode content = Fields.required(block, "content");
        if (!content.isArray()) {
            throw FieldProblem.at("content", Fields.NOT_LIST);
        }
        each("content", content, item -> {
            if (!"text".equals(blockType(item))) {
                throw FieldProblem.at("type", Fields.oneOf("text"));
            }
            Fields.requiredText(item, "text");
        });
        cacheControl(block);
    }

    private static void toolResult(JsonNode block) {
        Fields.requiredText(block, "tool_use_id");
        Fields.optionalBoolean(block, "is_error");
        cacheControl(block);
        JsonNode content = Fields.optional(block, "content");
        if (content == null || content.isTextual()) {
            return;
        }
        if (!content.isArray()) {
            throw FieldProblem.at("content", Fields.NOT_STRING_OR_LIST);
        }
        each("content", content, MessagesRequestShape::toolResultItem);
    }

    /** A {@code tool_reference} (tool search's answer) needs nothing: its {@code tool_name} is read where present. */
    private static void toolResultItem(JsonNode item) {
        switch (blockType(item)) {
            case "text" -> text(item);
            case "search_result" -> searchResult(item);
            case "image" -> image(item);
            case "document" -> document(item);
            case "tool_reference" -> { }
            default -> throw FieldProblem.at("type",
                    Fields.oneOf("text", "image", "document", "search_result", "tool_reference"));
        }
    }

    private static void toolUse(JsonNode block) {
        Fields.requiredText(block, "id");
        Fields.requiredText(block, "name");
        Fields.requiredObject(block, "input");
    }

    // ---- output_config, thinking, cache markers ------------------------------------------------------------------

    private static void effort(JsonNode outputConfig) {
        within("output_config", outputConfig, config -> Fields.optionalText(config, "effort"));
    }

    private static void thinking(JsonNode thinking) {
        within("thinking", thinking, config -> {
            if (!config.isObject()) {
                throw FieldProblem.here(Fields.NOT_OBJECT);
            }
            switch (Fields.requiredString(config, "type")) {
                case "enabled" -> Fields.requiredInteger(config, "budget_tokens");
                case "adaptive", "disabled" -> { }
                default -> throw FieldProblem.at("type", Fields.oneOf("enabled", "disabled", "adaptive"));
            }
        });
    }

    /** {@code output_config.format}: a JSON schema the answer must follow. */
    private static void format(JsonNode outputConfig) {
        within("output_config", outputConfig,
                config -> within("format", Fields.optionalObject(config, "format"), format -> {
                    if (!"json_schema".equals(Fields.requiredString(format, "type"))) {
                        throw FieldProblem.at("type", Fields.oneOf("json_schema"));
                    }
                    Fields.requiredObject(format, "schema");
                }));
    }

    /**
     * A cache marker, checked wherever it may stand whether or not the target caches (the translation forwards it
     * only to models that do): the same body gets the same answer on every route.
     */
    private static void cacheControl(JsonNode owner) {
        within("cache_control", Fields.optional(owner, "cache_control"), control -> {
            if (!control.isObject()) {
                throw FieldProblem.here(Fields.NOT_OBJECT);
            }
            if (!"ephemeral".equals(Fields.requiredString(control, "type"))) {
                throw FieldProblem.at("type", Fields.oneOf("ephemeral"));
            }
            String ttl = Fields.optionalString(control, "ttl");
            if (ttl != null && !ttl.equals("5m") && !ttl.equals("1h")) {
                throw FieldProblem.at("ttl", Fields.oneOf("5m", "1h"));
            }
        });
    }

    /** Checks each item of a list, a problem named at the item's index. */
    private static void each(JsonNode items, Consumer<JsonNode> check) {
        for (int i = 0; i < items.size(); i++) {
            try {
                check.accept(items.get(i));
            } catch (FieldProblem problem) {
                throw problem.under(i);
            }
        }
    }

    /** Checks each item of the list in that field, a problem named at the field and the item's index. */
    private static void each(String field, JsonNode items, Consumer<JsonNode> check) {
        within(field, items, list -> each(list, check));
    }

    /** Checks a field's value, a problem named under the field; nothing when the field is absent (null). */
    private static void within(String field, JsonNode value, Consumer<JsonNode> check) {
        if (value == null) {
            return;
        }
        try {
            check.accept(value);
        } catch (FieldProblem problem) {
            throw problem.under(field);
        }
    }
}
