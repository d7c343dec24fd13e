package dev.ccrouter.route;

/**
 * A provider's model, written {@code provider,model} everywhere: in routes, in fallbacks, and as a request's
 * {@code model} (claude-code-router users type {@code /model provider,model} in Claude Code).
 */
public record ModelRef(String provider, String model) {

    /** The reference in {@code text}, or null when it is not of the form {@code provider,model}. */
    public static ModelRef parse(String text) {
        if (text == null) {
            return null;
        }
        int comma = text.indexOf(',');
        if (comma <= 0 || comma == text.length() - 1) {
            return null;
        }
        return new ModelRef(text.substring(0, comma).strip(), text.substring(comma + 1).strip());
    }

    @Override
    public String toString() {
        return provider + "," + model;
    }
}
