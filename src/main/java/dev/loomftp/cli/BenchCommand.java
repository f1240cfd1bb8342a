package dev.loomftp.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.loomftp.bench.BenchResult;
import dev.loomftp.bench.BenchTarget;
import dev.loomftp.bench.Benchmark;
import dev.loomftp.bench.Benchmark.Plan;
import dev.loomftp.bench.Scenario;
import dev.loomftp.client.FtpUrl;
import dev.loomftp.client.Netrc;
import dev.loomftp.client.Trust;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code loomftp bench URL}: a load generator for any FTP server, as pyftpdlib's ftpbench is. It
 * logs many clients in at once, fetches small files from many clients, moves one large file each
 * way, times listings, and holds idle sessions; with {@code --server-pid} it also reads the
 * server's memory, when the server runs on this machine. Its clients are plain sockets on virtual
 * threads, and every scenario is bounded in count and in time.
 */
final class BenchCommand implements Command {
    private static final String DEFAULT_SCENARIOS = "login,small,stor,retr,list,nlst,mlsd";
    private static final Set<String> VALUES = Set.of("scenario", "logins", "clients", "files", "small-size", "size",
            "sessions", "rounds", "time-limit", "fingerprint", "netrc-file", "server-pid", "json", "timeout");
    private static final Set<String> FLAGS = Set.of("tls");

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "measure an FTP server: logins, small files, large files, listings, idle sessions";
    }

    @Override
    public String usage() {
        return """
                Usage: loomftp bench [OPTIONS] URL

                Measures the FTP server at URL (ftp://[user@]host[:port]/folder) as many clients
                use it, and prints a line for each scenario. The password comes from
                LOOMFTP_PASSWORD, then ~/.netrc (or --netrc-file); without a user, anonymous.
                Files it needs are uploaded into the folder as loomftp-bench-*.bin and deleted at
                the end; the listings list the folder as it is. Data connections are passive.

                Scenarios (--scenario, comma-separated, in this order; "all" for every one):
                %s
                Options:
                  --scenario LIST     the scenarios to run (default %s)
                  --logins N          clients of login (default 300)
                  --clients N         clients of small (default 50)
                  --files N           downloads by each client of small (default 20)
                  --small-size SIZE   the small file (default 64K)
                  --size SIZE         the large file of stor and retr (default 100M)
                  --sessions N[,N]    sessions held by idle, one count after another, the
                                      memory read at each (default 1000)
                  --rounds N          rounds of stor, retr, the listings and idle's new login;
                                      the median is reported (default 3)
                  --time-limit SECS   the longest one scenario may run (default 300)
                  --timeout SECS      the longest one read or connect may wait (default 60)
                  --tls               explicit FTPS (AUTH TLS, PROT P), checked against the JDK's
                                      certificate authorities
                  --fingerprint SHA256  trust only the certificate with this fingerprint; implies --tls
                  --netrc-file FILE   read the password from FILE instead of ~/.netrc
                  --server-pid PID    the server's process on this machine: adds its memory (PSS of
                                      the process and its children) while listing and while idle
                  --json FILE         also write the results as JSON to FILE (- for standard output,
                                      then instead of the lines)

                Sizes take K, M or G (1024 based). Exit codes: 0 every scenario ran without an
                error, 1 some operations failed (counted in the results), 2 usage, 4 cannot
                connect or log in.
                """.formatted(scenarioLines(), DEFAULT_SCENARIOS);
    }

    private static String scenarioLines() {
        return Arrays.stream(Scenario.values())
                .map(s -> String.format(Locale.ROOT, "  %-7s %s%n", s.word(), s.summary()))
                .collect(Collectors.joining());
    }

    @Override
    public int run(List<String> words, Io io) throws UsageException {
        Args args = Args.parse(words, VALUES, FLAGS);
        if (args.positionals().size() != 1) {
            throw new UsageException("give one address, such as ftp://user@host:5550/folder");
        }
        FtpUrl url = url(args.positionals().getFirst());
        Plan plan = plan(args);
        Duration timeout = Duration.ofSeconds(args.intValue("timeout", 1, 3600).orElse(60));
        OptionalLong pid = args.value("server-pid").isPresent()
                ? OptionalLong.of(args.intValue("server-pid", 1, Integer.MAX_VALUE).orElseThrow())
                : OptionalLong.empty();
        Optional<String> json = args.value("json");
        boolean lines = !json.equals(Optional.of("-"));
        try {
            Netrc.Credentials credentials = new ClientSettings(false, Optional.empty(),
                    args.value("netrc-file").map(Path::of).orElse(io.home().resolve(".netrc")),
                    io.home().resolve(".loomftp").resolve("known_hosts"), false, false, 0)
                    .credentials(url, io);
            BenchTarget.Contexts trust = trust(args);
            var target = new BenchTarget(url.host(), url.port(), credentials.login(),
                    new String(credentials.password()), trust, args.value("fingerprint").isEmpty(), url.path(),
                    timeout);
            if (lines) {
                io.out().printf(Locale.ROOT, "loomftp bench: %s@%s:%d/%s%s%n", credentials.login(), url.host(),
                        url.port(), url.path(), trust == null ? "" : " over FTPS");
                io.out().printf(Locale.ROOT, "%-7s %7s %14s %-12s %9s %9s %7s  %s%n", "", "clients", "result", "",
                        "p50 ms", "p99 ms", "errors", "more");
            }
            List<BenchResult> results = new ArrayList<>();
            Benchmark.on(target, plan, pid).run(result -> {
                BenchResult told = withoutJavaNames(result);
                results.add(told);
                if (lines) {
                    io.out().println(line(told));
                }
            });
            if (json.isPresent()) {
                writeJson(json.get(), results, io);
            }
            return results.stream().anyMatch(r -> r.errors() > 0) ? ExitCode.FAILURE : ExitCode.OK;
        } catch (GeneralSecurityException e) {
            io.err().println("loomftp bench: TLS is not available: " + ErrorText.of(e));
            return ExitCode.CONNECTION;
        } catch (IOException e) {
            io.err().println("loomftp bench: " + ErrorText.of(e));
            return ExitCode.CONNECTION;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            io.err().println("loomftp bench: interrupted");
            return ExitCode.FAILURE;
        }
    }

    private static FtpUrl url(String text) throws UsageException {
        FtpUrl url;
        try {
            url = FtpUrl.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (url.implicitTls()) {
            throw new UsageException("bench speaks explicit FTPS: use ftp:// with --tls");
        }
        return url;
    }

    private static Plan plan(Args args) throws UsageException {
        List<Scenario> scenarios = new ArrayList<>();
        for (String word : args.value("scenario").orElse(DEFAULT_SCENARIOS).split(",")) {
            if (word.strip().equalsIgnoreCase("all")) {
                scenarios.addAll(List.of(Scenario.values()));
                continue;
            }
            scenarios.add(Scenario.named(word).orElseThrow(() -> new UsageException("no scenario '" + word.strip()
                    + "': choose from " + Arrays.stream(Scenario.values()).map(Scenario::word)
                    .collect(Collectors.joining(", ")))));
        }
        return new Plan(scenarios, args.intValue("logins", 1, 100_000).orElse(300),
                args.intValue("clients", 1, 100_000).orElse(50), args.intValue("files", 1, 1_000_000).orElse(20),
                size(args, "small-size", 64L << 10), size(args, "size", 100L << 20),
                sessions(args), args.intValue("rounds", 1, 1000).orElse(3),
                Duration.ofSeconds(args.intValue("time-limit", 1, 86_400).orElse(300)));
    }

    /** The counts of idle sessions, such as 1000,10000: each from 1 to 100,000. */
    private static List<Integer> sessions(Args args) throws UsageException {
        List<Integer> counts = new ArrayList<>();
        for (String word : args.value("sessions").orElse("1000").split(",")) {
            try {
                int count = Integer.parseInt(word.strip());
                if (count < 1 || count > 100_000) {
                    throw new NumberFormatException();
                }
                counts.add(count);
            } catch (NumberFormatException e) {
                throw new UsageException("--sessions takes counts from 1 to 100000, such as 1000 or 1000,10000, not '"
                        + args.value("sessions").orElseThrow() + "'");
            }
        }
        return counts;
    }

    private static long size(Args args, String option, long fallback) throws UsageException {
        Optional<String> text = args.value(option);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            return ClientSettings.rate(text.get());
        } catch (UsageException e) {
            throw new UsageException("--" + option + " takes a size in bytes, such as 64K or 1G, not '"
                    + text.get() + "'");
        }
    }

    private static BenchTarget.Contexts trust(Args args) throws GeneralSecurityException {
        Optional<String> fingerprint = args.value("fingerprint");
        BenchTarget.Contexts contexts = fingerprint.isPresent() ? () -> Trust.pinned(fingerprint.get())
                : args.flag("tls") ? Trust::system : null;
        if (contexts != null) {
            contexts.create();
        }
        return contexts;
    }

    private static BenchResult withoutJavaNames(BenchResult result) {
        return result.firstError() == null ? result : new BenchResult(result.scenario(), result.tls(), result.value(),
                result.unit(), result.higherIsBetter(), result.clients(), result.operations(), result.errors(),
                result.p50Millis(), result.p99Millis(), result.figures(), ErrorText.withoutJavaNames(result.firstError()));
    }

    /** One result as a line of the table the command prints. */
    static String line(BenchResult result) {
        String more = result.figures().entrySet().stream()
                .map(e -> e.getKey() + "=" + number(e.getValue()))
                .collect(Collectors.joining(" "));
        if (result.firstError() != null) {
            more += (more.isEmpty() ? "" : " ") + "first error: " + result.firstError();
        }
        return String.format(Locale.ROOT, "%-7s %7d %14s %-12s %9.2f %9.2f %7d  %s", result.scenario(),
                result.clients(), number(result.value()), result.unit(), result.p50Millis(), result.p99Millis(),
                result.errors(), more).stripTrailing();
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : String.format(Locale.ROOT, value >= 100 ? "%.0f" : value >= 1 ? "%.2f" : "%.3f", value);
    }

    private static void writeJson(String where, List<BenchResult> results, Io io) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        String text = mapper.writeValueAsString(Map.of("results", results));
        if (where.equals("-")) {
            io.out().println(text);
        } else {
            Files.writeString(Path.of(where), text + System.lineSeparator());
        }
    }
}
