package dev.ccrouter.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Any valid Anthropic request translates, and what goes upstream is a valid OpenAI chat body: every tool call names a
 * declared tool with arguments that are the client's input as a JSON string, every tool call is answered by exactly
 * one {@code tool} message right after it, roles are OpenAI's, and no text of the conversation is lost. A bounded
 * run (200 tries, junit-platform.properties) is part of the ordinary suite;
 * {@code mvn test -Dtest=RequestTranslationPropertiesTest -Djqwik.tries.default=20000} runs a long one.
 */
class RequestTranslationPropertiesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final UpstreamTarget TARGET = new UpstreamTarget("claude", "deepseek/deepseek-chat", ModelCapabilities.PLAIN);
    static final Pattern OPENAI_TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    /** One generated request and the texts it carries, to look for on the other side. */
    record Generated(ObjectNode request, List<String> texts) {
        @Override
        public String toString() {
            return request.toString();
        }
    }

    @Property
    void anyValidRequestBecomesAValidChatBody(@ForAll("requests") Generated generated) throws Exception {
        ChatRequest chat = new MessagesRequestTranslator(JSON).translate(generated.request(), TARGET, null);
        ObjectNode body = chat.body();
        JsonNode reparsed = JSON.readTree(JSON.writeValueAsBytes(body));
        assertThat(reparsed).isEqualTo(body);

        assertThat(body.path("model").asText()).isEqualTo("deepseek/deepseek-chat");
        assertThat(body.path("max_tokens").asLong()).isBetween(1L, generated.request().path("max_tokens").asLong());
        Set<String> declared = new HashSet<>();
        for (JsonNode tool : body.path("tools")) {
            assertThat(tool.path("type").asText()).isEqualTo("function");
            String name = tool.path("function").path("name").asText();
            assertThat(name).matches(OPENAI_TOOL_NAME);
            assertThat(tool.path("function").path("parameters").isObject()).isTrue();
            declared.add(name);
        }

        ArrayNode messages = (ArrayNode) body.path("messages");
        assertThat(messages).isNotEmpty();
        Set<String> awaitingAnswer = new LinkedHashSet<>();
        StringBuilder allText = new StringBuilder();
        for (JsonNode message : messages) {
            String role = message.path("role").asText();
            assertThat(ROLES).contains(role);
            if (role.equals("tool")) {
                assertThat(awaitingAnswer).as("tool message answers a pending call").contains(message.path("tool_call_id").asText());
                awaitingAnswer.remove(message.path("tool_call_id").asText());
            } else {
                assertThat(awaitingAnswer).as("calls answered before the next %s message", role).isEmpty();
            }
            for (JsonNode call : message.path("tool_calls")) {
                assertThat(call.path("type").asText()).isEqualTo("function");
                assertThat(declared).contains(call.path("function").path("name").asText());
                assertThat(JSON.readTree(call.path("function").path("arguments").asText()).isObject()).isTrue();
                assertThat(awaitingAnswer.add(call.path("id").asText())).as("tool call ids are unique").isTrue();
            }
            JsonNode content = message.path("content");
            if (content.isTextual()) {
                allText.append(content.asText()).append('\n');
            } else {
                content.forEach(part -> allText.append(part.path("text").asText()).append('\n'));
            }
        }
        assertThat(awaitingAnswer).as("every tool call answered").isEmpty();
        // printed with the run, and checked: a generator that never produced tool calls would make this property weak
        Statistics.label("tool calls").collect(body.toString().contains("\"tool_calls\"") ? "some" : "none");
        Statistics.label("tool calls").coverage(coverage -> coverage.check("some").percentage(share -> share > 20));
        for (String text : generated.texts()) {
            assertThat(allText.toString()).contains(text);
        }
    }

    @Provide
    Arbitrary<Generated> requests() {
        Arbitrary<List<String>> toolNames = Arbitraries.strings().withCharRange('a', 'z').withChars("_-0123456789")
                .ofMinLength(1).ofMaxLength(64).list().ofMaxSize(4).uniqueElements();
        Arbitrary<List<Turn>> turns = turn().list().ofMinSize(1).ofMaxSize(5);
        Arbitrary<String> system = text().injectNull(0.5);
        Arbitrary<Long> maxTokens = Arbitraries.longs().between(1, 64_000);
        Arbitrary<Boolean> stream = Arbitraries.of(true, false);
        return Combinators.combine(toolNames, turns, system, maxTokens, stream).as(RequestTranslationPropertiesTest::build);
    }

    /** A user text, then maybe an assistant answer with text and calls to tools chosen by index. */
    record Turn(String user, String assistant, List<Integer> calls, List<ObjectNode> inputs) {
    }

    static Arbitrary<Turn> turn() {
        return Combinators.combine(text(), text().injectNull(0.3), Arbitraries.integers().between(0, 3).list().ofMaxSize(3),
                input().list().ofSize(3)).as(Turn::new);
    }

    static Arbitrary<String> text() {
        return Arbitraries.strings().withCharRange(' ', '~').withChars("\n\té漢ß").ofMinLength(1).ofMaxLength(60)
                .filter(value -> !value.isBlank());
    }

    static Arbitrary<ObjectNode> input() {
        Arbitrary<String> keys = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
        Arbitrary<Object> values = Arbitraries.oneOf(text().map(v -> (Object) v), Arbitraries.integers().map(v -> (Object) v),
                Arbitraries.of(true, false).map(v -> (Object) v));
        return Arbitraries.maps(keys, values).ofMaxSize(3).map(map -> {
            ObjectNode node = JSON.createObjectNode();
            map.forEach((key, value) -> node.set(key, JSON.valueToTree(value)));
            return node;
        });
    }

    static Generated build(List<String> toolNames, List<Turn> turns, String system, long maxTokens, boolean stream) {
        ObjectNode request = JSON.createObjectNode().put("model", "claude-sonnet-4-6").put("max_tokens", maxTokens)
                .put("stream", stream);
        List<String> texts = new ArrayList<>();
        if (system != null) {
            request.put("system", system);
            texts.add(system);
        }
        ArrayNode tools = request.putArray("tools");
        for (String name : toolNames) {
            ObjectNode tool = tools.addObject().put("name", name).put("description", "tool " + name);
            tool.putObject("input_schema").put("type", "object").putObject("properties");
        }
        if (toolNames.isEmpty()) {
            request.remove("tools");
        }
        ArrayNode messages = request.putArray("messages");
        List<String> pendingIds = new ArrayList<>();
        int ids = 0;
        for (int t = 0; t < turns.size(); t++) {
            Turn turn = turns.get(t);
            ArrayNode userContent = messages.addObject().put("role", "user").putArray("content");
            for (String id : pendingIds) {
                userContent.addObject().put("type", "tool_result").put("tool_use_id", id).put("content", "done " + id);
                texts.add("done " + id);
            }
            pendingIds.clear();
            userContent.addObject().put("type", "text").put("text", turn.user());
            texts.add(turn.user());
            boolean last = t == turns.size() - 1;
            if (last || turn.assistant() == null) {
                if (!last) {
                    messages.addObject().put("role", "assistant").put("content", "ok");
                }
                continue;
            }
            ArrayNode assistantContent = messages.addObject().put("role", "assistant").putArray("content");
            assistantContent.addObject().put("type", "text").put("text", turn.assistant());
            texts.add(turn.assistant());
            if (!toolNames.isEmpty()) {
                for (int c = 0; c < turn.calls().size(); c++) {
                    String id = "toolu_" + (ids++);
                    assistantContent.addObject().put("type", "tool_use").put("id", id)
                            .put("name", toolNames.get(turn.calls().get(c) % toolNames.size()))
                            .set("input", turn.inputs().get(c));
                    pendingIds.add(id);
                }
            }
        }
        return new Generated(request, texts);
    }
}
