package dev.ccrouter.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * claude-code-router's {@code ~/.claude-code-router/config.json}, read as it is and translated into ccrouter's
 * settings: {@code Providers} (the chat-completions URL's base, {@code api_key}, {@code models}, transformers),
 * {@code Router} slots, {@code APIKEY}, {@code HOST}, {@code PORT} and {@code API_TIMEOUT_MS}. Its {@code $VAR} and
 * {@code ${VAR}} become ccrouter's {@code ${VAR}}. Transformers that name a provider map to its preset, {@code maxtoken}
 * and {@code cleancache} to model capabilities; the rest (tool and reasoning fix-ups ccrouter does from presets
 * anyway) are reported once as a warning, as are settings ccrouter has no use for.
 */
final class CcrConfig {
    private static final Pattern BARE_VARIABLE = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,15}");
    /** The endpoint at the end of a URL's path, before its query if any (Azure's {@code ?api-version=…}). */
    private static final Pattern CHAT_COMPLETIONS = Pattern.compile("/chat/completions/?(?=\\?|$)");
    /** The endpoint of the Anthropic transformer's providers (Anthropic's, or Moonshot's …/anthropic/v1/messages). */
    private static final Pattern MESSAGES = Pattern.compile("/messages/?(?=\\?|$)");
    private static final Map<String, String> PRESET_TRANSFORMERS = Map.of(
            "openrouter", "openrouter", "deepseek", "deepseek", "gemini", "gemini", "groq", "groq",
            "anthropic", "anthropic", "Anthropic", "anthropic");
    private static final Map<String, String> ROUTER_SLOTS = Map.of(
            "default", "default", "background", "background", "think", "think", "longContext", "long_context",
            "longContextThreshold", "long_context_threshold", "webSearch", "web_search", "image", "image");
    private static final Set<String> TRANSLATED = Set.of("Providers", "Router", "APIKEY", "HOST", "PORT",
            "API_TIMEOUT_MS");

    private final ObjectMapper json = new ObjectMapper();
    private final Set<String> ignoredTransformers = new TreeSet<>();
    private final Set<String> ignoredSettings = new TreeSet<>();
    private final List<String> notes = new ArrayList<>();

    static boolean recognises(JsonNode json) {
        return json.isObject() && (json.has("Providers") || json.has("Router"));
    }

    static ObjectNode toSettings(ObjectNode ccr, Path file, Consumer<String> warnings) {
        CcrConfig translation = new CcrConfig();
        ObjectNode settings = translation.translate((ObjectNode) withBracedVariables(ccr.deepCopy()));
        if (!translation.ignoredTransformers.isEmpty()) {
            warnings.accept(file + ": claude-code-router transformers ccrouter does without, ignored: "
                    + String.join(", ", translation.ignoredTransformers)
                    + " (tool calls and reasoning follow each provider's preset)");
        }
        if (!translation.ignoredSettings.isEmpty()) {
            warnings.accept(file + ": claude-code-router settings ccrouter does not use, ignored: "
                    + String.join(", ", translation.ignoredSettings));
        }
        translation.notes.forEach(note -> warnings.accept(file + ": " + note));
        return settings;
    }

    private ObjectNode translate(ObjectNode ccr) {
        ObjectNode settings = json.createObjectNode();
        for (Iterator<String> names = ccr.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!TRANSLATED.contains(name)) {
                ignoredSettings.add(name);
            }
        }
        boolean hasGatewayKey = !ccr.path("APIKEY").asText("").isEmpty();
        if (hasGatewayKey) {
            copy(ccr, "HOST", settings, "server", "host");
        } else if (!ccr.path("HOST").asText("").isEmpty()) {
            // As claude-code-router does: without a gateway key, anyone reaching the port would spend the keys.
            notes.add("HOST " + ccr.get("HOST").asText() + " is ignored without APIKEY, as claude-code-router does; "
                    + "the gateway listens on 127.0.0.1");
        }
        copy(ccr, "PORT", settings, "server", "port");
        readTimeout(ccr.get("API_TIMEOUT_MS"), settings);
        if (hasGatewayKey) {
            section(settings, "auth").putArray("keys").add(ccr.get("APIKEY").asText());
        }
        ArrayNode providers = settings.putArray("providers");
        ccr.path("Providers").forEach(provider -> providers.add(provider(provider)));
        if (ccr.path("Router").isObject()) {
            ObjectNode routes = settings.putObject("routes");
            ccr.get("Router").fields().forEachRemaining(slot -> {
                String ours = ROUTER_SLOTS.get(slot.getKey());
                if (ours == null) {
                    ignoredSettings.add("Router." + slot.getKey());
                } else if (!slot.getValue().asText().isEmpty()) {
                    routes.set(ours, slot.getValue());
                }
            });
        }
        return settings;
    }

    /**
     * {@code API_TIMEOUT_MS}, a number or digits in text, in whole seconds rounded up. What is neither (a
     * {@code $VAR}, which holds milliseconds the translation cannot see) is left out with a note: taken as it is, it
     * would be read as seconds, a thousand times too long.
     */
    private void readTimeout(JsonNode timeout, ObjectNode settings) {
        if (timeout == null || timeout.isNull()) {
            return;
        }
        String text = timeout.asText().strip();
        if (timeout.canConvertToLong() || timeout.isTextual() && DIGITS.matcher(text).matches()) {
            long milliseconds = timeout.canConvertToLong() ? timeout.asLong() : Long.parseLong(text);
            section(settings, "upstream").put("read_timeout_seconds", (milliseconds + 999) / 1000);
        } else {
            notes.add("API_TIMEOUT_MS '" + text + "' is not a number of milliseconds written in the file; it is "
                    + "ignored, and upstream.read_timeout_seconds keeps its default");
        }
    }

    private ObjectNode provider(JsonNode ccr) {
        ObjectNode provider = json.createObjectNode();
        provider.set("name", ccr.path("name"));
        String url = ccr.path("api_base_url").asText("");
        Optional<String> preset = presetOf(ccr.path("transformer").path("use"));
        if (preset.isEmpty()) {
            preset = hostOf(url).flatMap(Presets::byUrl);
        }
        provider.put("preset", preset.orElse(Presets.DEFAULT));
        Pattern endpoint = preset.filter("anthropic"::equals).isPresent() ? MESSAGES : CHAT_COMPLETIONS;
        if (!url.isEmpty() && endpoint.matcher(url).find()) {
            // claude-code-router posts to api_base_url as it is; ccrouter appends the endpoint to the base
            provider.put("base_url", endpoint.matcher(url).replaceFirst(""));
        } else if (!url.isEmpty() && preset.isEmpty()) {
            provider.put("base_url", url);
        } else if (!url.isEmpty()) {
            // Gemini's native endpoint and the like: the preset's OpenAI-compatible endpoint serves the same models.
            notes.add("provider " + ccr.path("name").asText() + ": " + Secrets.maskAddress(url)
                    + " is not a chat-completions URL; the "
                    + preset.get() + " preset's endpoint is used instead");
        }
        String key = ccr.path("api_key").asText("");
        if (!key.isEmpty()) {
            provider.putArray("api_keys").add(key);
        }
        ObjectNode models = json.createObjectNode();
        ccr.path("models").forEach(model -> models.putObject(model.asText()));
        String name = ccr.path("name").asText();
        capabilities(name, ccr.path("transformer").path("use"), models, null);
        ccr.path("transformer").fields().forEachRemaining(entry -> {
            if (!entry.getKey().equals("use")) {
                capabilities(name, entry.getValue().path("use"), models, entry.getKey());
            }
        });
        if (!models.isEmpty()) {
            provider.set("models", models);
        }
        return provider;
    }

    private static Optional<String> presetOf(JsonNode uses) {
        for (JsonNode use : uses) {
            String preset = PRESET_TRANSFORMERS.get(use.isArray() ? use.path(0).asText() : use.asText());
            if (preset != null) {
                return Optional.of(preset);
            }
        }
        return Optional.empty();
    }

    /**
     * Transformers that mean a model capability set it on the models they apply to (all, or the one named). A
     * provider's transformer stands for its preset, which takes no options: options given to it (OpenRouter's
     * {@code provider} routing, say) are named in a note rather than dropped unsaid.
     */
    private void capabilities(String provider, JsonNode uses, ObjectNode models, String onlyModel) {
        for (JsonNode use : uses) {
            String name = use.isArray() ? use.path(0).asText() : use.asText();
            JsonNode options = use.isArray() ? use.path(1) : json.missingNode();
            if (name.equals("maxtoken") && options.path("max_tokens").canConvertToInt()) {
                forModels(models, onlyModel, model -> model.put("max_output_tokens", options.get("max_tokens").asInt()));
            } else if (name.equals("cleancache")) {
                forModels(models, onlyModel, model -> model.put("cache_control", false));
            } else if (!PRESET_TRANSFORMERS.containsKey(name)) {
                ignoredTransformers.add(name);
            } else if (options.isObject() && !options.isEmpty()) {
                List<String> keys = new ArrayList<>();
                options.fieldNames().forEachRemaining(keys::add);
                notes.add("provider " + provider + ": the options of transformer " + name + " ("
                        + String.join(", ", keys) + ") are ignored; the " + PRESET_TRANSFORMERS.get(name)
                        + " preset takes none");
            }
        }
    }

    private static void forModels(ObjectNode models, String onlyModel, Consumer<ObjectNode> change) {
        if (onlyModel != null) {
            change.accept(models.has(onlyModel) ? (ObjectNode) models.get(onlyModel) : models.putObject(onlyModel));
        } else {
            models.fields().forEachRemaining(model -> change.accept((ObjectNode) model.getValue()));
        }
    }

    private static Optional<URI> hostOf(String url) {
        try {
            return Optional.of(URI.create(url));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void copy(ObjectNode from, String name, ObjectNode to, String section, String field) {
        JsonNode value = from.get(name);
        if (value != null && !value.isNull() && !value.asText().isEmpty()) {
            section(to, section).set(field, value);
        }
    }

    private static ObjectNode section(ObjectNode settings, String name) {
        return settings.has(name) ? (ObjectNode) settings.get(name) : settings.putObject(name);
    }

    /** claude-code-router writes {@code $VAR} or {@code ${VAR}}; ccrouter only {@code ${VAR}}. */
    private static JsonNode withBracedVariables(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.fields().forEachRemaining(field -> field.setValue(withBracedVariables(field.getValue())));
        } else if (node instanceof ArrayNode list) {
            for (int i = 0; i < list.size(); i++) {
                list.set(i, withBracedVariables(list.get(i)));
            }
        } else if (node.isTextual()) {
            return new TextNode(BARE_VARIABLE.matcher(node.asText()).replaceAll("\\${$1}"));
        }
        return node;
    }

    /** {@code ccrouter config import-ccr}: the equivalent ccrouter YAML, {@code ${VAR}} references kept. */
    static String toYaml(Path file, Consumer<String> warnings) {
        if (!ConfigFiles.isCcr(file)) {
            throw new ConfigException(file + " is not a claude-code-router config.json (it has no Providers or Router)");
        }
        ObjectNode settings = ConfigFiles.read(file, warnings);
        try {
            return SettingsYaml.MAPPER.writeValueAsString(settings);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("settings read from " + file + " cannot be written as YAML", e);
        }
    }
}
