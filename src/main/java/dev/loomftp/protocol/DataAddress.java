package dev.loomftp.protocol;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The host-port forms of the data-connection commands: PORT and PASV (RFC 959,
 * {@code h1,h2,h3,h4,p1,p2}), and EPRT and EPSV (RFC 2428, {@code |proto|address|port|}).
 * Addresses are always numeric: nothing here looks a name up.
 */
public final class DataAddress {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    private DataAddress() {}

    /** An EPRT network protocol other than 1 (IPv4) or 2 (IPv6): the reply is 522. */
    public static final class UnsupportedProtocolException extends IllegalArgumentException {
        public UnsupportedProtocolException(String protocol) {
            super("network protocol " + protocol + " is not supported");
        }
    }

    /** Parses a PORT argument such as {@code 127,0,0,1,195,80}. */
    public static InetSocketAddress parsePort(String argument) {
        String[] parts = argument.strip().split(",", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("PORT needs six numbers: h1,h2,h3,h4,p1,p2");
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            address[i] = (byte) octet(parts[i]);
        }
        int port = nonZero(octet(parts[4]) << 8 | octet(parts[5]));
        return new InetSocketAddress(numeric(address), port);
    }

    /** Parses an EPRT argument such as {@code |1|127.0.0.1|50000|} or {@code |2|::1|50000|}. */
    public static InetSocketAddress parseEprt(String argument) {
        if (argument.length() < 7) {
            throw new IllegalArgumentException("EPRT needs |protocol|address|port|");
        }
        char delimiter = argument.charAt(0);
        if (delimiter < 33 || delimiter > 126) {
            throw new IllegalArgumentException("EPRT delimiter must be a printable character");
        }
        String[] fields = argument.split(Pattern.quote(String.valueOf(delimiter)), -1);
        if (fields.length != 5 || !fields[0].isEmpty() || !fields[4].isEmpty()) {
            throw new IllegalArgumentException("EPRT needs |protocol|address|port|");
        }
        InetAddress address = switch (fields[1]) {
            case "1" -> ipv4(fields[2]);
            case "2" -> ipv6(fields[2]);
            default -> throw new UnsupportedProtocolException(fields[1]);
        };
        return new InetSocketAddress(address, port(fields[3]));
    }

    /** The PASV reply's form of an IPv4 address and port. */
    public static String formatPasv(Inet4Address address, int port) {
        byte[] bytes = address.getAddress();
        return String.format("%d,%d,%d,%d,%d,%d",
                bytes[0] & 0xff, bytes[1] & 0xff, bytes[2] & 0xff, bytes[3] & 0xff, port >> 8, port & 0xff);
    }

    /** The EPSV reply's form of a port. */
    public static String formatEpsv(int port) {
        return "|||" + port + "|";
    }

    /** The EPRT argument for an address and port, as a client sends it. */
    public static String formatEprt(InetSocketAddress target) {
        InetAddress address = target.getAddress();
        String protocol = address instanceof Inet6Address ? "2" : "1";
        return "|" + protocol + "|" + text(address) + "|" + target.getPort() + "|";
    }

    /**
     * An address as people write it: dotted IPv4, or IPv6 in the short form of RFC 5952 (lower
     * case, the longest run of two or more zero groups written as "::"), without a zone.
     */
    public static String text(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xff) << 8 | bytes[2 * i + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int length = 0;
            while (i + length < 8 && groups[i + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
            } else {
                if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                    text.append(':');
                }
                text.append(Integer.toHexString(groups[i]));
            }
        }
        return text.toString();
    }

    /** Parses a literal IPv4 address without any name look-up. */
    public static Inet4Address ipv4(String text) {
        if (!IPV4.matcher(text).matches()) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        String[] parts = text.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) octet(parts[i]);
        }
        return (Inet4Address) numeric(bytes);
    }

    private static InetAddress ipv6(String text) {
        if (!text.contains(":") || !IPV6.matcher(text).matches()) {
            throw new IllegalArgumentException("not an IPv6 address: " + text);
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv6 address: " + text);
        }
    }

    private static int port(String text) {
        return nonZero(number(text, 65535));
    }

    private static int nonZero(int port) {
        if (port == 0) {
            throw new IllegalArgumentException("port 0 is not a valid data port");
        }
        return port;
    }

    private static int octet(String text) {
        return number(text, 255);
    }

    /** A decimal number of ASCII digits only: no spaces, signs or other scripts' digits. */
    private static int number(String text, int max) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("not a number: " + text);
        }
        int value = Integer.parseInt(text);
        if (value > max) {
            throw new IllegalArgumentException(value + " is over " + max);
        }
        return value;
    }

    private static InetAddress numeric(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address length", e);
        }
    }
}
