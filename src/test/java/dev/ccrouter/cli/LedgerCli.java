package dev.ccrouter.cli;

import dev.ccrouter.config.LedgerSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/** Runs the commands that read the ledger in-process, with a config file naming the given ledger. */
public final class LedgerCli {
    public record Result(int exitCode, String out, String err) {
    }

    private LedgerCli() {
    }

    public static Result usage(LedgerSettings ledger, String... args) throws IOException {
        return run(new UsageCommand(Map.of()), ledger, args);
    }

    public static Result statusline(LedgerSettings ledger, String stdin, Clock clock) throws IOException {
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        return run(new StatuslineCommand(Map.of(), in, clock), ledger);
    }

    /** A config file whose {@code ledger.url} is the given ledger's. */
    public static Path configFor(LedgerSettings ledger) throws IOException {
        Path config = Files.createTempFile("ccrouter-ledger-", ".yaml");
        config.toFile().deleteOnExit();
        Files.writeString(config, "ledger:\n  url: \"" + ledger.url() + "\"\n");
        return config;
    }

    private static Result run(Callable<Integer> command, LedgerSettings ledger, String... args) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--config");
        all.add(configFor(ledger).toString());
        int exit = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }
}
