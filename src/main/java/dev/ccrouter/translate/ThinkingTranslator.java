package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Anthropic {@code thinking} (+ {@code output_config.effort}) as OpenRouter {@code reasoning}.
 *
 * <ul>
 *   <li>{@code enabled} with {@code budget_tokens: B} → {@code {max_tokens: B}}. Upstreams require the budget to stay
 *       below {@code max_tokens}; when the forwarded {@code max_tokens} was clamped below it, the budget becomes
 *       {@code max_tokens - 1} (no reasoning at all when that leaves nothing).</li>
 *   <li>{@code adaptive} → {@code {enabled: true, effort: E}} with the client's effort as it is, or
 *       {@code {enabled: true}} without one.</li>
 *   <li>{@code disabled} → {@code {effort: "none"}}, which OpenRouter documents as turning reasoning off: a model
 *       that reasons by default (DeepSeek, GLM, Kimi, Qwen thinking, gpt-5, Gemini 2.5 Pro…) would otherwise reason,
 *       and bill it, though the client said no. A model whose reasoning is mandatory refuses it
 *       ({@link UpstreamErrors#REASONING_OFF}), and the request goes again without it.</li>
 *   <li>absent → no {@code reasoning}: the model's own default (effort alone does not switch reasoning on).</li>
 * </ul>
 * {@code display} is ignored: even {@code "omitted"} must not become {@code exclude}, because Claude Code needs the
 * signed reasoning back to replay it.
 */
final class ThinkingTranslator {
    private ThinkingTranslator() {
    }

    /** Below this budget a thinking request reads as low effort, below {@link #HIGH_BUDGET} as medium, else high. */
    static final int MEDIUM_BUDGET = 4096;
    static final int HIGH_BUDGET = 16384;

    /**
     * Writes the thinking request in the provider's dialect: OpenRouter's {@code reasoning} object as it is, and
     * {@code {effort: "none"}} when the client disabled thinking;
     * {@code reasoning_effort} from its effort, or from its budget ({@value #MEDIUM_BUDGET} tokens and more is
     * medium, {@value #HIGH_BUDGET} and more high); {@code thinking: {type}} enabled when reasoning was asked for and
     * disabled when the client disabled it (left to the provider's default when the client said nothing). A model
     * with its own {@code reasoning_effort} values ({@code efforts}; null for the usual low, medium and high) gets
     * the level asked for when it lists it, else the lowest it lists above it, else the highest it lists; and
     * {@code none}, when it lists it, for disabled thinking.
     */
    static void request(ObjectNode body, ObjectNode reasoning, JsonNode thinking, Dialect.ReasoningRequest style,
                        boolean stream, List<String> efforts) {
        switch (style) {
            case REASONING_OBJECT -> {
                if (reasoning != null) {
                    body.set("reasoning", reasoning);
                } else if (disabled(thinking)) {
                    body.putObject("reasoning").put("effort", "none");
                }
            }
            case REASONING_EFFORT -> {
                if (reasoning != null) {
                    body.put("reasoning_effort", efforts == null ? effort(reasoning) : listed(level(reasoning), efforts));
                } else if (efforts != null && efforts.contains("none") && disabled(thinking)) {
                    body.put("reasoning_effort", "none");
                }
            }
            case THINKING_TYPE -> {
                if (reasoning != null) {
                    body.putObject("thinking").put("type", "enabled");
                } else if (disabled(thinking)) {
                    body.putObject("thinking").put("type", "disabled");
                }
            }
            case ENABLE_THINKING -> {
                if (!stream) {
                    body.put("enable_thinking", false);
                } else if (reasoning != null) {
                    body.put("enable_thinking", true);
                } else if (disabled(thinking)) {
                    body.put("enable_thinking", false);
                }
            }
            case NONE -> { }
        }
    }

    /**
     * Claude's {@code output_config.effort} where OpenRouter's {@code reasoning} does not carry it (thinking
     * disabled, absent, or asked for with a budget): as {@code verbosity}, which OpenRouter maps to Anthropic's
     * {@code output_config.effort} on Claude 4.6 and later "whether or not reasoning is enabled", while
     * {@code reasoning.effort} counts only when reasoning is on ({@code none} sends no effort at all). Without it
     * the effort the client chose is lost and Claude answers at its default, {@code high}. Claude models only: on
     * OpenAI's, {@code verbosity} is another setting (the answer's length, low to high).
     */
    static void effortAsVerbosity(ObjectNode body, JsonNode outputConfig, ObjectNode reasoning, String upstreamModel) {
        if (outputConfig == null || reasoning != null && reasoning.has("effort") || !claude(upstreamModel)) {
            return;
        }
        JsonNode effort = outputConfig.get("effort");
        if (effort != null && effort.isTextual()) {
            body.put("verbosity", effort.textValue());
        }
    }

    private static boolean claude(String upstreamModel) {
        return upstreamModel.startsWith("anthropic/") || upstreamModel.startsWith("~anthropic/");
    }

    private static boolean disabled(JsonNode thinking) {
        return thinking != null && "disabled".equals(thinking.path("type").asText());
    }

    /** Effort levels from least to most; a model's own word off this ladder (Groq's {@code default}) ranks above all. */
    private static final List<String> LADDER = List.of("minimal", "low", "medium", "high", "xhigh", "max");

    /**
     * The level among the model's own ({@code none} is never chosen to think): the level itself, else the lowest
     * listed above it (Kimi K3's low|high|max takes medium as high), else the highest listed.
     */
    private static String listed(String level, List<String> efforts) {
        if (efforts.contains(level)) {
            return level;
        }
        int wanted = LADDER.indexOf(level);
        String chosen = null;
        int chosenRank = Integer.MAX_VALUE;
        String highest = null;
        int highestRank = -1;
        for (String effort : efforts) {
            if (effort.equals("none")) {
                continue;
            }
            int known = LADDER.indexOf(effort);
            int rank = known >= 0 ? known : LADDER.size();
            if (rank > wanted && rank < chosenRank) {
                chosen = effort;
                chosenRank = rank;
            }
            if (rank > highestRank) {
                highest = effort;
                highestRank = rank;
            }
        }
        return chosen != null ? chosen : highest != null ? highest : level;
    }

    /** The effort asked for as the client said it, or from the budget. */
    private static String level(ObjectNode reasoning) {
        String effort = reasoning.path("effort").asText("");
        return effort.isEmpty() ? effort(reasoning) : effort;
    }

    private static String effort(ObjectNode reasoning) {
        String effort = reasoning.path("effort").asText("");
        if (!effort.isEmpty()) {
            return switch (effort) {
                case "low", "medium", "high" -> effort;
                case "minimal" -> "low";
                default -> "high"; // xhigh, max: the highest level plain servers know
            };
        }
        int budget = reasoning.path("max_tokens").asInt(MEDIUM_BUDGET);
        return budget >= HIGH_BUDGET ? "high" : budget >= MEDIUM_BUDGET ? "medium" : "low";
    }

    /** The {@code reasoning} object, or null to send none. */
    static ObjectNode reasoning(JsonNode thinking, JsonNode outputConfig, int maxTokens, JsonNodeFactory nodes) {
        if (thinking == null) {
            return null;
        }
        return switch (thinking.get("type").textValue()) {
            case "enabled" -> {
                int budget = (int) Math.max(0, Math.min(thinking.get("budget_tokens").longValue(), maxTokens - 1L));
                yield budget < 1 ? null : nodes.objectNode().put("max_tokens", budget);
            }
            case "adaptive" -> {
                ObjectNode reasoning = nodes.objectNode().put("enabled", true);
                String effort = outputConfig == null ? null : Fields.string(outputConfig, "effort");
                yield effort == null ? reasoning : reasoning.put("effort", effort);
            }
            default -> null; // disabled
        };
    }
}
