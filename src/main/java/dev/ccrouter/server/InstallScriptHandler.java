package dev.ccrouter.server;

import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.http.Handler;
import dev.ccrouter.http.HeaderNames;
import dev.ccrouter.http.ServerRequest;
import dev.ccrouter.http.ServerResponse;

/**
 * {@code GET /install.sh}: the installer, pointing at this instance's URL as {@link InstanceUrl} finds it — the same
 * URL the landing page shows. {@code no-store}: the script is made for the headers of one request, and a cache must
 * not hand it to users who came another way. The template is read at the first request for it, not at start: its
 * 36 KB, read and split, would be garbage in every fresh gateway's young generation, whose touched pages stay resident.
 */
final class InstallScriptHandler implements Handler {
    static final String CONTENT_TYPE = "text/x-shellscript; charset=utf-8";

    private final GatewayConfig config;
    private final Lazy<InstallScript> script = Lazy.create(InstallScript::load);
    /** Whether users need one of the gateway's keys ({@code auth.keys}) rather than their own OpenRouter key. */
    private volatile boolean gatewayKeys;

    InstallScriptHandler(GatewayConfig config) {
        this.config = config;
        this.gatewayKeys = config.auth().required();
    }

    /** The key a reloaded configuration asks its users for; the instance URL stays the start's. */
    void reconfigure(GatewayConfig next) {
        gatewayKeys = next.auth().required();
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(script.get().render(InstanceUrl.from(req, config), gatewayKeys));
    }

}
