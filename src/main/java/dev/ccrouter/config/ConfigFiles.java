package dev.ccrouter.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a configuration file into the tree of ccrouter's settings: YAML as it is, or a claude-code-router
 * {@code config.json} (recognised by its {@code Providers} or {@code Router}) translated by {@link CcrConfig}.
 */
final class ConfigFiles {
    /** The word in Jackson's "Unrecognized token 'word': was expecting …". */
    private static final Pattern BARE_WORD = Pattern.compile("^Unrecognized token '([^']*)'");

    private ConfigFiles() {
    }

    static ObjectNode read(Path file, Consumer<String> warnings) {
        String text = text(file);
        if (opensAsJson(text)) {
            JsonNode json;
            try {
                json = parse(json5(), text, file, "JSON");
            } catch (ConfigException notJson) {
                // YAML's flow style begins with '{' too: {server: {port: 9000}} is YAML, not broken JSON
                json = yamlOrNull(text);
                if (json == null || CcrConfig.recognises(json)) {
                    throw notJson;
                }
            }
            if (CcrConfig.recognises(json)) {
                return CcrConfig.toSettings((ObjectNode) json, file, warnings);
            }
        }
        JsonNode node = parse(new ObjectMapper(new YAMLFactory()), text, file, "YAML");
        if (node == null || node.isMissingNode() || node.isNull()) {
            return new ObjectMapper().createObjectNode();
        }
        if (!node.isObject()) {
            throw new ConfigException("config file " + file + " must hold a mapping of settings at its top level, "
                    + "such as server: or providers:");
        }
        return (ObjectNode) node;
    }

    private static JsonNode yamlOrNull(String text) {
        try {
            return new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Whether the file is a claude-code-router {@code config.json}. */
    static boolean isCcr(Path file) {
        String text = text(file);
        return opensAsJson(text) && CcrConfig.recognises(parse(json5(), text, file, "JSON"));
    }

    /** Whether the file is a claude-code-router {@code config.json}; false when it cannot be read now. */
    static boolean isCcrOrFalse(Path file) {
        try {
            return isCcr(file);
        } catch (ConfigException e) {
            return false;
        }
    }

    /**
     * JSON as claude-code-router reads its file (JSON5): its README's own example has {@code //} comments, and
     * trailing commas, single quotes and bare keys are accepted there too.
     */
    private static ObjectMapper json5() {
        return JsonMapper.builder().enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA,
                JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES).build();
    }

    /** Whether the text's first thing after blanks and JSON comments is a '{'. */
    private static boolean opensAsJson(String text) {
        int at = 0;
        while (at < text.length()) {
            if (Character.isWhitespace(text.charAt(at))) {
                at++;
            } else if (text.startsWith("//", at)) {
                int end = text.indexOf('\n', at);
                at = end < 0 ? text.length() : end + 1;
            } else if (text.startsWith("/*", at)) {
                int end = text.indexOf("*/", at + 2);
                at = end < 0 ? text.length() : end + 2;
            } else {
                return text.charAt(at) == '{';
            }
        }
        return false;
    }

    private static String text(Path file) {
        if (Files.isDirectory(file)) {
            throw new ConfigException("config file " + file + " is a directory: name the file in it "
                    + "(CCROUTER_CONFIG / --config)");
        }
        if (!Files.exists(file)) {
            throw new ConfigException("config file " + file + " does not exist (CCROUTER_CONFIG / --config)");
        }
        if (!Files.isRegularFile(file)) { // a device, a pipe (whose read would wait for a writer for good), a socket
            throw new ConfigException("config file " + file + " is not a regular file: name a YAML or JSON file "
                    + "(CCROUTER_CONFIG / --config)");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " cannot be read: " + FileFailures.reason(e));
        }
        String text = decoded(bytes, file);
        // a byte-order mark (Windows editors write one) is no part of the settings; YAML skips it, JSON would not
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /**
     * UTF-8, or UTF-16 when the file opens with its byte-order mark (what Windows PowerShell's {@code >} writes);
     * any other encoding is said, rather than "Input length = 1".
     */
    private static String decoded(byte[] bytes, Path file) {
        boolean utf16 = bytes.length >= 2 && ((bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE)
                || (bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF));
        try {
            return (utf16 ? StandardCharsets.UTF_16 : StandardCharsets.UTF_8).newDecoder()
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException("config file " + file + " is not UTF-8 text: save it as UTF-8");
        }
    }

    private static JsonNode parse(ObjectMapper mapper, String text, Path file, String format) {
        try {
            return mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(text);
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
                throw new ConfigException("config file " + file + " line " + (yaml.getProblemMark().getLine() + 1)
                        + ", column " + (yaml.getProblemMark().getColumn() + 1) + ": not valid YAML: "
                        + yaml.getProblem() + context(yaml));
            }
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? ""
                    : " line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ConfigException("config file " + file + where + ": not valid " + format + ": "
                    + withoutBareWord(firstLine(e.getOriginalMessage())));
        }
    }

    /**
     * Jackson's message with the bare word it could not read shown as a key is: a key written without its quotes
     * ({@code "api_key": AIza…}) is such a word, and this message is printed and logged.
     */
    private static String withoutBareWord(String message) {
        Matcher word = BARE_WORD.matcher(message);
        return word.find() ? message.substring(0, word.start(1)) + Secrets.mask(word.group(1))
                + message.substring(word.end(1)) : message;
    }

    /** SnakeYAML's context names the construct the problem is in, and where that began. */
    private static String context(MarkedYAMLException yaml) {
        if (yaml.getContext() == null || yaml.getContextMark() == null) {
            return "";
        }
        return " (" + yaml.getContext() + " that begins at line " + (yaml.getContextMark().getLine() + 1)
                + ", column " + (yaml.getContextMark().getColumn() + 1) + ")";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
