package dev.loomftp.cli;

import dev.loomftp.client.FtpClient;
import dev.loomftp.client.FtpException;
import dev.loomftp.client.Mirror;
import dev.loomftp.client.RemoteEntry;
import dev.loomftp.client.TransferListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The client's work on one logged-in connection, shared by the shell and the scripted commands:
 * downloads and uploads with a progress bar and a HASH check, their glob forms (mget, mput),
 * listings, and mirror. Each step is reported through {@link ClientOutput}.
 */
final class ClientActions {
    private final FtpClient client;
    private final ClientOutput output;

    ClientActions(FtpClient client, ClientOutput output) {
        this.client = client;
        this.output = output;
    }

    /** LIST lines, or with --json one object per entry with its kind, size and time. */
    void list(String path) throws IOException {
        if (output.style() != ClientOutput.Style.JSON) {
            client.list(path).forEach(output::result);
            return;
        }
        for (RemoteEntry entry : client.entries(path)) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("name", entry.name());
            fields.put("type", entry.kind().name().toLowerCase(Locale.ROOT));
            fields.put("size", entry.size());
            entry.modified().ifPresent(time -> fields.put("modified", time.toString()));
            output.json(fields);
        }
    }

    /** Downloads {@code remote} into {@code target}, resuming what is there with {@code resume}. */
    void get(String remote, Path target, boolean resume) throws IOException {
        long total = sizeOrUnknown(remote);
        ClientOutput.ProgressBar bar = output.progress(remote, total);
        Hashing hashing = hashingFor(bar, resume);
        long bytes;
        try {
            bytes = resume ? client.resumeDownload(remote, target, bar)
                    : client.download(remote, target, hashing != null ? hashing : bar);
        } catch (IOException e) {
            bar.finish();
            if (Files.exists(FtpClient.partial(target))) {
                throw new IOException(ClientOutput.message(e) + " (the part received is kept in "
                        + FtpClient.partial(target).getFileName() + "; get -c continues it)", e);
            }
            throw e;
        }
        bar.finish();
        double seconds = bar.seconds();
        boolean verified = verify(remote, hashing != null ? hashing::hex : () -> sha256(target));
        report("get", remote, target.toString(), bytes, seconds, verified);
    }

    /** Uploads {@code source} as {@code remote}, resuming what the server has with {@code resume}. */
    void put(Path source, String remote, boolean resume) throws IOException {
        if (!Files.isRegularFile(source)) {
            throw new IOException("no such local file: " + source);
        }
        ClientOutput.ProgressBar bar = output.progress(source.getFileName().toString(), Files.size(source));
        Hashing hashing = hashingFor(bar, resume);
        long bytes = resume ? client.resumeUpload(source, remote, bar)
                : client.upload(source, remote, hashing != null ? hashing : bar);
        bar.finish();
        double seconds = bar.seconds();
        boolean verified = verify(remote, hashing != null ? hashing::hex : () -> sha256(source));
        report("put", remote, source.toString(), bytes, seconds, verified);
    }

    /** Makes the remote {@code folder} and every missing folder above it, and reports each it made. */
    void makeFolders(String folder) throws IOException {
        for (String made : client.makeFolders(folder)) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("action", "mkdir");
            fields.put("path", made);
            output.done("mkdir " + made, fields);
        }
    }

    /** Downloads every remote file that matches one of the globs into {@code folder}. */
    void mget(List<String> patterns, Path folder) throws IOException {
        for (String pattern : patterns) {
            List<String> matches = remoteMatches(pattern);
            if (matches.isEmpty()) {
                throw new IOException("no remote file matches " + pattern);
            }
            for (String remote : matches) {
                get(remote, folder.resolve(remote.substring(remote.lastIndexOf('/') + 1)), false);
            }
        }
    }

    /** Uploads every local file that matches one of the globs (relative to {@code folder}) into the remote folder. */
    void mput(List<String> patterns, Path folder, String remoteFolder) throws IOException {
        for (String pattern : patterns) {
            List<Path> matches = localMatches(folder, pattern);
            if (matches.isEmpty()) {
                throw new IOException("no local file matches " + pattern);
            }
            for (Path source : matches) {
                put(source, Mirror.child(remoteFolder, source.getFileName().toString()), false);
            }
        }
    }

    /** Runs a mirror and reports each step and the sum; the files that failed make it fail. */
    void mirror(boolean up, String remote, Path local, Mirror.Options options, Mirror.Connector connector)
            throws IOException {
        Mirror.Reporter reporter = (action, path, bytes) -> {
            synchronized (output) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("action", action.name().toLowerCase(Locale.ROOT));
                fields.put("path", path);
                fields.put("bytes", bytes);
                output.done(action.name().toLowerCase(Locale.ROOT) + " " + path
                        + (bytes > 0 ? " (" + ClientOutput.bytes(bytes) + ")" : ""), fields);
            }
        };
        Mirror.Result result;
        try {
            result = up ? Mirror.upload(client, connector, local, remote, options, reporter)
                    : Mirror.download(client, connector, remote, local, options, reporter);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("the mirror was interrupted", e);
        }
        Map<String, Object> sum = new LinkedHashMap<>();
        sum.put("action", "mirror");
        sum.put("copied", result.copied());
        sum.put("bytes", result.bytes());
        sum.put("unchanged", result.unchanged());
        sum.put("folders", result.folders());
        sum.put("deleted", result.deleted());
        sum.put("failed", result.failures().size());
        output.done("mirror: " + result.copied() + " copied (" + ClientOutput.bytes(result.bytes()) + "), "
                + result.unchanged() + " unchanged, " + result.folders() + " folders made, " + result.deleted()
                + " deleted, " + result.failures().size() + " failed", sum);
        if (!result.failures().isEmpty()) {
            throw new IOException("mirror: " + result.failures().size() + " failed: "
                    + String.join("; ", result.failures()));
        }
    }

    private long sizeOrUnknown(String remote) throws IOException {
        try {
            return client.size(remote);
        } catch (FtpException unknown) {
            return -1;
        }
    }

    private void report(String action, String remote, String local, long bytes, double seconds, boolean verified) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("action", action);
        fields.put("remote", remote);
        fields.put("local", local);
        fields.put("bytes", bytes);
        fields.put("seconds", Math.round(seconds * 1000) / 1000.0);
        fields.put("verified", verified);
        String rate = seconds > 0 ? ", " + ClientOutput.bytes(bytes / seconds) + "/s" : "";
        output.done(action + " " + (action.equals("get") ? remote + " -> " + local : local + " -> " + remote) + ": "
                + ClientOutput.bytes(bytes) + String.format(Locale.ROOT, " in %.1f s", seconds) + rate
                + (verified ? ", SHA-256 checked" : ""), fields);
    }

    /**
     * A listener that hashes a whole transfer on the way, when the server can be asked for its
     * hash afterwards; null when it cannot (nothing to compare with) or for a resumed transfer
     * (whose bytes are only part of the file).
     */
    private Hashing hashingFor(TransferListener next, boolean resume) throws IOException {
        return !resume && client.supports("HASH") ? new Hashing(next) : null;
    }

    /** The local copy's SHA-256, found when it is needed. */
    @FunctionalInterface
    private interface LocalHash {
        String hex() throws IOException;
    }

    /**
     * A listener that passes on to another and sums up the bytes as they go by, so a whole
     * transfer's SHA-256 needs no second reading of the file.
     */
    private static final class Hashing implements TransferListener {
        private final TransferListener next;
        private final MessageDigest digest = newSha256();

        Hashing(TransferListener next) {
            this.next = next;
        }

        @Override
        public void transferred(long bytes) {
            next.transferred(bytes);
        }

        @Override
        public void data(ByteBuffer chunk) {
            digest.update(chunk);
        }

        String hex() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    /**
     * Compares the remote and local SHA-256 when the server offers HASH; a difference is an error.
     *
     * @return whether the copy was checked
     */
    private boolean verify(String remote, LocalHash local) throws IOException {
        Optional<String> remoteHash = client.sha256(remote);
        if (remoteHash.isEmpty()) {
            return false;
        }
        String localHash = local.hex();
        if (!localHash.equals(remoteHash.get())) {
            throw new IOException("the copies differ: SHA-256 " + localHash + " here, " + remoteHash.get()
                    + " on the server");
        }
        return true;
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = newSha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int read; (read = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The remote files a glob names: its folder part is literal, its last part may hold * ? [ ] { }. */
    private List<String> remoteMatches(String pattern) throws IOException {
        int slash = pattern.lastIndexOf('/');
        String folder = slash < 0 ? "" : pattern.substring(0, Math.max(slash, 1));
        String name = pattern.substring(slash + 1);
        if (!isGlob(name)) {
            return List.of(pattern);
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + name);
        List<String> matches = new ArrayList<>();
        for (RemoteEntry entry : client.entries(folder)) {
            if (entry.isFile() && Mirror.isPlainName(entry.name()) && matcher.matches(Path.of(entry.name()))) {
                matches.add(slash < 0 ? entry.name() : Mirror.child(folder, entry.name()));
            }
        }
        return matches.stream().sorted().toList();
    }

    private static List<Path> localMatches(Path base, String pattern) throws IOException {
        Path whole = base.resolve(pattern);
        String name = whole.getFileName().toString();
        if (!isGlob(name)) {
            return Files.isRegularFile(whole) ? List.of(whole) : List.of();
        }
        List<Path> matches = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(whole.getParent(), name)) {
            found.forEach(path -> {
                if (Files.isRegularFile(path)) {
                    matches.add(path);
                }
            });
        }
        return matches.stream().sorted().toList();
    }

    private static boolean isGlob(String name) {
        return name.chars().anyMatch(c -> "*?[{".indexOf(c) >= 0);
    }
}
