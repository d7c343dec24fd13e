package dev.ccrouter.cli;

import dev.ccrouter.server.GatewayServer;
import java.util.Collection;
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
    /**
     * Every command's help offers {@code --version}: each answers it as {@code ccrouter --version} does. (Here rather
     * than in {@link Main}: a plain {@code serve} loads Main, and must load no class of picocli's.)
     */
    static void answeredBy(Collection<CommandLine> commands) {
        Provider version = new Provider();
        commands.forEach(command -> command.getCommandSpec().versionProvider(version));
    }

    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ccrouter " + version()};
        }
    }
}
