package dev.loomftp.bench;

import static dev.loomftp.bench.Bench.FILE_SIZE;
import static dev.loomftp.bench.Bench.PASSWORD;
import static dev.loomftp.bench.Bench.ROUNDS;
import static dev.loomftp.bench.Bench.USER;
import static dev.loomftp.bench.Bench.mebibytes;
import static dev.loomftp.bench.Bench.median;
import static dev.loomftp.bench.Bench.megabytesPerSecond;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Side-by-side figures for the clients: the built image's own ({@code loomftp client}), curl and
 * lftp, in one run against the same server on loopback (vsftpd when it can run, as a neutral
 * peer; otherwise the image's own server). For each: the download and the upload of one 1 GiB
 * file, a mirror down of a tree of 2,000 small files with 4 transfers at once (curl has none),
 * and the peak resident memory of the client during the download. Not a test: run it with
 * {@code mvn -q -DskipTests -Pbench-client package}.
 *
 * <p>Each figure is the median of {@link Bench#ROUNDS} rounds; within a round the clients take
 * turns, so that whatever drifts on the machine touches them alike. Times are the whole client
 * process, start-up included, as a user sees it. Downloads go to a file, as the loomftp client
 * always writes one. Every copy is checked: the size of each download and upload, and the
 * SHA-256 of every file of every mirror against the source tree. Each process runs with an empty
 * HOME and an empty netrc file, so no one's settings play a part. The payload and the tree are
 * written to disk ({@code sync}) before the first round, so that their write-back does not fall
 * on one client's turn; every copy is deleted as soon as it is checked, for the same reason.
 */
public final class ClientBenchmark {
    private static final int PORT = 2211;
    private static final int TREE_GROUPS = 8;
    private static final int FOLDERS_PER_GROUP = 5;
    private static final int FILES_PER_FOLDER = 50;
    private static final int TREE_FILES = TREE_GROUPS * FOLDERS_PER_GROUP * FILES_PER_FOLDER;
    private static final int PARALLEL = 4;

    private final Path work;
    private final Path image;
    private final Path payload;
    private final Path home;
    private final List<String> problems = new ArrayList<>();

    private ClientBenchmark(Path work, Path image, Path payload) throws IOException {
        this.work = work;
        this.image = image;
        this.payload = payload;
        this.home = Files.createDirectories(work.resolve("home"));
    }

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args.length > 0 ? args[0] : "target/image").toAbsolutePath();
        Path work = Files.createTempDirectory("loomftp-client-bench-");
        try {
            Path payload = work.resolve("payload.bin");
            Bench.writeRandom(payload, FILE_SIZE);
            new ClientBenchmark(work, image, payload).run();
        } finally {
            Bench.deleteTree(work);
        }
    }

    private void run() throws IOException, InterruptedException {
        List<Client> clients = clients();
        try (Peer peer = server()) {
            peer.awaitListening();
            Path tree = peer.root().resolve("tree");
            writeTree(tree);
            SortedMap<String, String> source = snapshot(tree);
            Bench.run(List.of("sync"));
            System.out.printf(Locale.ROOT, "%n%s, %d cores, server %s, file %d MiB, mirror of %,d files (%d folders,"
                            + " %.1f MiB) with %d at once, %d rounds (median)%n%n", Instant.now(),
                    Runtime.getRuntime().availableProcessors(), peer.name(), FILE_SIZE >> 20, TREE_FILES,
                    TREE_GROUPS * FOLDERS_PER_GROUP, mebibytes(sizeOf(tree) >> 10), PARALLEL, ROUNDS);
            Map<Client, List<Round>> rounds = measure(clients, peer, source);
            System.out.println("| client | download MB/s | upload MB/s | mirror " + String.format(Locale.ROOT,
                    "%,d", TREE_FILES) + " files s | peak RSS MiB |");
            System.out.println("|---|---|---|---|---|");
            rounds.forEach(ClientBenchmark::printRow);
            if (!peer.name().startsWith("vsftpd")) {
                System.out.println();
                System.out.println("The server offers HASH: the loomftp client's get and put include checking the"
                        + " SHA-256 of the whole file at both ends.");
            }
        }
        System.out.println();
        System.out.println(problems.isEmpty() ? "Every copy checked: each download and upload has the file's size,"
                + " and each mirror the same SHA-256 for every file as the source tree, with nothing more."
                : "PROBLEMS:\n- " + String.join("\n- ", problems));
    }

    /** The clients there are: the image's own always, then curl and lftp when installed. */
    private List<Client> clients() throws IOException {
        Path netrc = Files.writeString(home.resolve("netrc"), "");
        List<Client> clients = new ArrayList<>(List.of(new LoomftpClient(image.resolve("bin/loomftp"), netrc)));
        if (onPath("curl")) {
            clients.add(new Curl());
        }
        if (onPath("lftp")) {
            clients.add(new Lftp());
        }
        return clients;
    }

    /** vsftpd, neutral to every client, when it can run; the image's own server otherwise. */
    private Peer server() throws IOException, InterruptedException {
        return Peer.vsftpdRuns() ? Peer.vsftpd(work, payload, PORT) : Peer.loomftp(image, work, payload, PORT);
    }

    /** Runs every round; in each, the clients take turns. */
    private Map<Client, List<Round>> measure(List<Client> clients, Peer peer, SortedMap<String, String> source)
            throws IOException, InterruptedException {
        Map<Client, List<Round>> rounds = new LinkedHashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (Client client : clients) {
                rounds.computeIfAbsent(client, any -> new ArrayList<>()).add(round(client, peer, source));
            }
        }
        return rounds;
    }

    /** What one client did in one round. */
    private record Round(Bench.Outcome download, Bench.Outcome upload, Optional<Bench.Outcome> mirror) {
    }

    private Round round(Client client, Peer peer, SortedMap<String, String> source)
            throws IOException, InterruptedException {
        return new Round(download(client, peer), upload(client, peer), mirror(client, peer, source));
    }

    private Bench.Outcome download(Client client, Peer peer) throws IOException, InterruptedException {
        Path target = Files.createDirectories(work.resolve("down")).resolve("payload.bin");
        Files.deleteIfExists(target);
        Bench.Outcome outcome = Bench.run(process(client.download(peer, target), peer));
        checkSize(client.name() + " download", target);
        Files.deleteIfExists(target);
        return outcome;
    }

    private Bench.Outcome upload(Client client, Peer peer) throws IOException, InterruptedException {
        Path target = peer.root().resolve("up/payload.bin");
        Files.deleteIfExists(target);
        Bench.Outcome outcome = Bench.run(process(client.upload(peer, payload), peer));
        checkSize(client.name() + " upload", target);
        Files.deleteIfExists(target);
        return outcome;
    }

    private Optional<Bench.Outcome> mirror(Client client, Peer peer, SortedMap<String, String> source)
            throws IOException, InterruptedException {
        Path target = work.resolve("mirror");
        Optional<List<String>> command = client.mirror(peer, target);
        if (command.isEmpty()) {
            return Optional.empty();
        }
        Bench.deleteTree(target);
        Bench.Outcome outcome = Bench.run(process(command.get(), peer));
        SortedMap<String, String> copy = snapshot(target);
        if (!copy.equals(source)) {
            problems.add(client.name() + " mirror: " + difference(source, copy));
        }
        Bench.deleteTree(target);
        return Optional.of(outcome);
    }

    /** A client process: an empty HOME, the password in LOOMFTP_PASSWORD, the image's default JVM options. */
    private ProcessBuilder process(List<String> command, Peer peer) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> environment = builder.environment();
        environment.put("HOME", home.toString());
        environment.remove("LOOMFTP_JAVA_OPTS");
        if (peer.withUser()) {
            environment.put("LOOMFTP_PASSWORD", PASSWORD);
        } else {
            environment.remove("LOOMFTP_PASSWORD");
        }
        return builder;
    }

    private void checkSize(String what, Path copy) throws IOException {
        long size = Files.exists(copy) ? Files.size(copy) : -1;
        if (size != FILE_SIZE) {
            problems.add(what + ": " + (size < 0 ? "no file" : size + " bytes") + ", not " + FILE_SIZE);
        }
    }

    private static void printRow(Client client, List<Round> rounds) {
        double down = median(rounds.stream().map(round -> round.download().seconds()).toList());
        double up = median(rounds.stream().map(round -> round.upload().seconds()).toList());
        double peak = median(rounds.stream().map(round -> (double) round.download().peakKib()).toList());
        List<Double> mirrors = rounds.stream().flatMap(round -> round.mirror().stream())
                .map(Bench.Outcome::seconds).toList();
        String mirror = mirrors.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.2f", median(mirrors));
        System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %s | %.1f |%n", client.name(),
                megabytesPerSecond(FILE_SIZE, down), megabytesPerSecond(FILE_SIZE, up), mirror, mebibytes((long) peak));
    }

    /**
     * Writes {@link #TREE_FILES} files of 1 to 64 KiB from a seeded generator, {@value #FILES_PER_FOLDER}
     * in each of {@value #TREE_GROUPS} × {@value #FOLDERS_PER_GROUP} folders two levels down.
     */
    private static void writeTree(Path tree) throws IOException {
        Random random = new Random(2);
        for (int group = 0; group < TREE_GROUPS; group++) {
            for (int folder = 0; folder < FOLDERS_PER_GROUP; folder++) {
                Path into = Files.createDirectories(tree.resolve("group-" + group).resolve("folder-" + folder));
                for (int file = 0; file < FILES_PER_FOLDER; file++) {
                    Bench.writeRandom(into.resolve("file-" + file + ".bin"), 1024 + random.nextInt(63 * 1024 + 1),
                            random);
                }
            }
        }
    }

    /** Every regular file under {@code root} (none when it is missing), by its path from there, with its SHA-256. */
    private static SortedMap<String, String> snapshot(Path root) throws IOException {
        SortedMap<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(root)) {
            return files;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(path).toString(), sha256(path));
            }
        }
        return files;
    }

    /** The SHA-256 of a small file, read whole. */
    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** How a copy's snapshot differs from the source's, in counts and a first example. */
    private static String difference(SortedMap<String, String> source, SortedMap<String, String> copy) {
        List<String> missing = source.keySet().stream().filter(path -> !copy.containsKey(path)).toList();
        List<String> extra = copy.keySet().stream().filter(path -> !source.containsKey(path)).toList();
        List<String> changed = source.keySet().stream()
                .filter(path -> copy.containsKey(path) && !copy.get(path).equals(source.get(path))).toList();
        return missing.size() + " missing, " + extra.size() + " extra, " + changed.size() + " different"
                + Stream.of(missing, extra, changed).flatMap(List::stream).findFirst()
                        .map(path -> " (first: " + path + ")").orElse("");
    }

    private static long sizeOf(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            long total = 0;
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                total += Files.size(path);
            }
            return total;
        }
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(folder -> !folder.isEmpty() && Files.isExecutable(Path.of(folder, program)));
    }

    /** One client program: the command line of each step. */
    private interface Client {
        String name();

        /** Downloads payload.bin into {@code target}. */
        List<String> download(Peer peer, Path target);

        /** Uploads {@code file} as up/payload.bin. */
        List<String> upload(Peer peer, Path file);

        /** Mirrors the folder tree into {@code target}, {@link ClientBenchmark#PARALLEL} files at once, if it can. */
        Optional<List<String>> mirror(Peer peer, Path target);
    }

    /**
     * The image's client, quiet, with an empty netrc file: anonymous when the address has no user,
     * otherwise {@link Bench#USER} with the password from LOOMFTP_PASSWORD.
     */
    private record LoomftpClient(Path launcher, Path netrc) implements Client {
        @Override
        public String name() {
            return "loomftp client";
        }

        @Override
        public List<String> download(Peer peer, Path target) {
            return command("get", url(peer, "payload.bin"), target.toString());
        }

        @Override
        public List<String> upload(Peer peer, Path file) {
            return command("put", file.toString(), url(peer, "up/"));
        }

        @Override
        public Optional<List<String>> mirror(Peer peer, Path target) {
            return Optional.of(command("mirror", "-P", Integer.toString(PARALLEL), url(peer, "tree"),
                    target.toString()));
        }

        private List<String> command(String... words) {
            List<String> command = new ArrayList<>(List.of(launcher.toString(), "client", "-q", "--netrc-file",
                    netrc.toString()));
            command.addAll(List.of(words));
            return command;
        }

        private static String url(Peer peer, String path) {
            return peer.withUser() ? peer.url(path).replace("ftp://", "ftp://" + USER + "@") : peer.url(path);
        }
    }

    /** curl, silent but for errors, failing on a refused transfer. */
    private record Curl() implements Client {
        @Override
        public String name() {
            return "curl";
        }

        @Override
        public List<String> download(Peer peer, Path target) {
            return command(peer, "-o", target.toString(), peer.url("payload.bin"));
        }

        @Override
        public List<String> upload(Peer peer, Path file) {
            return command(peer, "-T", file.toString(), peer.url("up/"));
        }

        @Override
        public Optional<List<String>> mirror(Peer peer, Path target) {
            return Optional.empty();
        }

        private static List<String> command(Peer peer, String... words) {
            List<String> command = new ArrayList<>(List.of("curl", "-sS", "--fail"));
            if (peer.withUser()) {
                command.addAll(List.of("-u", USER + ":" + PASSWORD));
            }
            command.addAll(List.of(words));
            return command;
        }
    }

    /**
     * lftp, in plain FTP and stream mode as the others (it would try AUTH TLS first, and compress
     * with MODE Z where the server offers it, as loomftp's does), one retry at most, overwriting,
     * and stopping at the first command that fails.
     */
    private record Lftp() implements Client {
        private static final String SETTINGS = "set ftp:ssl-allow no; set ftp:use-mode-z no; set net:max-retries 1;"
                + " set net:reconnect-interval-base 1; set xfer:clobber on; set cmd:fail-exit yes; ";

        @Override
        public String name() {
            return "lftp";
        }

        @Override
        public List<String> download(Peer peer, Path target) {
            return command(peer, "get payload.bin -o " + quoted(target));
        }

        @Override
        public List<String> upload(Peer peer, Path file) {
            return command(peer, "put " + quoted(file) + " -o up/payload.bin");
        }

        @Override
        public Optional<List<String>> mirror(Peer peer, Path target) {
            return Optional.of(command(peer, "mirror -P " + PARALLEL + " tree " + quoted(target)));
        }

        private static List<String> command(Peer peer, String step) {
            String login = peer.withUser() ? "-u " + USER + "," + PASSWORD + " " : "";
            return List.of("lftp", "-c", SETTINGS + "open " + login + peer.url("") + "; " + step);
        }

        private static String quoted(Path path) {
            return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }
}
