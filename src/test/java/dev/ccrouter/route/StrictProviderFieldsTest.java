package dev.ccrouter.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.translate.MessagesRequestTranslator;
import dev.ccrouter.translate.UpstreamTarget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Providers that refuse unknown body fields get none: one Claude Code turn through each built-in preset. */
class StrictProviderFieldsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GatewayConfig DEFAULTS = new ConfigLoader(Map.of("HOME", "/tmp")).load(ConfigLoader.Flags.NONE);
    /** What Claude Code sends on every turn (stream, metadata.user_id), plus a top_k from another Anthropic client. */
    private static final String TURN = """
            {"model": "claude-sonnet-5", "max_tokens": 32000, "stream": true, "top_k": 40,
             "metadata": {"user_id": "{\\"device_id\\":\\"d\\",\\"account_uuid\\":\\"\\",\\"session_id\\":\\"s\\"}"},
             "messages": [{"role": "user", "content": "hi"}]}""";

    private final MessagesRequestTranslator translator = new MessagesRequestTranslator(JSON);

    @Test
    void mistralGetsOnlyFieldsItsRequestSchemaDeclares() throws Exception {
        // Mistral's chat schema forbids extra inputs (422 extra_forbidden); it has no user, stream_options or top_k.
        JsonNode body = translate("mistral", "mistral-medium-latest");

        assertThat(body.has("user")).as("user").isFalse();
        assertThat(body.has("stream_options")).as("stream_options").isFalse();
        assertThat(body.has("top_k")).as("top_k").isFalse();
    }

    @ParameterizedTest
    @CsvSource({"openai, gpt-5.1", "gemini, gemini-3.5-flash"})
    void topKIsNotSentWhereItIsAnUnknownArgument(String preset, String model) throws Exception {
        // OpenAI: "Unrecognized request argument supplied: top_k"; Gemini: "Unknown name \"top_k\": Cannot find field."
        assertThat(translate(preset, model).has("top_k")).isFalse();
    }

    private JsonNode translate(String preset, String model) throws Exception {
        Router router = new Router(DEFAULTS.withProviders(List.of(
                new ProviderSettings("p", preset, null, List.of(), null, Map.of()))));
        Provider provider = router.providers().get("p");
        UpstreamTarget target = new UpstreamTarget(model, model, provider.capabilities(model), provider.dialect());
        return translator.translate(JSON.readTree(TURN), target, "session-1").body();
    }
}
