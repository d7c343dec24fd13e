package dev.ccrouter.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ToolArgumentsTest {
    private final ToolArguments arguments = new ToolArguments(Fixtures.JSON);

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("valid", "{\"command\":\"ls\",\"timeout\":5}", "{\"command\":\"ls\",\"timeout\":5}"),
                Arguments.of("valid with spaces and newlines", "  {\n  \"a\": [1, 2],\n  \"b\": {\"c\": null}\n}\n",
                        "{\"a\":[1,2],\"b\":{\"c\":null}}"),
                Arguments.of("unicode and escapes", "{\"s\":\"über \\\"q\\\" \\n \\u00e9\"}", "{\"s\":\"über \\\"q\\\" \\n é\"}"),
                Arguments.of("empty", "", "{}"),
                Arguments.of("null", null, "{}"),
                Arguments.of("whitespace", " \n\t ", "{}"),
                Arguments.of("empty object", "{}", "{}"),
                Arguments.of("JSON null: a call without arguments (vLLM's parsers write None as \"null\")", "null", "{}"),
                Arguments.of("JSON null with whitespace", " null\n", "{}"),
                Arguments.of("code fence with language", "```json\n{\"a\": 1}\n```", "{\"a\":1}"),
                Arguments.of("code fence without language", "```\n{\"a\": 1}\n```\n", "{\"a\":1}"),
                Arguments.of("code fence and trailing comma", "```json\n{\"a\": 1,}\n```", "{\"a\":1}"),
                Arguments.of("trailing comma in object", "{\"a\":1,}", "{\"a\":1}"),
                Arguments.of("trailing comma in array", "{\"a\":[1,2,],\"b\":2}", "{\"a\":[1,2],\"b\":2}"),
                Arguments.of("trailing comma before whitespace", "{\"a\":[1 , ] , }", "{\"a\":[1]}"),
                Arguments.of("truncated inside a string", "{\"path\":\"/tmp/fo", "{\"path\":\"/tmp/fo\"}"),
                Arguments.of("truncated inside a string after a backslash", "{\"a\":\"x\\", "{\"a\":\"x\"}"),
                Arguments.of("truncated inside a string holding brackets", "{\"code\":\"if (x) { y([\"",
                        "{\"code\":\"if (x) { y([\"}"),
                Arguments.of("truncated after a colon", "{\"a\":", "{\"a\":null}"),
                Arguments.of("truncated after a comma", "{\"a\":1,", "{\"a\":1}"),
                Arguments.of("truncated inside a key", "{\"a\":1,\"descr", "{\"a\":1}"),
                Arguments.of("truncated after a key", "{\"a\":1,\"description\" ", "{\"a\":1}"),
                Arguments.of("truncated inside the first key", "{\"comm", "{}"),
                Arguments.of("truncated in a number", "{\"a\":12", "{\"a\":12}"),
                Arguments.of("truncated in an array of strings", "{\"files\":[\"a.txt\",\"b.t", "{\"files\":[\"a.txt\",\"b.t\"]}"),
                Arguments.of("nested unclosed", "{\"a\":{\"b\":[1,{\"c\":\"d", "{\"a\":{\"b\":[1,{\"c\":\"d\"}]}}"),
                Arguments.of("nested unclosed with a key in the inner object", "{\"a\":{\"b\":1,\"c",
                        "{\"a\":{\"b\":1}}"),
                Arguments.of("only an opening brace", "{", "{}"),
                Arguments.of("double-encoded", "\"{\\\"a\\\":1}\"", "{\"a\":1}"),
                Arguments.of("double-encoded with spaces", " \"{ \\\"file_path\\\": \\\"/etc/hosts\\\" }\" ",
                        "{\"file_path\":\"/etc/hosts\"}"),
                Arguments.of("hopeless garbage", "file_path=/etc/hosts", "{\"_invalid_arguments\":\"file_path=/etc/hosts\"}"),
                Arguments.of("garbage keeps the raw text unstripped", " <tool>x</tool> ",
                        "{\"_invalid_arguments\":\" <tool>x</tool> \"}"),
                Arguments.of("an array is not an object", "[1,2]", "{\"_invalid_arguments\":\"[1,2]\"}"),
                Arguments.of("a number is not an object", "42", "{\"_invalid_arguments\":\"42\"}"),
                Arguments.of("a string not holding an object", "\"hello\"", "{\"_invalid_arguments\":\"\\\"hello\\\"\"}"),
                Arguments.of("a truncated literal", "{\"a\":tru", "{\"_invalid_arguments\":\"{\\\"a\\\":tru\"}"),
                Arguments.of("two objects (parallel calls packed into one) are not the first alone",
                        "{\"a\":1}{\"a\":2}", "{\"_invalid_arguments\":\"{\\\"a\\\":1}{\\\"a\\\":2}\"}"),
                Arguments.of("two objects on two lines", "{\"a\":1}\n{\"a\":2}",
                        "{\"_invalid_arguments\":\"{\\\"a\\\":1}\\n{\\\"a\\\":2}\"}"),
                Arguments.of("a stray closing brace after the object", "{\"a\":{\"b\":1}}}", "{\"a\":{\"b\":1}}"),
                Arguments.of("a stray closing tag after the object", "{\"a\":1}</tool_call>", "{\"a\":1}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parses(String name, String raw, String expected) {
        assertEquals(expected, arguments.parse(raw).toString());
    }
}
