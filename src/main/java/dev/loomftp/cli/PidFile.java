package dev.loomftp.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The file where {@code loomftp serve} keeps its process id ({@code service.pidFile}), so that
 * {@code loomftp stop} and {@code loomftp reload}, systemd and scripts can find it. It is written
 * whole (a temporary file renamed over it) as the server starts, and removed when it stops.
 * A process id is believed only while that process lives and runs loomftp, so a file left by a
 * crash, whose number the system has given to another process since, is not.
 */
final class PidFile {
    private final Path file;
    private final long pid;

    private PidFile(Path file, long pid) {
        this.file = file;
        this.pid = pid;
    }

    /** The loomftp server whose id {@code file} holds, if that process is running. */
    static Optional<ProcessHandle> running(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(file + " does not hold a process id");
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(PidFile::runsLoomftp);
    }

    /**
     * Whether {@code process} runs loomftp, as far as the system tells: it may not show another
     * user's command line, and then the id is taken as it is.
     */
    private static boolean runsLoomftp(ProcessHandle process) {
        return process.info().commandLine().map(line -> line.contains("dev.loomftp")).orElse(true);
    }

    /**
     * Writes this process's id to {@code file}, creating its folder.
     *
     * @throws IOException when another loomftp server runs with this file, or it cannot be written
     */
    static PidFile claim(Path file) throws IOException {
        long self = ProcessHandle.current().pid();
        Optional<ProcessHandle> other = running(file).filter(process -> process.pid() != self);
        if (other.isPresent()) {
            throw new IOException("another loomftp server (process " + other.get().pid() + ") runs with the pid file "
                    + file + "; stop it first with 'loomftp stop'");
        }
        Path folder = file.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path temporary = Files.createTempFile(folder, ".loomftp-pid-", ".tmp");
        try {
            Files.writeString(temporary, self + "\n", StandardCharsets.US_ASCII);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
        return new PidFile(file, self);
    }

    /** Removes the file, unless it names another process by now (a server started since). */
    void release() {
        try {
            if (Files.readString(file, StandardCharsets.US_ASCII).strip().equals(Long.toString(pid))) {
                Files.delete(file);
            }
        } catch (IOException e) {
            // Gone already, or not ours to remove: a later start sees that its process is gone.
        }
    }
}
