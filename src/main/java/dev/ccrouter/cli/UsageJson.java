package dev.ccrouter.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.ledger.UsageReport;
import dev.ccrouter.ledger.UsageTotals;
import java.time.LocalDate;
import java.util.Map;

/**
 * {@code ccrouter usage --json}: a stable schema (docs/ledger.md). Token fields are named as in Anthropic's usage;
 * amounts are JSON numbers in USD, exact to 10^-10, in plain notation.
 */
final class UsageJson {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private UsageJson() {
    }

    static String write(UsageReport report, LocalDate since, LocalDate until, boolean breakdown) {
        ObjectNode root = JSON.createObjectNode();
        root.put("view", report.view().wireName());
        root.put("timezone", report.zone().getId());
        root.put("since", since == null ? null : since.toString());
        root.put("until", until == null ? null : until.toString());
        ArrayNode rows = root.putArray("rows");
        for (UsageReport.Row row : report.rows()) {
            ObjectNode json = rows.addObject();
            json.put(report.view().column(), row.key());
            row.totals().writeTo(json);
            ArrayNode models = json.putArray("models");
            row.models().forEach(models::add);
            if (breakdown) {
                ArrayNode byModel = json.putArray("breakdown");
                for (Map.Entry<String, UsageTotals> model : row.byModel().entrySet()) {
                    model.getValue().writeTo(byModel.addObject().put("model", model.getKey()));
                }
            }
        }
        report.totals().writeTo(root.putObject("totals"));
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree is always serializable", e);
        }
    }
}
