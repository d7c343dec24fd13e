package dev.ccrouter.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings bound by Jackson's databind, as {@code serve} did before {@link ConfigBinder}: kept as the oracle the
 * hand-written binder is held equal to ({@code ConfigBinderTest}).
 */
final class DatabindBinding {
    static final ObjectMapper MAPPER = SettingsYaml.MAPPER.copy()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private DatabindBinding() {
    }

    static ConfigFile bind(JsonNode tree, Provenance provenance) {
        try {
            return MAPPER.treeToValue(tree, ConfigFile.class);
        } catch (UnrecognizedPropertyException e) {
            ConfigPath path = pathOf(e);
            throw new ConfigException(provenance.where(path) + ": unknown setting (known: "
                    + String.join(", ", sorted(e.getKnownPropertyIds())) + ")");
        } catch (MismatchedInputException e) {
            ConfigPath path = pathOf(e);
            String valid = Settings.forPath(path).map(setting -> setting.rule().valid())
                    .orElseGet(() -> describe(e.getTargetType()));
            boolean echo = Settings.mayShow(path);
            JsonNode value = path.find(tree);
            String got = e instanceof InvalidFormatException format ? String.valueOf(format.getValue())
                    : value == null ? "nothing" : value.isValueNode() ? value.asText() : kind(value);
            throw new ConfigException(provenance.where(path) + " must be " + valid
                    + (echo ? ", got '" + got + "'" : ""));
        } catch (JsonMappingException e) {
            throw new ConfigException(provenance.where(pathOf(e)) + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ConfigException("the settings cannot be read: " + e.getOriginalMessage());
        }
    }

    private static ConfigPath pathOf(JsonMappingException e) {
        ConfigPath path = ConfigPath.ROOT;
        for (JsonMappingException.Reference reference : e.getPath()) {
            path = reference.getFieldName() != null ? path.key(reference.getFieldName())
                    : path.index(reference.getIndex());
        }
        return path;
    }

    private static List<String> sorted(Collection<Object> names) {
        return names.stream().map(Objects::toString).sorted().toList();
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "of another kind";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type == String.class) {
            return "text";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping of settings";
        }
        return "of another kind";
    }

    private static String kind(JsonNode value) {
        return value.isArray() ? "a list" : value.isObject() ? "a mapping" : value.getNodeType().name().toLowerCase();
    }
}
