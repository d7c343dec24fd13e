package dev.ccrouter.route;

import dev.ccrouter.translate.UpstreamTarget;
import java.util.List;

/**
 * Where one request goes: the route that matched and the targets to try, in order (the first, then its fallbacks).
 *
 * @param route   {@code explicit}, {@code default}, {@code background}, {@code think}, {@code long_context},
 *                {@code web_search}, {@code image}, {@code subagent} or {@code family} (Claude names mapped by the
 *                {@code models} setting)
 * @param targets never empty
 */
public record RouteDecision(String route, List<Candidate> targets) {

    /** One provider's model, ready to translate for. */
    public record Candidate(Provider provider, UpstreamTarget target) {

        /** {@code provider,model}, as the response's {@code X-CCRouter-Provider} header names it. */
        public String label() {
            return provider.name() + "," + target.upstreamModel();
        }
    }

    public Candidate first() {
        return targets.getFirst();
    }
}
