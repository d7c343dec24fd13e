package dev.ccrouter.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code provider,model}: how routes, fallbacks and a request's {@code model} name one provider's model. */
final class Targets {
    private Targets() {
    }

    /** The provider and model of a target written {@code provider,model}; empty when it is not of that form. */
    static Optional<String[]> parse(String target) {
        int comma = target.indexOf(',');
        if (comma < 0) {
            return Optional.empty();
        }
        String provider = target.substring(0, comma).strip();
        String model = target.substring(comma + 1).strip();
        if (provider.isEmpty() || model.isEmpty() || provider.contains(" ")) {
            return Optional.empty();
        }
        return Optional.of(new String[] {provider, model});
    }

    /** {@code provider,model} with the blanks around the comma removed. */
    static String normalize(String target) {
        return parse(target).map(parts -> parts[0] + "," + parts[1]).orElse(target);
    }

    /**
     * A fallback list as written. YAML splits the flow sequence {@code [openrouter,deepseek/deepseek-chat-v3.1,
     * local,qwen3-coder]} at every comma, so its items arrive as {@code openrouter}, {@code deepseek/…}, {@code local},
     * {@code qwen3-coder}: an item without a comma is a provider and pairs with the next one (the model); an item with
     * one (from a quoted string or a block list) is a whole target. A provider left without a model stays alone, for
     * validation to report.
     */
    static List<String> regroup(List<String> items) {
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i).strip();
            if (item.contains(",") || i + 1 >= items.size() || items.get(i + 1).contains(",")) {
                targets.add(normalize(item));
            } else {
                targets.add(item + "," + items.get(++i).strip());
            }
        }
        return List.copyOf(targets);
    }
}
