package dev.ccrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line builds only the command it is asked for, and lists them all when asked for none or for help. */
class MainTest {
    private static final String[] ALL = {"serve", "code", "start", "stop", "status", "restart", "logs", "config",
            "usage", "statusline", "version", "help"};

    @Test
    void aNamedCommandIsTheOnlyOneBuilt() {
        assertThat(Main.commandLine("serve", "--port", "0").getSubcommands()).containsOnlyKeys("serve");
        assertThat(Main.commandLine("statusline").getSubcommands()).containsOnlyKeys("statusline");
    }

    @Test
    void noCommandHelpOrAMisspeltOneListsEveryCommandInOrder() {
        assertThat(Main.commandLine().getSubcommands().keySet()).containsExactly(ALL);
        assertThat(Main.commandLine("--help").getSubcommands().keySet()).containsExactly(ALL);
        assertThat(Main.commandLine("help", "serve").getSubcommands().keySet()).containsExactly(ALL);
        assertThat(Main.commandLine("serv").getSubcommands().keySet()).containsExactly(ALL);
    }

    @Test
    void theUsageNamesEveryCommandAndAMisspeltOneIsRefused() {
        StringWriter out = new StringWriter();
        CommandLine line = Main.commandLine("--help");
        line.setOut(new PrintWriter(out));
        assertThat(line.execute("--help")).isZero();
        assertThat(out.toString()).contains("  serve", "  statusline", "  version", "  help");

        StringWriter err = new StringWriter();
        CommandLine misspelt = Main.commandLine("serv");
        misspelt.setErr(new PrintWriter(err));
        assertThat(misspelt.execute("serv")).isEqualTo(2);
        assertThat(err.toString()).startsWith("Unmatched argument at index 0: 'serv'");
    }

    /** A value a command cannot take is said in a line, with where the options are, not with the whole usage. */
    @Test
    void aValueACommandCannotTakeIsOneLineAndAPointerToItsHelp() {
        StringWriter err = new StringWriter();
        CommandLine line = Main.commandLine("serve", "--port", "abc");
        line.setErr(new PrintWriter(err));

        assertThat(line.execute("serve", "--port", "abc")).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly("Invalid value for option '--port': 'abc' is not an int",
                "'ccrouter serve --help' lists its options.");
    }

    /** Every command's help offers {@code --version}, and every command answers it. */
    @Test
    void everyCommandAnswersVersion() {
        for (String command : new String[] {"serve", "start", "status", "config", "usage"}) {
            StringWriter out = new StringWriter();
            CommandLine line = Main.commandLine(command, "--version");
            line.setOut(new PrintWriter(out));

            assertThat(line.execute(command, "--version")).as(command).isZero();
            assertThat(out.toString()).as(command).isEqualTo("ccrouter " + VersionCommand.version() + System.lineSeparator());
        }
    }
}
