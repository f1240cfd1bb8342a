package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real FTP client program (curl, lftp, wget, python3) as a child process with a time limit,
 * and keeps its exit code and output for assertions. A test whose program is not installed is
 * skipped, never passed.
 */
final class ExternalClient {
    /** The most output kept per stream; more is cut, so a chatty client cannot flood a report. */
    private static final int MAX_OUTPUT = 64 * 1024;
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(90);

    private final String program;
    private final Path workDir;
    private Duration timeout = DEFAULT_TIMEOUT;

    /** How a run ended. */
    record Result(List<String> command, int exitCode, boolean timedOut, String stdout, String stderr) {
        /** The command and everything it printed, for assertion messages. */
        String describe() {
            return "command: " + String.join(" ", command)
                    + "\nexit code: " + (timedOut ? "none, killed after the time limit" : exitCode)
                    + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }

        /** Fails the test unless the program ended by itself with exit code 0. */
        Result assertSuccess() {
            assertEquals(0, timedOut ? -1 : exitCode, () -> "client failed\n" + describe());
            return this;
        }
    }

    private ExternalClient(String program, Path workDir) {
        this.program = program;
        this.workDir = workDir;
    }

    /**
     * A client program found on the PATH, run in {@code workDir}; the calling test is skipped
     * when the program is not installed.
     */
    static ExternalClient require(String program, Path workDir) {
        Optional<Path> found = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(folder -> !folder.isEmpty())
                .map(folder -> Path.of(folder, program))
                .filter(Files::isExecutable)
                .findFirst();
        assumeTrue(found.isPresent(), () -> program + " is not installed (not on PATH); skipping this interop test");
        return new ExternalClient(found.get().toString(), workDir);
    }

    ExternalClient timeout(Duration limit) {
        this.timeout = limit;
        return this;
    }

    /** Runs the program with these arguments, and kills it (and what it started) at the time limit. */
    Result run(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(program);
        command.addAll(List.of(arguments));
        Path stdout = Files.createTempFile(workDir, "stdout-", ".txt");
        Path stderr = Files.createTempFile(workDir, "stderr-", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile());
            // UTF-8 file names and terminal output, and no proxy or user settings from the machine.
            builder.environment().put("LC_ALL", "C.UTF-8");
            builder.environment().put("HOME", workDir.toString());
            List.of("ftp_proxy", "FTP_PROXY", "all_proxy", "ALL_PROXY", "http_proxy", "https_proxy")
                    .forEach(builder.environment()::remove);
            Process process = builder.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            return new Result(command, finished ? process.exitValue() : -1, !finished, read(stdout), read(stderr));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    private static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(MAX_OUTPUT);
            String text = new String(head, StandardCharsets.UTF_8);
            return in.read() < 0 ? text : text + "\n[output cut at " + MAX_OUTPUT + " bytes]";
        }
    }
}
