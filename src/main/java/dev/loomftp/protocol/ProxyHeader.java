package dev.loomftp.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The PROXY protocol header a load balancer such as HAProxy sends before the client's first byte,
 * in version 1 (a text line) or 2 (binary), as HAProxy's proxy-protocol.txt specifies. It reads
 * exactly the header and no byte more, so what follows (a TLS hello on an implicit-TLS listener)
 * is left for the server.
 */
public final class ProxyHeader {
    /** The twelve bytes every version 2 header starts with. */
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    /** An IPv4 address as version 1 writes it; the JDK would also take short forms such as 1.2.3. */
    private static final java.util.regex.Pattern DOTTED_QUAD =
            java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** The longest version 1 line, CRLF included. */
    private static final int V1_MAX = 107;
    /** The most address and TLV bytes of a version 2 header taken: far more than any proxy sends. */
    private static final int V2_MAX_LENGTH = 4096;

    private ProxyHeader() {}

    /** A header that cannot be read: not a PROXY header, or one that breaks the specification. */
    public static final class MalformedException extends IOException {
        MalformedException(String message) {
            super(message);
        }
    }

    /**
     * Reads one header.
     *
     * @return the client's address as the proxy saw it; empty for a connection the proxy made
     *         itself (v1 UNKNOWN, v2 LOCAL, as health checks do) or of another family than TCP
     * @throws MalformedException when the bytes are not a valid header
     * @throws EOFException       when the connection ends within the header
     */
    public static Optional<InetSocketAddress> read(InputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new EOFException("the connection ended before the PROXY header");
        }
        return first == 'P' ? readV1(in) : readV2(in, first);
    }

    private static Optional<InetSocketAddress> readV1(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder("P");
        while (true) {
            int next = in.read();
            if (next < 0) {
                throw new EOFException("the connection ended within the PROXY line");
            }
            if (next == '\n') {
                break;
            }
            line.append((char) next);
            if (line.length() >= V1_MAX - 1) {
                throw new MalformedException("the PROXY line is longer than " + V1_MAX + " bytes");
            }
        }
        if (line.isEmpty() || line.charAt(line.length() - 1) != '\r') {
            throw new MalformedException("the PROXY line does not end with CRLF");
        }
        String[] fields = line.substring(0, line.length() - 1).split(" ", -1);
        if (!fields[0].equals("PROXY") || fields.length < 2) {
            throw new MalformedException("not a PROXY header");
        }
        if (fields[1].equals("UNKNOWN")) {
            return Optional.empty();
        }
        if (fields.length != 6 || !fields[1].equals("TCP4") && !fields[1].equals("TCP6")) {
            throw new MalformedException("a PROXY line has TCP4 or TCP6 and four fields");
        }
        InetAddress source = literal(fields[2], fields[1].equals("TCP4") ? 4 : 16);
        literal(fields[3], fields[1].equals("TCP4") ? 4 : 16);
        int port = port(fields[4]);
        port(fields[5]);
        return Optional.of(new InetSocketAddress(source, port));
    }

    private static InetAddress literal(String text, int length) throws MalformedException {
        boolean shaped = length == 4 ? DOTTED_QUAD.matcher(text).matches()
                : text.indexOf(':') >= 0 && text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':');
        if (!shaped) {
            throw new MalformedException("not an address: " + text);
        }
        try {
            InetAddress address = InetAddress.ofLiteral(text);
            if (address.getAddress().length != length) {
                throw new MalformedException("an address of the wrong family: " + text);
            }
            return address;
        } catch (IllegalArgumentException e) {
            throw new MalformedException("not an address: " + text);
        }
    }

    private static int port(String text) throws MalformedException {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)
                || text.length() > 1 && text.charAt(0) == '0' || Integer.parseInt(text) > 65_535) {
            throw new MalformedException("not a port: " + text);
        }
        return Integer.parseInt(text);
    }

    private static Optional<InetSocketAddress> readV2(InputStream in, int first) throws IOException {
        byte[] head = new byte[16];
        head[0] = (byte) first;
        readFully(in, head, 1, 15);
        if (!Arrays.equals(head, 0, V2_SIGNATURE.length, V2_SIGNATURE, 0, V2_SIGNATURE.length)) {
            throw new MalformedException("not a PROXY header");
        }
        int versionAndCommand = head[12] & 0xff;
        if (versionAndCommand >> 4 != 2) {
            throw new MalformedException("PROXY version " + (versionAndCommand >> 4) + " is not 2");
        }
        int length = (head[14] & 0xff) << 8 | head[15] & 0xff;
        if (length > V2_MAX_LENGTH) {
            throw new MalformedException("a PROXY header of " + length + " bytes");
        }
        byte[] body = new byte[length];
        readFully(in, body, 0, length);
        int command = versionAndCommand & 0x0f;
        if (command == 0) {
            return Optional.empty();
        }
        if (command != 1) {
            throw new MalformedException("PROXY command " + command + " is neither LOCAL nor PROXY");
        }
        int family = (head[13] & 0xff) >> 4;
        int transport = head[13] & 0x0f;
        if (transport != 1 || family != 1 && family != 2) {
            return Optional.empty();
        }
        int size = family == 1 ? 4 : 16;
        if (length < 2 * size + 4) {
            throw new MalformedException("a PROXY header too short for its addresses");
        }
        try {
            InetAddress source = InetAddress.getByAddress(Arrays.copyOfRange(body, 0, size));
            int port = (body[2 * size] & 0xff) << 8 | body[2 * size + 1] & 0xff;
            return Optional.of(new InetSocketAddress(source, port));
        } catch (UnknownHostException e) {
            throw new MalformedException("not an address");
        }
    }

    private static void readFully(InputStream in, byte[] into, int offset, int length) throws IOException {
        int read = in.readNBytes(into, offset, length);
        if (read < length) {
            throw new EOFException("the connection ended within the PROXY header");
        }
    }

    /** A version 1 line for {@code source} to {@code destination}, as a proxy would send it; for tests and tools. */
    public static byte[] v1(InetSocketAddress source, InetSocketAddress destination) {
        String family = source.getAddress().getAddress().length == 4 ? "TCP4" : "TCP6";
        return ("PROXY " + family + " " + DataAddress.text(source.getAddress()) + " "
                + DataAddress.text(destination.getAddress()) + " " + source.getPort() + " " + destination.getPort()
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
