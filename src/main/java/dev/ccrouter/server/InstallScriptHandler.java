package dev.ccrouter.server;

import dev.ccrouter.config.GatewayConfig;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /install.sh}: the installer, pointing at this instance's URL as {@link InstanceUrl} finds it — the same
 * URL the landing page shows. {@code no-store}: the script is made for the headers of one request, and a cache must
 * not hand it to users who came another way.
 */
final class InstallScriptHandler implements Handler {
    static final String CONTENT_TYPE = "text/x-shellscript; charset=utf-8";

    private final InstallScript script;
    private final GatewayConfig config;

    InstallScriptHandler(InstallScript script, GatewayConfig config) {
        this.script = script;
        this.config = config;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(script.render(InstanceUrl.from(req, config)));
    }
}
