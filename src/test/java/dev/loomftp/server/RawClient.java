package dev.loomftp.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A bare control connection for what a real client would never send: over-long lines, invalid
 * UTF-8, pipelined commands, and silences that trip the timeouts.
 */
final class RawClient implements AutoCloseable {
    /**
     * How long a reply that must come at once may take: far below the idle and stall timeouts
     * that a reply which does not come at once would wait for.
     */
    static final java.time.Duration PROMPTLY = java.time.Duration.ofSeconds(5);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** A reply as read from the wire. */
    record Reply(int code, List<String> lines) {
        String text() {
            return String.join("\n", lines);
        }
    }

    RawClient(InetSocketAddress server) throws IOException {
        socket = new Socket();
        socket.connect(server, 10_000);
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Connects and reads the 220 greeting. */
    static RawClient greeted(InetSocketAddress server) throws IOException {
        RawClient client = new RawClient(server);
        Reply greeting = client.reply();
        if (greeting.code() != 220) {
            throw new IOException("unexpected greeting " + greeting);
        }
        return client;
    }

    /** Sends a command and reads its reply. */
    Reply command(String line) throws IOException {
        send(line + "\r\n");
        return reply();
    }

    void send(String text) throws IOException {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends one byte as TCP urgent data, the way clients mark ABOR (RFC 959 section 4.1.3). */
    void sendUrgent(int b) throws IOException {
        out.flush();
        socket.sendUrgentData(b);
    }

    /** The server's address, where passive data connections go. */
    java.net.InetAddress host() {
        return socket.getInetAddress();
    }

    /** Logs in and checks the 230. */
    RawClient login(String name, String password) throws IOException {
        command("USER " + name);
        Reply reply = command("PASS " + password);
        if (reply.code() != 230) {
            throw new IOException("login failed: " + reply);
        }
        return this;
    }

    /** Reads one reply, following the RFC 959 multi-line form. */
    Reply reply() throws IOException {
        List<String> lines = new ArrayList<>();
        String first = line();
        lines.add(first);
        if (first.length() > 3 && first.charAt(3) == '-') {
            String end = first.substring(0, 3) + " ";
            String next;
            do {
                next = line();
                lines.add(next);
            } while (!next.startsWith(end));
        }
        return new Reply(Integer.parseInt(first.substring(0, 3)), lines);
    }

    /** Reads one reply, failing when it takes longer than {@code limit}: for replies that must come at once. */
    Reply replyWithin(java.time.Duration limit) throws IOException {
        int usual = socket.getSoTimeout();
        socket.setSoTimeout(Math.toIntExact(limit.toMillis()));
        try {
            return reply();
        } finally {
            socket.setSoTimeout(usual);
        }
    }

    /** Whether the server has closed the connection: the next read finds the end of the stream. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("connection closed in the middle of a reply: " + line);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
