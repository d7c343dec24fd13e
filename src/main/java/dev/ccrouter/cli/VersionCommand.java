package dev.ccrouter.cli;

import dev.ccrouter.server.GatewayServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ccrouter version}. */
@Command(name = "version", description = "Print the version.")
final class VersionCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("ccrouter " + version());
    }

    static String version() {
        return GatewayServer.version();
    }

    /** Feeds {@code ccrouter --version}. */
    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ccrouter " + version()};
        }
    }
}
