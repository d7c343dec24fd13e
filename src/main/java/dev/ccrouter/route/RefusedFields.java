package dev.ccrouter.route;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.route.RouteDecision.Candidate;
import dev.ccrouter.translate.UpstreamErrors;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The optional body fields each target ({@code provider,model}) has refused while running: a model that does not
 * take {@code reasoning_effort} (OpenAI's non-reasoning models), {@code top_k} (Gemini) or {@code user} (Mistral)
 * says so once, with a 400 that names the field; the request is sent again without it, and later requests to that
 * target leave it out from the start. The presets' {@code refused_fields} are the same knowledge written down in
 * advance; this is for the models and servers no preset describes. One refusal is of a value, not a field: a model
 * that always reasons refuses to be told not to ({@link UpstreamErrors#REASONING_OFF}), and only that is left out.
 */
public final class RefusedFields {
    /** Targets remembered at most: a client may name any model, and the memory must not grow with them. */
    static final int MAX_TARGETS = 4096;

    private final Map<String, Set<String>> byTarget = new ConcurrentHashMap<>();

    /** Remembers that the target refused the field (as {@link UpstreamErrors#refusedField} names it); true when it was
     * not known yet. */
    public boolean learn(Candidate target, String field) {
        String label = target.label();
        Set<String> refused = byTarget.get(label);
        if (refused == null) {
            if (byTarget.size() >= MAX_TARGETS) {
                return false; // still left out of this request by its caller, not remembered
            }
            refused = byTarget.computeIfAbsent(label, k -> ConcurrentHashMap.newKeySet());
        }
        return refused.add(field);
    }

    /**
     * Takes over what {@code previous} (the router's before a reload) learned of the targets whose provider is still
     * the same ({@code keep} says which by name), so that they are not asked again with a field they refused.
     */
    void carryFrom(RefusedFields previous, Predicate<String> keep) {
        previous.byTarget.forEach((label, refused) -> {
            if (keep.test(TargetCooldowns.providerOf(label)) && byTarget.size() < MAX_TARGETS) {
                byTarget.computeIfAbsent(label, k -> ConcurrentHashMap.newKeySet()).addAll(refused);
            }
        });
    }

    /** Removes from an upstream body the fields its target has refused before. */
    public void leaveOut(Candidate target, ObjectNode body) {
        if (byTarget.isEmpty()) {
            return; // the usual case: no label made per request
        }
        Set<String> refused = byTarget.get(target.label());
        if (refused != null) {
            for (String field : refused) {
                UpstreamErrors.leaveOut(field, body);
            }
        }
    }
}
