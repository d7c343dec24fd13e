package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes JSON trees straight to a generator, node by node. {@code ObjectMapper.writeValueAsBytes} and
 * {@code JsonGenerator.writeTree} make a serializer provider and look a serializer up for every call, which for the
 * small trees of a request (a usage object, a bill, a whole answer) cost more than the writing itself. The output is
 * the same: Jackson writes a tree's nodes with exactly these generator calls (with its default settings, which keep
 * empty arrays and null properties).
 *
 * <p>Strings read from a client's body as {@link VerbatimText} are copied from that body instead of escaped again,
 * when the generator writes UTF-8 with Jackson's default escaping: the same bytes, without the char-by-char work;
 * so is a {@link WrittenArray}, whose JSON was written once for many requests.
 */
public final class JsonTrees {
    /** Jackson's default settings, as {@code JsonNode.toString()} writes with (never changed). */
    private static final JsonFactory DEFAULTS = JsonBuffers.factory().build();

    private JsonTrees() {
    }

    /** Writes {@code node} and everything under it. */
    public static void write(JsonGenerator out, JsonNode node) throws IOException {
        write(out, node, VerbatimText.copiesTo(out));
    }

    private static void write(JsonGenerator out, JsonNode node, boolean copyVerbatim) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                out.writeStartObject();
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    out.writeFieldName(field.getKey());
                    write(out, field.getValue(), copyVerbatim);
                }
                out.writeEndObject();
            }
            case ARRAY -> {
                if (copyVerbatim && node instanceof WrittenArray written && out.getPrettyPrinter() == null) {
                    out.writeRawValue(written.json());
                    return;
                }
                out.writeStartArray();
                for (JsonNode element : node) {
                    write(out, element, copyVerbatim);
                }
                out.writeEndArray();
            }
            case STRING -> {
                if (copyVerbatim && node instanceof VerbatimText verbatim) { // an EscapedText stays undecoded
                    verbatim.writeTo(out);
                } else {
                    out.writeString(node.textValue());
                }
            }
            case BOOLEAN -> out.writeBoolean(node.booleanValue());
            case NULL, MISSING -> out.writeNull();
            case NUMBER -> writeNumber(out, node);
            default -> out.writeTree(node); // binary and POJO nodes: rare, Jackson's own way
        }
    }

    /** The tree as compact UTF-8 JSON. */
    public static byte[] bytes(JsonFactory factory, JsonNode node) {
        return bytes(factory, 512, out -> write(out, node));
    }

    /**
     * What {@code writing} writes, as compact UTF-8 JSON: for what writes itself to a generator (an event, a whole
     * Message) without a tree.
     *
     * @param expected about how many bytes it will take (the buffer starts that large)
     */
    public static byte[] bytes(JsonFactory factory, int expected, Writing writing) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(expected);
        try (JsonGenerator out = factory.createGenerator(bytes)) {
            writing.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** JSON written to a generator. */
    @FunctionalInterface
    public interface Writing {
        void writeTo(JsonGenerator out) throws IOException;
    }

    /**
     * The tree as compact JSON text, exactly {@code node.toString()}: written as UTF-8 with Jackson's default settings
     * (its verbatim strings copied, not escaped again) and decoded once, instead of {@code toString()}'s look-up of a
     * serializer and char-by-char escaping. For a tool call's arguments, which a conversation repeats every turn.
     */
    public static String text(JsonNode node) {
        byte[] json = bytes(DEFAULTS, 256, out -> write(out, node));
        // Written as UTF-8, a character outside the Basic Multilingual Plane (or a lone surrogate) is an escape,
        // which toString()'s char-based writer leaves as it is: such a tree is written that way instead.
        return hasSurrogateEscape(json) ? node.toString() : new String(json, StandardCharsets.UTF_8);
    }

    /** Whether {@code json} holds a backslash, {@code u} and {@code D}, as every escaped surrogate begins (and, rarely, some text that is none). */
    private static boolean hasSurrogateEscape(byte[] json) {
        for (int i = 0; i < json.length - 2; i++) {
            if (json[i] == '\\' && json[i + 1] == 'u' && json[i + 2] == 'D') {
                return true;
            }
        }
        return false;
    }

    /** The tree as compact JSON text, decimals in plain notation (never {@code 1E-7}). */
    public static String plainText(JsonFactory factory, JsonNode node) {
        StringWriter text = new StringWriter(512);
        try (JsonGenerator out = factory.createGenerator(text)) {
            out.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
            write(out, node);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return text.toString();
    }

    private static void writeNumber(JsonGenerator out, JsonNode node) throws IOException {
        switch (node.numberType()) {
            case INT -> out.writeNumber(node.intValue());
            case LONG -> out.writeNumber(node.longValue());
            case BIG_INTEGER -> out.writeNumber(node.bigIntegerValue());
            case FLOAT -> out.writeNumber(node.floatValue());
            case DOUBLE -> out.writeNumber(node.doubleValue());
            case BIG_DECIMAL -> out.writeNumber(node.decimalValue());
        }
    }
}
