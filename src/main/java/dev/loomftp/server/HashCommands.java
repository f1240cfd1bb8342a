package dev.loomftp.server;

import dev.loomftp.storage.FileEntry;
import dev.loomftp.storage.VirtualPath;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

/**
 * Hashes of files on the server, so clients can check a transfer without downloading again:
 * HASH, RANG and OPTS HASH from draft-bryan-ftpext-hash and draft-bryan-ftp-range, and the older
 * XSHA256, XSHA1, XMD5 and XCRC commands that many clients still send.
 *
 * <p>HASH answers {@code 213 SHA-256 0-1233 <hex> name}: the algorithm, the first and last byte
 * hashed (both included; {@code 0-0} for an empty file), the hash, and the path.
 */
final class HashCommands {
    static final String DEFAULT_ALGORITHM = "SHA-256";
    /** The algorithms offered, in the order FEAT shows them. */
    static final List<String> ALGORITHMS = List.of("SHA-256", "SHA-1", "MD5", "CRC32");
    private static final int BUFFER_SIZE = 256 * 1024;

    private HashCommands() {}

    /** The FEAT line, with a star after the algorithm HASH uses now. */
    static String feature(String chosen) {
        return "HASH " + ALGORITHMS.stream().map(name -> name.equals(chosen) ? name + "*" : name)
                .collect(Collectors.joining(";"));
    }

    /** OPTS HASH [algorithm]: shows or chooses the algorithm. */
    static void opts(Session session, String algorithm) throws IOException {
        if (algorithm.isBlank()) {
            session.reply(200, session.parameters().hashAlgorithm());
            return;
        }
        Optional<String> known = ALGORITHMS.stream().filter(name -> name.equalsIgnoreCase(algorithm.strip())).findFirst();
        if (known.isEmpty()) {
            session.reply(501, "Unknown algorithm; use one of " + String.join(", ", ALGORITHMS) + ".");
            return;
        }
        session.parameters().hashAlgorithm(known.get());
        session.reply(200, known.get());
    }

    static void hash(Session session, String argument) throws IOException {
        Optional<OneShots.ByteRange> range = session.oneShots().takeHashRange();
        Optional<Target> target = target(session, argument);
        if (target.isEmpty()) {
            return;
        }
        long size = target.get().entry().size();
        long first = range.map(OneShots.ByteRange::first).orElse(0L);
        long last = range.map(OneShots.ByteRange::last).orElse(Math.max(size - 1, 0));
        if (size > 0 && (first >= size || last >= size)) {
            session.reply(501, "The range " + first + "-" + last + " is not within the file (" + size + " bytes).");
            return;
        }
        long length = size == 0 ? 0 : last - first + 1;
        String algorithm = session.parameters().hashAlgorithm();
        Optional<String> hex = compute(session, target.get().path(), algorithm, first, length);
        if (hex.isPresent()) {
            session.reply(213, algorithm + " " + first + "-" + last + " " + hex.get() + " " + target.get().path());
        }
    }

    /** RANG first last (both included) for the next HASH; RANG 1 0 clears it. */
    static void rang(Session session, String argument) throws IOException {
        String[] parts = argument.strip().split("\\s+");
        if (parts.length != 2 || !isNumber(parts[0]) || !isNumber(parts[1])) {
            session.reply(501, "Syntax: RANG first last (byte positions, both included).");
            return;
        }
        long first = Long.parseLong(parts[0]);
        long last = Long.parseLong(parts[1]);
        if (first == 1 && last == 0) {
            session.oneShots().takeHashRange();
            session.reply(350, "Range cleared.");
        } else if (first > last) {
            session.reply(501, "The first byte comes after the last.");
        } else {
            session.oneShots().hashRange(first, last);
            session.reply(350, "Restarting at " + first + ". Ending byte range at " + last + ".");
        }
    }

    static void xsha256(Session session, String argument) throws IOException {
        whole(session, argument, "SHA-256");
    }

    static void xsha1(Session session, String argument) throws IOException {
        whole(session, argument, "SHA-1");
    }

    static void xmd5(Session session, String argument) throws IOException {
        whole(session, argument, "MD5");
    }

    static void xcrc(Session session, String argument) throws IOException {
        whole(session, argument, "CRC32");
    }

    /** The X commands: the hash of the whole file, as {@code 250 <hex>}. */
    private static void whole(Session session, String argument, String algorithm) throws IOException {
        Optional<Target> target = target(session, argument);
        if (target.isEmpty()) {
            return;
        }
        Optional<String> hex = compute(session, target.get().path(), algorithm, 0, target.get().entry().size());
        if (hex.isPresent()) {
            session.reply(250, hex.get());
        }
    }

    private record Target(VirtualPath path, FileEntry entry) {}

    private static Optional<Target> target(Session session, String argument) throws IOException {
        Optional<VirtualPath> path = session.resolveOrReply(argument, 550);
        if (path.isEmpty()) {
            return Optional.empty();
        }
        return TransferCommands.statFile(session, path.get()).map(entry -> new Target(path.get(), entry));
    }

    /** The hash of {@code length} bytes from {@code first}, or empty after an error reply. */
    private static Optional<String> compute(Session session, VirtualPath path, String algorithm, long first,
            long length) throws IOException {
        Hasher hasher = Hasher.of(algorithm);
        try (SeekableByteChannel file = session.files().openRead(path)) {
            file.position(first);
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
            long left = length;
            while (left > 0) {
                buffer.clear().limit((int) Math.min(BUFFER_SIZE, left));
                int read = file.read(buffer);
                if (read < 0) {
                    break;
                }
                buffer.flip();
                hasher.update(buffer);
                left -= read;
            }
        } catch (IOException e) {
            FileErrors.reply(session, e, path);
            return Optional.empty();
        }
        return Optional.of(hasher.hex());
    }

    private static boolean isNumber(String text) {
        return !text.isEmpty() && text.length() <= 18 && text.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** One running hash: a message digest, or CRC-32. */
    private interface Hasher {
        void update(ByteBuffer buffer);

        String hex();

        static Hasher of(String algorithm) {
            if (algorithm.equals("CRC32")) {
                CRC32 crc = new CRC32();
                return new Hasher() {
                    @Override
                    public void update(ByteBuffer buffer) {
                        crc.update(buffer);
                    }

                    @Override
                    public String hex() {
                        return String.format(Locale.ROOT, "%08x", crc.getValue());
                    }
                };
            }
            try {
                MessageDigest digest = MessageDigest.getInstance(algorithm);
                return new Hasher() {
                    @Override
                    public void update(ByteBuffer buffer) {
                        digest.update(buffer);
                    }

                    @Override
                    public String hex() {
                        return HexFormat.of().formatHex(digest.digest());
                    }
                };
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has " + algorithm, e);
            }
        }
    }
}
