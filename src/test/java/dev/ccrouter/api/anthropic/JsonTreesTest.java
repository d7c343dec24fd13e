package dev.ccrouter.api.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Writing a tree node by node gives exactly the bytes Jackson's own serialization gives. */
class JsonTreesTest {
    private final ObjectMapper json = new ObjectMapper();

    private ObjectNode everyKindOfNode() {
        ObjectNode tree = json.createObjectNode();
        tree.put("text", "é \"quoted\" \\ \n\t\u2028 😀").put("int", 7).put("long", 9_007_199_254_740_993L)
                .put("double", 0.1).put("float", 1.5f).put("true", true).put("false", false).putNull("null");
        tree.put("decimal", new BigDecimal("0.0000001230")).put("big", new BigInteger("123456789012345678901234567890"));
        tree.set("normalized", JsonNodeFactory.instance.numberNode(new BigDecimal("12.500")));
        tree.putArray("empty");
        tree.putObject("nested").putArray("list").add(1).add("two").addNull().addObject().put("deep", -3);
        tree.put("short", (short) 12);
        tree.putPOJO("pojo", java.util.List.of("a", 1));
        return tree;
    }

    @Test
    void bytesAreWhatWriteValueAsBytesWrites() throws Exception {
        ObjectNode tree = everyKindOfNode();

        assertThat(new String(JsonTrees.bytes(json.getFactory(), tree), StandardCharsets.UTF_8))
                .isEqualTo(new String(json.writeValueAsBytes(tree), StandardCharsets.UTF_8));
    }

    @Test
    void textIsWhatToStringWrites() throws Exception {
        ObjectNode tree = everyKindOfNode();
        tree.remove("pojo"); // toString() writes a POJO through the mapper's own serializer, never met in a tool call
        ObjectNode read = (ObjectNode) new VerbatimTrees(json.getFactory(), json.getNodeFactory())
                .read("{\"command\":\"ls \\\"a b\\\"\\n\",\"note\":\"caf\u00e9 \\u001B\",\"n\":[1,2.5]}"
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(JsonTrees.text(tree)).isEqualTo(tree.toString()).contains("😀");
        assertThat(JsonTrees.text(json.createObjectNode().put("lone", "a\uD800b"))).isEqualTo("{\"lone\":\"a\uD800b\"}");
        assertThat(read.get("command")).isInstanceOf(VerbatimText.class);
        assertThat(JsonTrees.text(read)).isEqualTo(read.toString())
                .isEqualTo("{\"command\":\"ls \\\"a b\\\"\\n\",\"note\":\"caf\u00e9 \\u001B\",\"n\":[1,2.5]}");
    }

    @Test
    void plainTextIsWhatAWriterWithPlainDecimalsWrites() throws Exception {
        ObjectNode tree = everyKindOfNode();

        assertThat(JsonTrees.plainText(json.getFactory(), tree))
                .isEqualTo(json.writer().with(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN).writeValueAsString(tree))
                .contains("\"decimal\":0.0000001230");
    }
}
