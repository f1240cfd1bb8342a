package dev.loomftp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loomftp.bench.BenchServer.Kind;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The side-by-side benchmark of {@code bench/run}: starts vsftpd, pyftpdlib, Apache FtpServer and
 * the loomftp image one after another on the loopback, each from its configuration in
 * {@code bench/}, runs {@code loomftp bench} against each (a process of its own, so the load
 * generator never shares a JVM with a server), stops each by its pid, and prints one table with
 * loomftp's ratio to the best peer, plus {@code results.json} and {@code chart.svg}.
 *
 * <p>{@code tiny} runs every scenario at a size that takes seconds, so that CI keeps the whole
 * path working; its figures mean nothing. No figure is checked against a threshold. Every step is
 * bounded: the load generator by its own time limit, and its process by a limit above that.
 */
public final class ServerBenchmark {
    /** How long after its first login a server's memory is read as the idle process's. */
    private static final Duration SETTLE = Duration.ofSeconds(5);

    private final Workspace workspace;
    private final Sizes sizes;
    private final Path output;
    private final Map<Kind, Map<String, Measure>> measures = new EnumMap<>(Kind.class);
    private final ObjectNode raw = new ObjectMapper().createObjectNode();
    private final List<String> failures = new ArrayList<>();

    private ServerBenchmark(Workspace workspace, Sizes sizes, Path output) {
        this.workspace = workspace;
        this.sizes = sizes;
        this.output = output;
    }

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]).toAbsolutePath();
        Path configs = Path.of(args[1]).toAbsolutePath();
        Path output = Files.createDirectories(Path.of(args[2]).toAbsolutePath());
        String options = args.length > 3 ? args[3] : "";
        Sizes sizes = options.contains("tiny") ? Sizes.TINY : Sizes.FULL;
        Workspace workspace = Workspace.create(configs, image);
        try {
            new ServerBenchmark(workspace, sizes, output).run(kinds(options));
        } finally {
            workspace.delete();
        }
    }

    /** The servers to run: those {@code only=NAME,...} names, or all, less those this machine lacks. */
    private static List<Kind> kinds(String options) throws IOException, InterruptedException {
        List<Kind> kinds = new ArrayList<>();
        String only = options.replaceAll(".*only=(\\S+).*", "$1");
        for (Kind kind : Kind.values()) {
            boolean wanted = !options.contains("only=") || only.toLowerCase(Locale.ROOT)
                    .contains(kind.name().toLowerCase(Locale.ROOT));
            if (wanted && BenchServer.available(kind)) {
                kinds.add(kind);
            } else if (wanted) {
                System.out.println("skipping " + kind.label + ": not installed here, or needs root");
            }
        }
        return kinds;
    }

    /** How big each scenario is: the full run, or the tiny one of CI. */
    private record Sizes(String name, String sessions, String sessionsForVsftpd, int smallLogins, int bigLogins,
            List<Integer> clients, int files, String largeSize, int rounds, int listed, int listedLarge,
            int timeLimitSeconds) {
        static final Sizes FULL = new Sizes("full", "1000,10000", "1000", 300, 1000, List.of(50, 200, 1000), 20, "1G",
                3, 10_000, 100_000, 300);
        static final Sizes TINY = new Sizes("tiny", "20,50", "20,50", 20, 40, List.of(5, 10), 5, "4M", 1, 100, 300, 60);
    }

    /** One figure of one server: its value, how it reads in the table, and whether anything failed. */
    record Measure(double value, boolean higherIsBetter, String text, long errors) {
    }

    private void run(List<Kind> kinds) throws Exception {
        System.out.printf(Locale.ROOT, "%s, %d cores, %s run%n", Instant.now(), Runtime.getRuntime()
                .availableProcessors(), sizes.name());
        for (boolean tls : List.of(false, true)) {
            for (Kind kind : kinds) {
                System.out.printf(Locale.ROOT, "%s%s ...%n", kind.label, tls ? " over FTPS" : "");
                measures.computeIfAbsent(kind, k -> new LinkedHashMap<>());
                try (BenchServer server = BenchServer.start(kind, workspace, tls)) {
                    measure(server, tls);
                } catch (IOException e) {
                    System.out.println("  " + kind.label + " failed, its figures are missing: " + e.getMessage());
                    failures.add(kind.label + (tls ? " over FTPS" : "") + ": " + e.getMessage());
                }
                keepLogs(workspace.root().resolve(BenchServer.folderName(kind, tls)));
            }
        }
        List<String> table = Table.markdown(kinds, rows(), measures);
        System.out.println();
        table.forEach(System.out::println);
        writeJson(kinds, table);
        Files.writeString(output.resolve("chart.svg"), Chart.svg(kinds, sizes.clients(), sessionCounts(), measures));
        System.out.println();
        System.out.println("wrote " + output.resolve("results.json") + " and " + output.resolve("chart.svg"));
        if (!failures.isEmpty()) {
            throw new IOException("some servers could not be measured: " + String.join("; ", failures));
        }
    }

    /** Copies a server's logs and the load generator's output to {@code logs/} in the output folder. */
    private void keepLogs(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return;
        }
        Path logs = Files.createDirectories(output.resolve("logs").resolve(folder.getFileName()));
        try (var files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".json"))
                    .toList()) {
                Files.copy(file, logs.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private List<Integer> sessionCounts() {
        return java.util.Arrays.stream(sizes.sessions().split(",")).map(Integer::valueOf).toList();
    }

    /** Every step against one server, from its start to its last listing. */
    private void measure(BenchServer server, boolean tls) throws Exception {
        Map<String, Measure> of = measures.get(server.kind());
        String prefix = tls ? "ftps " : "";
        double startup = server.awaitFirstLogin();
        ServerMemory memory = new ServerMemory(server.process().pid());
        if (!tls) {
            of.put("startup", new Measure(startup, false, format(startup, "ms"), 0));
            // The idle process, not the moment after its first login: a JVM's compiler threads are
            // still at work then, and give their memory back in the next seconds.
            server.process().onExit().completeOnTimeout(server.process(), SETTLE.toMillis(), TimeUnit.MILLISECONDS)
                    .join();
            double mib = memory.pssKib() / 1024.0;
            of.put("memory at start", new Measure(mib, false, format(mib, "MiB"), 0));
            String sessions = server.kind() == Kind.VSFTPD ? sizes.sessionsForVsftpd() : sizes.sessions();
            record(server, of, "", bench(server, tls, "idle", "", "--scenario", "idle", "--sessions", sessions));
        }
        record(server, of, prefix, bench(server, tls, "logins", Workspace.UPLOADS, "--scenario", "login",
                "--logins", Integer.toString(sizes.smallLogins())));
        if (!tls) {
            record(server, of, "many ", bench(server, tls, "logins", Workspace.UPLOADS, "--scenario", "login",
                    "--logins", Integer.toString(sizes.bigLogins())));
        }
        for (int clients : tls ? sizes.clients().subList(0, 2) : sizes.clients()) {
            record(server, of, prefix + clients + " ", bench(server, tls, "small" + clients, Workspace.UPLOADS,
                    "--scenario", "small", "--clients", Integer.toString(clients),
                    "--files", Integer.toString(sizes.files()), "--small-size", "64K"));
        }
        record(server, of, prefix, bench(server, tls, "large", Workspace.UPLOADS, "--scenario", "stor,retr",
                "--size", sizes.largeSize(), "--rounds", Integer.toString(sizes.rounds())));
        record(server, of, prefix, bench(server, tls, "list", workspace.folderOf(sizes.listed()),
                "--scenario", tls ? "list,mlsd" : "list,nlst,mlsd",
                "--rounds", Integer.toString(sizes.rounds() * 3 + 2)));
        if (!tls) {
            record(server, of, "large ", bench(server, tls, "list-large", workspace.folderOf(sizes.listedLarge()),
                    "--scenario", "list,mlsd", "--rounds", Integer.toString(sizes.rounds())));
        }
    }

    /** Runs {@code loomftp bench} against the server and returns its results. */
    private JsonNode bench(BenchServer server, boolean tls, String step, String path, String... scenarioArgs)
            throws Exception {
        Path json = server.folder().resolve("bench-" + step + ".json");
        Path log = server.folder().resolve("bench-" + step + ".log");
        List<String> command = new ArrayList<>(List.of(workspace.image().resolve("bin/loomftp").toString(), "bench",
                server.url(path), "--json", json.toString(), "--server-pid", Long.toString(server.process().pid()),
                "--time-limit", Integer.toString(sizes.timeLimitSeconds())));
        command.addAll(List.of(scenarioArgs));
        if (tls) {
            command.addAll(List.of("--fingerprint", workspace.fingerprint()));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(new File("/dev/null"));
        builder.environment().put("LOOMFTP_PASSWORD", BenchServer.PASSWORD);
        builder.environment().put("HOME", workspace.root().toString());
        Process process = builder.start();
        Duration limit = Duration.ofSeconds(sizes.timeLimitSeconds() * 4L + 60);
        if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            Bench.stop(process);
            throw new IOException("loomftp bench " + step + " against " + server.name() + " took longer than " + limit);
        }
        System.out.print(Files.readString(log).lines().skip(1).map(line -> "  " + line + "\n")
                .reduce("", String::concat));
        if (!Files.exists(json)) {
            throw new IOException("loomftp bench " + step + " against " + server.name() + " failed: "
                    + Files.readString(log).strip());
        }
        JsonNode results = new ObjectMapper().readTree(json.toFile()).path("results");
        raw.withObject(server.kind().name().toLowerCase(Locale.ROOT)).set((tls ? "ftps-" : "") + step, results);
        return results;
    }

    /** Files each result under "PREFIX scenario", with its headline figure. */
    private static void record(BenchServer server, Map<String, Measure> of, String prefix, JsonNode results) {
        for (JsonNode result : results) {
            String scenario = result.path("scenario").asText();
            double value = result.path("value").asDouble();
            long errors = result.path("errors").asLong();
            String unit = result.path("unit").asText();
            String text = format(value, unit);
            if (errors > 0 && result.path("firstError").asText().matches("unexpected reply: 50[02] .*")) {
                of.put(prefix + scenario, new Measure(0, true, "not supported", 0));
                continue;
            }
            if (scenario.equals("small") || scenario.equals("login")) {
                text += String.format(Locale.ROOT, " (p99 %.0f ms)", result.path("p99Millis").asDouble());
            }
            of.put(prefix + scenario, new Measure(value, result.path("higherIsBetter").asBoolean(), text, errors));
            JsonNode figures = result.path("figures");
            if (scenario.equals("idle")) {
                figures.properties().forEach(figure -> of.put("idle " + figure.getKey(),
                        new Measure(figure.getValue().asDouble(), false, format(figure.getValue().asDouble(),
                                figure.getKey().startsWith("newLogin") ? "ms" : "KiB"), errors)));
            }
            if (figures.has("serverGrowthKib")) {
                double mib = figures.path("serverGrowthKib").asDouble() / 1024;
                of.put(prefix + scenario + " growth", new Measure(mib, false, format(mib, "MiB"), errors));
            }
        }
    }

    static String format(double value, String unit) {
        String number = value >= 100 ? String.format(Locale.ROOT, "%,.0f", value)
                : value >= 10 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.2f", value);
        return number + " " + unit;
    }

    /** The table's rows: its label, and the key of the measure in each server's map. */
    private List<Table.Row> rows() {
        List<Table.Row> rows = new ArrayList<>();
        List<Integer> sessionCounts = sessionCounts();
        int most = sessionCounts.getLast();
        rows.add(new Table.Row("start-up to first login", "startup"));
        rows.add(new Table.Row("memory at start (PSS)", "memory at start"));
        for (int count : sessionCounts) {
            rows.add(new Table.Row(String.format(Locale.ROOT, "%,d idle sessions: KiB each above the start", count),
                    "idle kibPerSessionAt" + count));
        }
        rows.add(new Table.Row(String.format(Locale.ROOT, "a new login while %,d are held", most),
                "idle newLoginMsAt" + most));
        rows.add(new Table.Row(String.format(Locale.ROOT, "%,d clients logging in at once, wall", sizes.smallLogins()),
                "login"));
        rows.add(new Table.Row(String.format(Locale.ROOT, "%,d clients logging in at once, wall", sizes.bigLogins()),
                "many login"));
        for (int clients : sizes.clients()) {
            rows.add(new Table.Row(String.format(Locale.ROOT, "%,d clients x %d RETR of 64 KiB", clients, sizes.files()),
                    clients + " small"));
        }
        rows.add(new Table.Row("STOR " + sizes.largeSize() + "iB", "stor"));
        rows.add(new Table.Row("RETR " + sizes.largeSize() + "iB", "retr"));
        for (String verb : List.of("list", "nlst", "mlsd")) {
            rows.add(new Table.Row(String.format(Locale.ROOT, "%s of %,d entries", verb.toUpperCase(Locale.ROOT),
                    sizes.listed()), verb));
        }
        for (String verb : List.of("list", "mlsd")) {
            String label = String.format(Locale.ROOT, "%s of %,d entries", verb.toUpperCase(Locale.ROOT),
                    sizes.listedLarge());
            rows.add(new Table.Row(label, "large " + verb));
            rows.add(new Table.Row(label + ": server's memory growth while listing", "large " + verb + " growth"));
        }
        rows.add(new Table.Row(String.format(Locale.ROOT, "FTPS: %,d clients logging in at once", sizes.smallLogins()),
                "ftps login"));
        for (int clients : sizes.clients().subList(0, 2)) {
            rows.add(new Table.Row(String.format(Locale.ROOT, "FTPS: %,d clients x %d RETR of 64 KiB", clients,
                    sizes.files()), "ftps " + clients + " small"));
        }
        rows.add(new Table.Row("FTPS: STOR " + sizes.largeSize() + "iB", "ftps stor"));
        rows.add(new Table.Row("FTPS: RETR " + sizes.largeSize() + "iB", "ftps retr"));
        rows.add(new Table.Row(String.format(Locale.ROOT, "FTPS: LIST of %,d entries", sizes.listed()), "ftps list"));
        rows.add(new Table.Row(String.format(Locale.ROOT, "FTPS: MLSD of %,d entries", sizes.listed()), "ftps mlsd"));
        return rows;
    }

    private void writeJson(List<Kind> kinds, List<String> table) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode document = mapper.createObjectNode();
        document.put("when", Instant.now().toString());
        document.put("cores", Runtime.getRuntime().availableProcessors());
        document.put("run", sizes.name());
        ObjectNode figures = document.putObject("figures");
        for (Kind kind : kinds) {
            ObjectNode server = figures.putObject(kind.label);
            measures.get(kind).forEach((key, measure) -> server.putPOJO(key, measure));
        }
        document.putPOJO("table", table);
        document.set("results", raw);
        mapper.writeValue(output.resolve("results.json").toFile(), document);
    }
}
