package dev.ccrouter.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UpstreamErrorsTest {
    private final UpstreamErrors errors = new UpstreamErrors(Fixtures.JSON);

    private static Arguments response(String name, int status, String body, String retryAfter,
                                      int expectedStatus, ErrorType type, String message, String expectedRetryAfter) {
        return Arguments.of(name, status, body, retryAfter,
                new AnthropicError(expectedStatus, type, message, expectedRetryAfter));
    }

    private static String openRouter(int code, String message, String errorType) {
        String metadata = errorType == null ? "" : ",\"metadata\":{\"error_type\":\"" + errorType + "\"}";
        return "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\"" + metadata + "}}";
    }

    static Stream<Arguments> responses() {
        return Stream.of(
                response("400 OpenAI body", 400,
                        "{\"error\":{\"message\":\"Invalid 'messages[1].content': string too long.\",\"type\":\"invalid_request_error\","
                                + "\"param\":\"messages[1].content\",\"code\":\"string_above_max_length\"}}",
                        null, 400, ErrorType.INVALID_REQUEST, "Invalid 'messages[1].content': string too long.", null),
                response("401 OpenRouter", 401, openRouter(401, "No cookie auth credentials found", null), null,
                        401, ErrorType.AUTHENTICATION, "No cookie auth credentials found", null),
                response("401 OpenAI", 401,
                        "{\"error\":{\"message\":\"Incorrect API key provided: sk-abc***xyz.\",\"type\":\"invalid_request_error\","
                                + "\"param\":null,\"code\":\"invalid_api_key\"}}",
                        null, 401, ErrorType.AUTHENTICATION, "Incorrect API key provided: sk-abc***xyz.", null),
                response("402 insufficient credits", 402,
                        openRouter(402, "Insufficient credits. Add more using https://openrouter.ai/settings/credits", "payment_required"),
                        null, 402, ErrorType.BILLING, "Insufficient credits. Add more using https://openrouter.ai/settings/credits", null),
                response("403 moderation", 403, openRouter(403, "Input was flagged by moderation", "content_policy_violation"),
                        null, 403, ErrorType.PERMISSION, "Input was flagged by moderation", null),
                response("404 no endpoints", 404, openRouter(404, "No endpoints found for foo/bar.", "not_found"), null,
                        404, ErrorType.NOT_FOUND, "No endpoints found for foo/bar.", null),
                response("408 timeout", 408, openRouter(408, "Request timed out", null), null,
                        504, ErrorType.TIMEOUT, "Request timed out", null),
                response("413 payload too large", 413, openRouter(413, "Request entity too large", "payload_too_large"), null,
                        413, ErrorType.REQUEST_TOO_LARGE, "Request entity too large", null),
                response("422 other 4xx", 422, openRouter(422, "Unprocessable", "unprocessable"), null,
                        400, ErrorType.INVALID_REQUEST, "Unprocessable", null),
                response("429 keeps retry-after", 429,
                        openRouter(429, "Rate limit exceeded: free-models-per-min.", "rate_limit_exceeded"), "7",
                        429, ErrorType.RATE_LIMIT, "Rate limit exceeded: free-models-per-min.", "7"),
                response("Moonshot's overloaded engine, a 429", 429,
                        "{\"error\":{\"message\":\"The engine is currently overloaded, please try again later\","
                                + "\"type\":\"engine_overloaded_error\"}}", "3",
                        529, ErrorType.OVERLOADED, "The engine is currently overloaded, please try again later", "3"),
                response("Z.ai's account in arrears, a 429", 429,
                        "{\"error\":{\"code\":\"1113\",\"message\":\"Insufficient balance or no resource package. "
                                + "Please recharge.\"}}", null,
                        402, ErrorType.BILLING, "Insufficient balance or no resource package. Please recharge.", null),
                response("Z.ai's coding plan expired, a 429", 429,
                        "{\"error\":{\"code\":\"1309\",\"message\":\"Your GLM Coding Plan package has expired.\"}}",
                        null, 402, ErrorType.BILLING, "Your GLM Coding Plan package has expired.", null),
                response("Z.ai's locked account, a 429", 429,
                        "{\"error\":{\"code\":\"1112\",\"message\":\"Your account has been locked, please contact "
                                + "customer service to unlock\"}}", null,
                        403, ErrorType.PERMISSION, "Your account has been locked, please contact customer service to unlock",
                        null),
                response("Z.ai's overloaded model, a 429", 429,
                        "{\"error\":{\"code\":\"1312\",\"message\":\"The model is currently overloaded.\"}}", "5",
                        529, ErrorType.OVERLOADED, "The model is currently overloaded.", "5"),
                response("Z.ai's concurrency limit stays a rate limit", 429,
                        "{\"error\":{\"code\":\"1302\",\"message\":\"High concurrency usage of this API, please reduce "
                                + "concurrency or contact customer service to increase limits\"}}", "2",
                        429, ErrorType.RATE_LIMIT, "High concurrency usage of this API, please reduce concurrency or contact "
                                + "customer service to increase limits", "2"),
                response("429 OpenAI without retry-after", 429,
                        "{\"error\":{\"message\":\"Rate limit reached for gpt-4.1 on tokens per min (TPM).\",\"type\":\"tokens\","
                                + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}",
                        null, 429, ErrorType.RATE_LIMIT, "Rate limit reached for gpt-4.1 on tokens per min (TPM).", null),
                response("500 server", 500, openRouter(500, "Internal Server Error", "server"), "3",
                        500, ErrorType.API, "Internal Server Error", null),
                response("502 provider unavailable", 502, openRouter(502, "Provider returned error", "provider_unavailable"), null,
                        502, ErrorType.API, "Provider returned error", null),
                response("503 becomes 529 overloaded", 503,
                        openRouter(503, "No instances available", null), "30",
                        529, ErrorType.OVERLOADED, "No instances available", "30"),
                response("provider_overloaded on a 502", 502, openRouter(502, "Overloaded", "provider_overloaded"), "2",
                        529, ErrorType.OVERLOADED, "Overloaded", "2"),
                response("504 gateway timeout", 504, openRouter(504, "Gateway Timeout", "timeout"), null,
                        504, ErrorType.TIMEOUT, "Gateway Timeout", null),
                response("529 overloaded", 529, "{\"error\":{\"message\":\"Overloaded\"}}", "1",
                        529, ErrorType.OVERLOADED, "Overloaded", "1"),
                response("error as a plain string", 404, "{\"error\":\"model 'llama9' not found, try pulling it first\"}", null,
                        404, ErrorType.NOT_FOUND, "model 'llama9' not found, try pulling it first", null),
                response("non-JSON text body", 503, "upstream connect error or disconnect/reset before headers\n", "5",
                        529, ErrorType.OVERLOADED, "upstream connect error or disconnect/reset before headers", "5"),
                response("empty body", 500, "", null,
                        500, ErrorType.API, "The upstream answered HTTP 500 without an error message.", null),
                response("JSON body without a message keeps the body", 404, "{\"detail\":\"Not Found\"}", null,
                        404, ErrorType.NOT_FOUND, "{\"detail\":\"Not Found\"}", null),
                response("OpenAI context length", 400,
                        "{\"error\":{\"message\":\"This model's maximum context length is 128000 tokens. However, your messages resulted "
                                + "in 150000 tokens. Please reduce the length of the messages.\",\"type\":\"invalid_request_error\","
                                + "\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}",
                        null, 400, ErrorType.INVALID_REQUEST, "prompt is too long: 150000 tokens > 128000 maximum", null),
                response("OpenAI context length with messages and completion", 400,
                        "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens. However, you requested 9000 "
                                + "tokens (7000 in the messages, 2000 in the completion). Please reduce the length of the messages or "
                                + "completion.\",\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}",
                        null, 400, ErrorType.INVALID_REQUEST,
                        "input length and `max_tokens` exceed context limit: 7000 + 2000 > 8192, decrease input length or "
                                + "`max_tokens` and try again", null),
                response("vLLM context length, prompt alone too long", 400,
                        "{\"object\":\"error\",\"message\":\"This model's maximum context length is 32768 tokens. However, you requested "
                                + "40000 tokens (35000 in the messages, 5000 in the completion). Please reduce the length of the messages "
                                + "or completion.\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}",
                        null, 400, ErrorType.INVALID_REQUEST, "prompt is too long: 35000 tokens > 32768 maximum", null),
                response("OpenRouter context length, output does not fit", 400,
                        openRouter(400, "This endpoint's maximum context length is 200000 tokens. However, you requested about "
                                + "250000 tokens (180000 of text input, 70000 in the output). Please reduce the length of either one, "
                                + "or use the \\\"middle-out\\\" transform to compress your prompt automatically.", "context_length_exceeded"),
                        null, 400, ErrorType.INVALID_REQUEST,
                        "input length and `max_tokens` exceed context limit: 180000 + 70000 > 200000, decrease input length or "
                                + "`max_tokens` and try again", null),
                response("OpenRouter context length, prompt too long", 400,
                        openRouter(400, "This endpoint's maximum context length is 200000 tokens. However, you requested about "
                                + "260000 tokens (230000 of text input, 30000 in the output). Please reduce the length of either one.",
                                "context_length_exceeded"),
                        null, 400, ErrorType.INVALID_REQUEST, "prompt is too long: 230000 tokens > 200000 maximum", null),
                response("OpenRouter context length with tool and image input", 400,
                        openRouter(400, "This endpoint's maximum context length is 200000 tokens. However, you requested about "
                                + "212000 tokens (150000 of text input, 20000 of tool input, 2000 of image input, 40000 in the output). "
                                + "Please reduce the length of either one.", "context_length_exceeded"),
                        null, 400, ErrorType.INVALID_REQUEST,
                        "input length and `max_tokens` exceed context limit: 172000 + 40000 > 200000, decrease input length or "
                                + "`max_tokens` and try again", null),
                response("Anthropic wording passes through", 400,
                        openRouter(400, "prompt is too long: 208310 tokens > 200000 maximum", null),
                        null, 400, ErrorType.INVALID_REQUEST, "prompt is too long: 208310 tokens > 200000 maximum", null),
                response("vLLM today, max_tokens too large for the room left", 400,
                        "{\"object\":\"error\",\"message\":\"'max_tokens' or 'max_completion_tokens' is too large: 32000. This "
                                + "model's maximum context length is 32768 tokens and your request has 1000 input tokens (32000 > "
                                + "32768 - 1000).\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}",
                        null, 400, ErrorType.INVALID_REQUEST,
                        "input length and `max_tokens` exceed context limit: 1000 + 32000 > 32768, decrease input length or "
                                + "`max_tokens` and try again", null),
                response("vLLM today, prompt alone too long", 400,
                        "{\"object\":\"error\",\"message\":\"This model's maximum context length is 32768 tokens. However, your "
                                + "request has 40000 input tokens. Please reduce the length of the input messages.\","
                                + "\"type\":\"BadRequestError\",\"param\":null,\"code\":400}",
                        null, 400, ErrorType.INVALID_REQUEST, "prompt is too long: 40000 tokens > 32768 maximum", null),
                response("llama.cpp context size exceeded", 400,
                        "{\"error\":{\"code\":400,\"message\":\"request (13392 tokens) exceeds the available context size "
                                + "(8192 tokens), try increasing it\",\"type\":\"exceed_context_size_error\","
                                + "\"n_prompt_tokens\":13392,\"n_ctx\":8192}}",
                        null, 400, ErrorType.INVALID_REQUEST, "prompt is too long: 13392 tokens > 8192 maximum", null),
                response("older llama.cpp, the counts only as fields", 400,
                        "{\"error\":{\"code\":400,\"message\":\"the request exceeds the available context size, try increasing "
                                + "it\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":13392,\"n_ctx\":8192}}",
                        null, 400, ErrorType.INVALID_REQUEST, "prompt is too long: 13392 tokens > 8192 maximum", null),
                response("Gemini context length, its error wrapped in an array", 400,
                        "[{\"error\":{\"code\":400,\"message\":\"The input token count (1200000) exceeds the maximum number of "
                                + "tokens allowed (1048576).\",\"status\":\"INVALID_ARGUMENT\"}}]",
                        null, 400, ErrorType.INVALID_REQUEST, "prompt is too long: 1200000 tokens > 1048576 maximum", null),
                response("Mistral context length", 400,
                        "{\"object\":\"error\",\"message\":\"Prompt contains 140000 tokens, too large for model with 131072 "
                                + "maximum context length\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}",
                        null, 400, ErrorType.INVALID_REQUEST, "prompt is too long: 140000 tokens > 131072 maximum", null),
                response("Moonshot context length", 400,
                        "{\"error\":{\"message\":\"Invalid request: Your request exceeded model token limit: 262144 (requested: "
                                + "269030)\",\"type\":\"invalid_request_error\"}}",
                        null, 400, ErrorType.INVALID_REQUEST, "prompt is too long: 269030 tokens > 262144 maximum", null),
                response("xAI context length", 400,
                        "{\"code\":\"Client specified an invalid argument\",\"error\":\"This model's maximum prompt length is "
                                + "131072 but the request contains 537812 tokens.\"}",
                        null, 400, ErrorType.INVALID_REQUEST, "prompt is too long: 537812 tokens > 131072 maximum", null),
                response("OpenRouter wrapping Anthropic's overflow in metadata.raw", 400,
                        "{\"error\":{\"message\":\"Provider returned error\",\"code\":400,\"metadata\":{\"raw\":"
                                + "\"{\\\"type\\\":\\\"error\\\",\\\"error\\\":{\\\"type\\\":\\\"invalid_request_error\\\","
                                + "\\\"message\\\":\\\"prompt is too long: 208310 tokens > 200000 maximum\\\"}}\","
                                + "\"provider_name\":\"Anthropic\"}}}",
                        null, 400, ErrorType.INVALID_REQUEST, "prompt is too long: 208310 tokens > 200000 maximum", null),
                response("OpenRouter wrapping Google's array in metadata.raw", 400,
                        "{\"error\":{\"message\":\"Provider returned error\",\"code\":400,\"metadata\":{\"raw\":"
                                + "\"[{\\\"error\\\":{\\\"code\\\":400,\\\"message\\\":\\\"The input token count (1200000) "
                                + "exceeds the maximum number of tokens allowed (1048576).\\\",\\\"status\\\":\\\"INVALID_ARGUMENT\\\"}}]\","
                                + "\"provider_name\":\"Google\"}}}",
                        null, 400, ErrorType.INVALID_REQUEST, "prompt is too long: 1200000 tokens > 1048576 maximum", null),
                response("OpenRouter wrapping a provider's plain text in metadata.raw", 429,
                        "{\"error\":{\"message\":\"Provider returned error\",\"code\":429,\"metadata\":{\"raw\":"
                                + "\"z-ai/glm-4.7 is temporarily rate-limited upstream. Please retry shortly.\",\"provider_name\":\"BaseTen\"}}}",
                        "4", 429, ErrorType.RATE_LIMIT, "z-ai/glm-4.7 is temporarily rate-limited upstream. Please retry shortly.",
                        "4"),
                response("OpenRouter's metadata.raw without words keeps its own message", 502,
                        "{\"error\":{\"message\":\"Provider returned error\",\"code\":502,\"metadata\":{\"raw\":\"  \"}}}",
                        null, 502, ErrorType.API, "Provider returned error", null),
                response("context length without numbers stays verbatim", 400,
                        openRouter(400, "Input is too long for requested model.", "context_length_exceeded"),
                        null, 400, ErrorType.INVALID_REQUEST, "Input is too long for requested model.", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responses")
    void mapsAnErrorResponse(String name, int status, String body, String retryAfter, AnthropicError expected) {
        assertEquals(expected, errors.fromResponse(status, body.getBytes(StandardCharsets.UTF_8), retryAfter));
    }

    @Test
    void cutsAVeryLongMessage() {
        String message = "x".repeat(2500);
        AnthropicError error = errors.fromResponse(400, openRouter(400, message, null).getBytes(StandardCharsets.UTF_8), null);
        assertEquals("x".repeat(2000) + "…", error.message());
    }

    static Stream<Arguments> streamErrors() {
        return Stream.of(
                Arguments.of("int code with provider_overloaded",
                        "{\"code\":502,\"message\":\"Provider returned error\",\"metadata\":{\"error_type\":\"provider_overloaded\"}}",
                        AnthropicError.of(ErrorType.OVERLOADED, "Provider returned error")),
                Arguments.of("the provider's words from metadata.raw",
                        "{\"code\":502,\"message\":\"Provider returned error\",\"metadata\":{\"error_type\":\"provider_overloaded\","
                                + "\"raw\":\"{\\\"type\\\":\\\"error\\\",\\\"error\\\":{\\\"type\\\":\\\"overloaded_error\\\","
                                + "\\\"message\\\":\\\"Overloaded\\\"}}\"}}",
                        AnthropicError.of(ErrorType.OVERLOADED, "Overloaded")),
                Arguments.of("string code with provider_overloaded",
                        "{\"code\":\"server_error\",\"message\":\"Provider disconnected\",\"metadata\":{\"error_type\":\"provider_overloaded\"}}",
                        AnthropicError.of(ErrorType.OVERLOADED, "Provider disconnected")),
                Arguments.of("string code alone", "{\"code\":\"server_error\",\"message\":\"Stream broke\"}",
                        AnthropicError.of(ErrorType.API, "Stream broke")),
                Arguments.of("int 503 alone", "{\"code\":503,\"message\":\"No capacity\"}",
                        AnthropicError.of(ErrorType.OVERLOADED, "No capacity")),
                Arguments.of("int 500 alone", "{\"code\":500,\"message\":\"Internal error\"}",
                        AnthropicError.of(ErrorType.API, "Internal error")),
                Arguments.of("string rate_limit_exceeded", "{\"code\":\"rate_limit_exceeded\",\"message\":\"Slow down\"}",
                        AnthropicError.of(ErrorType.OVERLOADED, "Slow down")),
                Arguments.of("OpenAI error object", "{\"message\":\"The server had an error\",\"type\":\"server_error\",\"param\":null,\"code\":null}",
                        AnthropicError.of(ErrorType.API, "The server had an error")),
                Arguments.of("Moonshot's overloaded engine",
                        "{\"message\":\"The engine is currently overloaded, please try again later\",\"type\":\"engine_overloaded_error\"}",
                        AnthropicError.of(ErrorType.OVERLOADED, "The engine is currently overloaded, please try again later")),
                Arguments.of("Z.ai's overloaded model (business code 1312)",
                        "{\"code\":\"1312\",\"message\":\"The model is currently overloaded\"}",
                        AnthropicError.of(ErrorType.OVERLOADED, "The model is currently overloaded")),
                Arguments.of("plain string", "\"boom\"", AnthropicError.of(ErrorType.API, "boom")),
                Arguments.of("blank message", "{\"code\":500,\"message\":\"  \"}",
                        AnthropicError.of(ErrorType.API, "The upstream reported an error during the stream.")),
                Arguments.of("no error object", "null",
                        AnthropicError.of(ErrorType.API, "The upstream reported an error during the stream.")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamErrors")
    void mapsAStreamError(String name, String error, AnthropicError expected) throws Exception {
        JsonNode node = Fixtures.JSON.readTree(error);
        AnthropicError actual = errors.fromStreamError(node);
        assertEquals(expected, actual);
        assertEquals(expected.type() == ErrorType.OVERLOADED ? 529 : 500, actual.status());
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("OpenAI, a parameter the model does not take", 400, """
                        {"error":{"message":"Unsupported parameter: 'reasoning_effort' is not supported with this model.",\
                        "type":"invalid_request_error","param":"reasoning_effort","code":"unsupported_parameter"}}""",
                        "reasoning_effort"),
                Arguments.of("OpenAI, a value only the default of which is taken", 400, """
                        {"error":{"message":"Unsupported value: 'temperature' does not support 0.5 with this model. \
                        Only the default (1) value is supported.","type":"invalid_request_error","param":"temperature",\
                        "code":"unsupported_value"}}""", "temperature"),
                Arguments.of("OpenAI, an argument it does not know", 400, """
                        {"error":{"message":"Unrecognized request argument supplied: top_k",\
                        "type":"invalid_request_error","param":null,"code":null}}""", "top_k"),
                Arguments.of("Gemini, a top-level field", 400, """
                        [{"error":{"code":400,"message":"Invalid JSON payload received. Unknown name \\"top_k\\": \
                        Cannot find field.","status":"INVALID_ARGUMENT"}}]""", "top_k"),
                Arguments.of("Gemini, a schema keyword deep in a tool: not a body field", 400, """
                        [{"error":{"code":400,"message":"Invalid JSON payload received. Unknown name \\"exclusiveMinimum\\" \
                        at 'tools[0].function_declarations[1].parameters': Cannot find field.","status":"INVALID_ARGUMENT"}}]""",
                        null),
                Arguments.of("xAI, in its own spelling", 400, """
                        {"code":"Client specified an invalid argument","error":"Model does not support parameter reasoningEffort."}""",
                        "reasoning_effort"),
                Arguments.of("OpenRouter, a model whose reasoning cannot be turned off", 400, """
                        {"error":{"message":"Reasoning is mandatory for this endpoint and cannot be disabled.",\
                        "code":400,"metadata":{"provider_name":null}}}""", UpstreamErrors.REASONING_OFF),
                Arguments.of("Mistral's 422", 422, """
                        {"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","user"],\
                        "msg":"Extra inputs are not permitted","input":"user_abc"}]},"type":"invalid_request_error",\
                        "param":null,"code":null}""", "user"),
                Arguments.of("a field the request cannot do without", 400, """
                        {"error":{"message":"Unsupported parameter: 'max_tokens' is not supported with this model. \
                        Use 'max_completion_tokens' instead.","param":"max_tokens","code":"unsupported_parameter"}}""",
                        null),
                Arguments.of("a message part, not a field", 400, """
                        {"error":{"message":"Unsupported value: 'messages[0].role' does not support 'developer' with \
                        this model.","param":"messages[0].role","code":"unsupported_value"}}""", null),
                Arguments.of("the same words with another status", 500, """
                        {"error":{"message":"Unsupported parameter: 'reasoning_effort'"}}""", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void namesTheOptionalFieldAnUpstreamRefused(String name, int status, String body, String field) {
        assertEquals(field, UpstreamErrors.refusedField(status, body.getBytes(StandardCharsets.UTF_8)));
    }
}
