package dev.loomftp.bench;

import dev.loomftp.client.TlsDataSocket;
import dev.loomftp.protocol.Reply;
import dev.loomftp.protocol.ReplyReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The load generator's FTP client: as little as a benchmark needs, on plain blocking sockets, so
 * that what it measures is the server. One control connection, passive data connections (EPSV,
 * or PASV when the server refuses it), binary type, and explicit FTPS with PROT P when the target
 * asks for TLS. Nothing is parsed beyond the reply codes and the passive port; data is counted,
 * not kept.
 *
 * <p>One thread at a time uses an instance; every socket has {@link BenchTarget#timeout()} as its
 * read timeout, so no call blocks for longer than that without progress.
 */
final class BenchClient implements AutoCloseable {
    private static final Pattern PASV = Pattern.compile("(\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)");
    private static final Pattern EPSV = Pattern.compile("\\(\\|\\|\\|(\\d+)\\|\\)");
    private static final int BUFFER = 64 * 1024;

    private final BenchTarget target;
    private SSLContext tls;
    private Socket control;
    private ReplyReader replies;
    private OutputStream commands;
    private boolean epsv = true;

    private BenchClient(BenchTarget target) {
        this.target = target;
    }

    /** Connects, reads the greeting, starts TLS when the target asks for it, and logs in. */
    static BenchClient login(BenchTarget target) throws IOException {
        BenchClient client = new BenchClient(target);
        try {
            client.connect();
            Reply reply = client.command("USER " + target.user());
            if (reply.code() == 331) {
                reply = client.command("PASS " + target.password());
            }
            if (reply.code() != 230) {
                throw new BenchException("the server refused the login: " + reply);
            }
            client.expect(client.command("TYPE I"), 200);
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void connect() throws IOException {
        control = new Socket();
        control.connect(new InetSocketAddress(target.host(), target.port()), millis(target.timeout()));
        control.setSoTimeout(millis(target.timeout()));
        control.setTcpNoDelay(true);
        streams(control);
        expect(replies.read(), 220);
        if (target.tls()) {
            expect(command("AUTH TLS"), 234);
            try {
                tls = target.trust().create();
            } catch (GeneralSecurityException e) {
                throw new BenchException("TLS is not available: " + e.getMessage());
            }
            SSLSocket secure = (SSLSocket) tls.getSocketFactory()
                    .createSocket(control, target.host(), target.port(), true);
            if (target.checkHostName()) {
                SSLParameters parameters = secure.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                secure.setSSLParameters(parameters);
            }
            secure.startHandshake();
            control = secure;
            streams(control);
            expect(command("PBSZ 0"), 200);
            expect(command("PROT P"), 200);
        }
    }

    private void streams(Socket socket) throws IOException {
        replies = new ReplyReader(new BufferedInputStream(socket.getInputStream(), 4096));
        commands = socket.getOutputStream();
    }

    /** Sends one command line and reads its reply. */
    Reply command(String line) throws IOException {
        commands.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        commands.flush();
        return replies.read();
    }

    /** What a download or a listing brought: bytes, and lines (a listing's entries; 0 for a download). */
    record Received(long bytes, long lines) {
    }

    /** Downloads {@code path}. */
    Received retrieve(String path) throws IOException {
        return receive("RETR " + path, false);
    }

    /** Lists {@code path} with {@code verb}: LIST, NLST or MLSD. */
    Received list(String verb, String path) throws IOException {
        return receive(path.isEmpty() ? verb : verb + " " + path, true);
    }

    /** Uploads {@code size} bytes of {@code pattern}, repeated, as {@code path}. */
    void store(String path, long size, byte[] pattern) throws IOException {
        try (Socket data = openData()) {
            expect(command("STOR " + path), 150, 125);
            try (Socket stream = secured(data)) {
                OutputStream out = stream.getOutputStream();
                for (long sent = 0; sent < size; sent += pattern.length) {
                    out.write(pattern, 0, (int) Math.min(pattern.length, size - sent));
                }
                out.flush();
                stream.shutdownOutput();
            }
        }
        expect(replies.read(), 226, 250);
    }

    /** Deletes {@code path}, whether or not it is there. */
    void deleteQuietly(String path) throws IOException {
        command("DELE " + path);
    }

    /** The size the server gives for {@code path}, or -1 when it has none. */
    long size(String path) throws IOException {
        Reply reply = command("SIZE " + path);
        return reply.code() == 213 ? Long.parseLong(reply.lines().getFirst().strip()) : -1;
    }

    /** Says goodbye and closes; a server that already went counts as said. */
    void quit() throws IOException {
        try {
            command("QUIT");
        } finally {
            close();
        }
    }

    @Override
    public void close() throws IOException {
        if (control != null) {
            control.close();
        }
    }

    private Received receive(String line, boolean countLines) throws IOException {
        long bytes = 0;
        long lines = 0;
        try (Socket data = openData()) {
            expect(command(line), 150, 125);
            try (Socket stream = secured(data)) {
                InputStream in = stream.getInputStream();
                byte[] buffer = new byte[BUFFER];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    bytes += n;
                    for (int i = 0; countLines && i < n; i++) {
                        lines += buffer[i] == '\n' ? 1 : 0;
                    }
                }
            }
        }
        expect(replies.read(), 226, 250);
        return new Received(bytes, lines);
    }

    /** A passive data connection, connected before the transfer command, as most clients do. */
    private Socket openData() throws IOException {
        int port = passivePort();
        Socket data = new Socket();
        try {
            data.connect(new InetSocketAddress(target.host(), port), millis(target.timeout()));
            data.setSoTimeout(millis(target.timeout()));
            return data;
        } catch (IOException e) {
            data.close();
            throw e;
        }
    }

    private int passivePort() throws IOException {
        if (epsv) {
            Reply reply = command("EPSV");
            Matcher port = EPSV.matcher(reply.lines().getFirst());
            if (reply.code() == 229 && port.find()) {
                return Integer.parseInt(port.group(1));
            }
            epsv = false;
        }
        Reply reply = expect(command("PASV"), 227);
        Matcher address = PASV.matcher(reply.lines().getFirst());
        if (!address.find()) {
            throw new BenchException("a PASV reply without an address: " + reply);
        }
        return Integer.parseInt(address.group(5)) * 256 + Integer.parseInt(address.group(6));
    }

    private Socket secured(Socket data) throws IOException {
        return tls != null ? new TlsDataSocket(data, tls, target.host(), target.port()) : data;
    }

    private Reply expect(Reply reply, int... codes) throws BenchException {
        for (int code : codes) {
            if (reply.code() == code) {
                return reply;
            }
        }
        throw new BenchException("unexpected reply: " + reply);
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }
}
