package dev.ccrouter.translate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Anthropic combines consecutive user (or assistant) turns into one turn, so a call answered in the second of two
 * user messages, or a call made in the second of two assistant messages, is still paired with its result.
 */
class ConsecutiveTurnsTest {
    private static final UpstreamTarget PLAIN =
            new UpstreamTarget("claude", "deepseek/deepseek-chat", ModelCapabilities.PLAIN);
    private static final String EXPECTED = """
            [{"role":"user","content":"hi"},\
            {"role":"assistant","content":null,"tool_calls":[\
            {"id":"toolu_a","type":"function","function":{"name":"Bash","arguments":"{}"}},\
            {"id":"toolu_b","type":"function","function":{"name":"Bash","arguments":"{}"}}]},\
            {"role":"tool","tool_call_id":"toolu_a","content":"A"},\
            {"role":"tool","tool_call_id":"toolu_b","content":"B"}]""";

    private final MessagesRequestTranslator translator = new MessagesRequestTranslator(RequestFixtures.JSON);

    @Test
    void resultsSplitOverTwoUserMessagesAnswerTheirCalls() throws Exception {
        ChatRequest chat = translate("""
                {"model": "m", "max_tokens": 10, "messages": [
                  {"role": "user", "content": "hi"},
                  {"role": "assistant", "content": [
                    {"type": "tool_use", "id": "toolu_a", "name": "Bash", "input": {}},
                    {"type": "tool_use", "id": "toolu_b", "name": "Bash", "input": {}}]},
                  {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_a", "content": "A"}]},
                  {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_b", "content": "B"}]}]}""");

        assertThat(chat.body().path("messages").toString()).isEqualTo(EXPECTED);
    }

    @Test
    void callsSplitOverTwoAssistantMessagesGetTheirResults() throws Exception {
        ChatRequest chat = translate("""
                {"model": "m", "max_tokens": 10, "messages": [
                  {"role": "user", "content": "hi"},
                  {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_a", "name": "Bash", "input": {}}]},
                  {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_b", "name": "Bash", "input": {}}]},
                  {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_a", "content": "A"},
                    {"type": "tool_result", "tool_use_id": "toolu_b", "content": "B"}]}]}""");

        assertThat(chat.body().path("messages").toString()).isEqualTo(EXPECTED);
    }

    private ChatRequest translate(String body) throws Exception {
        return translator.translate(RequestFixtures.JSON.readTree(body), PLAIN, null);
    }
}
