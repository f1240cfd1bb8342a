package dev.loomftp.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Runs the scenarios of {@code loomftp bench} against one server and returns their figures. The
 * files it needs are uploaded into the target's folder under names starting with
 * {@code loomftp-bench-}, and deleted at the end; the listings list that folder as it is.
 *
 * <p>Every scenario is bounded twice: in count by the plan, and in time by
 * {@link Plan#timeLimit()}, after which its clients are stopped and the rest count as errors.
 */
public final class Benchmark {
    private static final String SMALL_FILE = "loomftp-bench-small.bin";
    private static final String LARGE_FILE = "loomftp-bench-large.bin";
    /** How many idle sessions log in at the same time while they are being opened. */
    private static final int OPENING_AT_ONCE = 64;
    private static final long MEMORY_PERIOD_MILLIS = 20;

    private final BenchTarget target;
    private final Plan plan;
    private final Optional<ServerMemory> memory;
    private final byte[] pattern = new byte[64 * 1024];

    /**
     * What to run and how big.
     *
     * @param scenarios  the scenarios, run in the order of {@link Scenario}
     * @param logins     clients of the login scenario
     * @param clients    clients of the small-file scenario
     * @param files      downloads by each of them
     * @param smallSize  the small file's size in bytes
     * @param largeSize  the large file's size in bytes
     * @param sessions   the counts of sessions the idle scenario holds, one after another, rising
     * @param rounds     rounds of the single-client scenarios, whose median is reported
     * @param timeLimit  the longest one scenario may run
     */
    public record Plan(List<Scenario> scenarios, int logins, int clients, int files, long smallSize, long largeSize,
            List<Integer> sessions, int rounds, Duration timeLimit) {
        public Plan {
            scenarios = scenarios.stream().distinct().sorted().toList();
            sessions = sessions.stream().distinct().sorted().toList();
            if (sessions.isEmpty() || sessions.getFirst() < 1) {
                throw new IllegalArgumentException("the idle scenario needs counts of sessions above 0");
            }
        }
    }

    private Benchmark(BenchTarget target, Plan plan, Optional<ServerMemory> memory) {
        this.target = target;
        this.plan = plan;
        this.memory = memory;
        new Random(1).nextBytes(pattern);
    }

    /**
     * A benchmark of {@code target}; with {@code serverPid}, the server's memory is read too.
     *
     * @throws IOException when that process's memory cannot be read here
     */
    public static Benchmark on(BenchTarget target, Plan plan, OptionalLong serverPid) throws IOException {
        Optional<ServerMemory> memory = Optional.empty();
        if (serverPid.isPresent()) {
            ServerMemory server = new ServerMemory(serverPid.getAsLong());
            if (!server.readable()) {
                throw new IOException("cannot read the memory of process " + serverPid.getAsLong()
                        + ": it must run on this machine, and this user must be allowed to read it");
            }
            memory = Optional.of(server);
        }
        return new Benchmark(target, plan, memory);
    }

    /**
     * Runs every planned scenario, handing each result to {@code done} as it comes, and cleans up.
     * A scenario that fails, even in its set-up, is a result with an error, and the next one runs.
     *
     * @throws IOException when the server cannot be reached or refuses the login, before any load
     */
    public List<BenchResult> run(Consumer<BenchResult> done) throws IOException, InterruptedException {
        BenchClient.login(target).quit();
        List<BenchResult> results = new ArrayList<>();
        for (Scenario scenario : plan.scenarios()) {
            BenchResult result;
            try {
                result = run(scenario);
            } catch (IOException e) {
                result = failed(scenario, e);
            }
            results.add(result);
            done.accept(result);
        }
        try (BenchClient client = BenchClient.login(target)) {
            client.deleteQuietly(target.path(SMALL_FILE));
            client.deleteQuietly(target.path(LARGE_FILE));
            client.quit();
        }
        return results;
    }

    private BenchResult run(Scenario scenario) throws IOException, InterruptedException {
        return switch (scenario) {
            case LOGIN -> logins();
            case SMALL -> smallFiles();
            case STOR -> store();
            case RETR -> retrieve();
            case LIST, NLST, MLSD -> listing(scenario);
            case IDLE -> idleSessions();
        };
    }

    private BenchResult logins() throws InterruptedException {
        Load.Outcome outcome = Load.run(plan.logins(), plan.timeLimit(), (number, timer) -> {
            long start = System.nanoTime();
            BenchClient client = BenchClient.login(target);
            timer.record(start);
            client.quit();
        });
        return result(Scenario.LOGIN, outcome.seconds(), "s", false, plan.logins(), outcome, Map.of());
    }

    private BenchResult smallFiles() throws IOException, InterruptedException {
        String path = target.path(SMALL_FILE);
        upload(path, plan.smallSize(), false);
        Load.Outcome outcome = Load.run(plan.clients(), plan.timeLimit(), (number, timer) -> {
            try (BenchClient client = BenchClient.login(target)) {
                for (int i = 0; i < plan.files(); i++) {
                    long start = System.nanoTime();
                    expectSize(client.retrieve(path).bytes(), plan.smallSize());
                    timer.record(start);
                }
                client.quit();
            }
        });
        return result(Scenario.SMALL, outcome.operations() / outcome.seconds(), "files/s", true, plan.clients(),
                outcome, Map.of("fileBytes", (double) plan.smallSize()));
    }

    private BenchResult store() throws IOException, InterruptedException {
        String path = target.path(LARGE_FILE);
        Load.Outcome outcome = rounds((client, timer) -> {
            long start = System.nanoTime();
            client.store(path, plan.largeSize(), pattern);
            timer.record(start);
        });
        return result(Scenario.STOR, megabytesPerSecond(outcome), "MB/s", true, 1, outcome,
                Map.of("fileBytes", (double) plan.largeSize()));
    }

    private BenchResult retrieve() throws IOException, InterruptedException {
        String path = target.path(LARGE_FILE);
        upload(path, plan.largeSize(), true);
        Load.Outcome outcome = rounds((client, timer) -> {
            long start = System.nanoTime();
            expectSize(client.retrieve(path).bytes(), plan.largeSize());
            timer.record(start);
        });
        return result(Scenario.RETR, megabytesPerSecond(outcome), "MB/s", true, 1, outcome,
                Map.of("fileBytes", (double) plan.largeSize()));
    }

    private BenchResult listing(Scenario scenario) throws IOException, InterruptedException {
        String verb = scenario.word().toUpperCase(java.util.Locale.ROOT);
        Map<String, Double> figures = new LinkedHashMap<>();
        // One listing first, not timed: it brings the folder into the server's caches and
        // compiles this process's reading loop, so the rounds time the server's listing. The
        // server's memory is read during that one, not during the timed ones: reading a large
        // process's memory map takes a lock the process needs and a share of the cores.
        try (BenchClient client = BenchClient.login(target)) {
            if (memory.isPresent()) {
                long before = memory.get().pssKib();
                ServerMemory.Peak<BenchClient.Received> seen = memory.get().peakDuring(MEMORY_PERIOD_MILLIS,
                        () -> client.list(verb, target.folder()));
                figures.put("serverKibBefore", (double) before);
                figures.put("serverPeakKib", (double) seen.kib());
                figures.put("serverGrowthKib", (double) Math.max(0, seen.kib() - before));
            } else {
                client.list(verb, target.folder());
            }
            client.quit();
        }
        long[] entries = {0};
        Load.Outcome outcome = rounds((client, timer) -> {
            long start = System.nanoTime();
            BenchClient.Received received = client.list(verb, target.folder());
            timer.record(start);
            entries[0] = received.lines();
        });
        figures.put("entries", (double) entries[0]);
        return result(scenario, outcome.quantile(0.5), "ms", false, 1, outcome, figures);
    }

    /**
     * Opens logged-in sessions up to each count of {@link Plan#sessions()} in turn and holds them:
     * the server's memory at each count, and how long a new client takes to log in meanwhile.
     */
    private BenchResult idleSessions() throws InterruptedException {
        long before = memory.map(ServerMemory::pssKib).orElse(0L);
        ConcurrentLinkedQueue<BenchClient> held = new ConcurrentLinkedQueue<>();
        Semaphore opening = new Semaphore(OPENING_AT_ONCE);
        Map<String, Double> figures = new LinkedHashMap<>();
        memory.ifPresent(server -> figures.put("serverIdleKib", (double) before));
        try {
            Load.Outcome opened = null;
            Load.Outcome newcomer = null;
            double perSession = 0;
            for (int count : plan.sessions()) {
                opened = Load.run(count - held.size(), plan.timeLimit(), (number, timer) -> {
                    opening.acquire();
                    try {
                        long start = System.nanoTime();
                        held.add(BenchClient.login(target));
                        timer.record(start);
                    } finally {
                        opening.release();
                    }
                });
                long now = memory.map(ServerMemory::pssKib).orElse(0L);
                newcomer = Load.run(1, plan.timeLimit(), (number, timer) -> {
                    for (int i = 0; i < plan.rounds(); i++) {
                        long start = System.nanoTime();
                        BenchClient.login(target).quit();
                        timer.record(start);
                    }
                });
                figures.put("newLoginMsAt" + count, newcomer.quantile(0.5));
                if (memory.isPresent()) {
                    perSession = held.isEmpty() ? 0 : (now - before) / (double) held.size();
                    figures.put("serverKibAt" + count, (double) now);
                    figures.put("kibPerSessionAt" + count, perSession);
                }
                if (opened.errors() > 0) {
                    break;
                }
            }
            figures.put("sessionsHeld", (double) held.size());
            int most = plan.sessions().getLast();
            return memory.isPresent()
                    ? result(Scenario.IDLE, perSession, "KiB/session", false, most, opened, figures)
                    : result(Scenario.IDLE, newcomer.quantile(0.5), "ms new login", false, most, opened, figures);
        } finally {
            closeAll(held);
        }
    }

    /** One client, logged in once, doing {@link Plan#rounds()} operations one after another. */
    private Load.Outcome rounds(Round round) throws InterruptedException {
        return Load.run(1, plan.timeLimit(), (number, timer) -> {
            try (BenchClient client = BenchClient.login(target)) {
                for (int i = 0; i < plan.rounds(); i++) {
                    round.run(client, timer);
                }
                client.quit();
            }
        });
    }

    @FunctionalInterface
    private interface Round {
        void run(BenchClient client, Load.Timer timer) throws IOException, InterruptedException;
    }

    /** Uploads {@code size} bytes as {@code path}; with {@code unlessThere}, not when the server has that size already. */
    private void upload(String path, long size, boolean unlessThere) throws IOException {
        try (BenchClient client = BenchClient.login(target)) {
            if (!unlessThere || client.size(path) != size) {
                client.store(path, size, pattern);
            }
            client.quit();
        }
    }

    private static void expectSize(long got, long wanted) throws BenchException {
        if (got != wanted) {
            throw new BenchException("a download brought " + got + " bytes instead of " + wanted);
        }
    }

    private double megabytesPerSecond(Load.Outcome outcome) {
        double median = outcome.quantile(0.5);
        return median == 0 ? 0 : plan.largeSize() / (median / 1000) / 1e6;
    }

    private BenchResult result(Scenario scenario, double value, String unit, boolean higherIsBetter, int clients,
            Load.Outcome outcome, Map<String, Double> figures) {
        return new BenchResult(scenario.word(), target.tls(), value, unit, higherIsBetter, clients,
                outcome.operations(), outcome.errors(), outcome.quantile(0.5), outcome.quantile(0.99), figures,
                outcome.firstError());
    }

    private BenchResult failed(Scenario scenario, IOException e) {
        return new BenchResult(scenario.word(), target.tls(), 0, "", true, 0, 0, 1, 0, 0, Map.of(),
                e.getMessage() == null ? "failed without a reason given" : e.getMessage());
    }

    private static void closeAll(ConcurrentLinkedQueue<BenchClient> clients) {
        for (BenchClient client : clients) {
            try {
                client.close();
            } catch (IOException alreadyGone) {
                // the session ends either way; the server's side is what was measured
            }
        }
    }
}
