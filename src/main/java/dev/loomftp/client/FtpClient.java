package dev.loomftp.client;

import dev.loomftp.protocol.DataAddress;
import dev.loomftp.protocol.Reply;
import dev.loomftp.protocol.ReplyReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * An FTP client over one control connection: log in, move around, list, download and upload. It
 * shares {@code protocol} with the server. Data connections are passive (EPSV, then PASV when the
 * server does not know EPSV) and binary. Every failure is an {@link FtpException} with the
 * server's reply, or an {@link IOException} from the network.
 */
public final class FtpClient implements AutoCloseable {
    private static final Pattern EPSV = Pattern.compile("\\(\\|\\|\\|(\\d+)\\|\\)");
    private static final Pattern PASV = Pattern.compile("(\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)");

    private final Socket control;
    private final String host;
    private final int port;
    private ReplyReader replies;
    private OutputStream out;
    private SSLSocketFactory tls;
    private final Duration timeout;
    private final Reply greeting;
    private boolean extendedPassive = true;

    private FtpClient(Socket control, String host, int port, Duration timeout) throws IOException {
        this.control = control;
        this.host = host;
        this.port = port;
        this.timeout = timeout;
        this.replies = new ReplyReader(new BufferedInputStream(control.getInputStream()));
        this.out = control.getOutputStream();
        this.greeting = replies.read();
        if (greeting.code() != 220) {
            control.close();
            throw new FtpException("the server did not greet", greeting);
        }
    }

    /** Connects and reads the greeting. */
    public static FtpClient connect(String host, int port, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            return new FtpClient(socket, host, port, timeout);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Connects to an implicit-FTPS port: TLS first, then the greeting, then PBSZ 0 and PROT P so
     * that data connections are protected too.
     */
    public static FtpClient connectTls(String host, int port, Duration timeout, SSLContext context)
            throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            plain.setSoTimeout((int) timeout.toMillis());
            SSLSocketFactory factory = context.getSocketFactory();
            SSLSocket secured = (SSLSocket) factory.createSocket(plain, host, port, true);
            secured.setUseClientMode(true);
            secured.startHandshake();
            FtpClient client = new FtpClient(secured, host, port, timeout);
            client.tls = factory;
            expect(client.command("PBSZ 0"), 200, "PBSZ refused");
            expect(client.command("PROT P"), 200, "PROT P refused");
            return client;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    public Reply greeting() {
        return greeting;
    }

    /**
     * Explicit FTPS (RFC 4217): AUTH TLS on the control connection, then PBSZ 0 and PROT P, so
     * that every data connection is protected too. Data connections do not resume the control
     * connection's session yet: servers that require it (loomftp's default, vsftpd's
     * require_ssl_reuse) answer 522.
     */
    public void startTls(SSLContext context) throws IOException {
        expect(command("AUTH TLS"), 234, "the server refused TLS");
        SSLSocketFactory factory = context.getSocketFactory();
        SSLSocket secured = (SSLSocket) factory.createSocket(control, host, port, true);
        secured.setUseClientMode(true);
        secured.startHandshake();
        replies = new ReplyReader(new BufferedInputStream(secured.getInputStream()));
        out = secured.getOutputStream();
        tls = factory;
        expect(command("PBSZ 0"), 200, "PBSZ refused");
        expect(command("PROT P"), 200, "PROT P refused");
    }

    /** USER then PASS; also switches to binary transfers. */
    public void login(String user, char[] password) throws IOException {
        Reply reply = command("USER " + user);
        if (reply.code() == 331) {
            reply = command("PASS " + new String(password));
        }
        expect(reply, 230, "login failed");
        expect(command("TYPE I"), 200, "binary mode refused");
    }

    public String pwd() throws IOException {
        Reply reply = expect(command("PWD"), 257, "cannot tell the folder");
        String text = reply.lines().getFirst();
        int start = text.indexOf('"');
        int end = text.lastIndexOf('"');
        return start >= 0 && end > start ? text.substring(start + 1, end).replace("\"\"", "\"") : text;
    }

    public void cwd(String path) throws IOException {
        expect(command("CWD " + path), 250, "cannot change folder");
    }

    public void mkdir(String path) throws IOException {
        expect(command("MKD " + path), 257, "cannot make folder");
    }

    public void rmdir(String path) throws IOException {
        expect(command("RMD " + path), 250, "cannot remove folder");
    }

    public void delete(String path) throws IOException {
        expect(command("DELE " + path), 250, "cannot delete");
    }

    public void rename(String from, String to) throws IOException {
        expect(command("RNFR " + from), 350, "cannot rename");
        expect(command("RNTO " + to), 250, "cannot rename");
    }

    /** LIST: the listing lines, in {@code ls -l} form. */
    public List<String> list(String path) throws IOException {
        return listing(path.isBlank() ? "LIST" : "LIST " + path);
    }

    /** NLST: the names in a folder. */
    public List<String> names(String path) throws IOException {
        return listing(path.isBlank() ? "NLST" : "NLST " + path);
    }

    /** Downloads {@code remote} into {@code local}, through a temporary file that replaces it at the end. */
    public long download(String remote, Path local) throws IOException {
        Path partial = local.resolveSibling(local.getFileName() + ".part");
        long bytes;
        try (OutputStream file = Files.newOutputStream(partial)) {
            bytes = transfer("RETR " + remote, data -> data.getInputStream().transferTo(file));
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, local, StandardCopyOption.REPLACE_EXISTING);
        return bytes;
    }

    /**
     * Resumes a download: what {@code local} holds already is kept, and the rest is asked for
     * with REST and appended. A local file as long as the remote one is left as it is.
     *
     * @return the bytes received now
     */
    public long resumeDownload(String remote, Path local) throws IOException {
        long have = Files.exists(local) ? Files.size(local) : 0;
        long size = size(remote);
        if (have >= size) {
            return 0;
        }
        expect(command("REST " + have), 350, "the server cannot resume");
        try (OutputStream file = Files.newOutputStream(local, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND)) {
            return transfer("RETR " + remote, data -> data.getInputStream().transferTo(file));
        }
    }

    /**
     * Resumes an upload: what the server holds already (SIZE) is skipped, and the rest is sent
     * with REST and STOR.
     *
     * @return the bytes sent now
     */
    public long resumeUpload(Path local, String remote) throws IOException {
        long have;
        try {
            have = size(remote);
        } catch (FtpException missing) {
            have = 0;
        }
        long size = Files.size(local);
        if (have >= size) {
            return 0;
        }
        long offset = have;
        if (offset > 0) {
            expect(command("REST " + offset), 350, "the server cannot resume");
        }
        try (InputStream file = Files.newInputStream(local)) {
            file.skipNBytes(offset);
            return transfer("STOR " + remote, data -> {
                long sent = file.transferTo(data.getOutputStream());
                data.shutdownOutput();
                return sent;
            });
        }
    }

    /** SIZE in binary: the remote file's length. */
    public long size(String remote) throws IOException {
        Reply reply = expect(command("SIZE " + remote), 213, "no size");
        try {
            return Long.parseLong(reply.lines().getFirst().strip());
        } catch (NumberFormatException e) {
            throw new FtpException("cannot read the size", reply);
        }
    }

    /** The remote file's SHA-256 (HASH), or empty when the server does not offer it. */
    public java.util.Optional<String> sha256(String remote) throws IOException {
        if (command("OPTS HASH SHA-256").code() != 200) {
            return java.util.Optional.empty();
        }
        Reply reply = command("HASH " + remote);
        if (reply.code() != 213) {
            return java.util.Optional.empty();
        }
        String[] words = reply.lines().getFirst().split(" ");
        return words.length >= 3 ? java.util.Optional.of(words[2].toLowerCase(java.util.Locale.ROOT))
                : java.util.Optional.empty();
    }

    /** Uploads {@code local} as {@code remote}. */
    public long upload(Path local, String remote) throws IOException {
        try (InputStream file = Files.newInputStream(local)) {
            return transfer("STOR " + remote, data -> {
                long sent = file.transferTo(data.getOutputStream());
                data.shutdownOutput();
                return sent;
            });
        }
    }

    /** Sends one command and reads its reply. */
    public Reply command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return replies.read();
    }

    /** QUIT, then closes the connection. */
    @Override
    public void close() throws IOException {
        try {
            command("QUIT");
        } catch (IOException e) {
            // Closing anyway.
        } finally {
            control.close();
        }
    }

    /** What a transfer does with its data connection. */
    @FunctionalInterface
    private interface DataWork {
        long run(Socket data) throws IOException;
    }

    private List<String> listing(String command) throws IOException {
        StringBuilder text = new StringBuilder();
        transfer(command, data -> {
            byte[] bytes = data.getInputStream().readAllBytes();
            text.append(new String(bytes, StandardCharsets.UTF_8));
            return bytes.length;
        });
        return text.toString().lines().toList();
    }

    private long transfer(String command, DataWork work) throws IOException {
        try (Socket data = openPassive()) {
            Reply start = command(command);
            if (start.code() != 125 && start.code() != 150) {
                throw new FtpException(command.split(" ")[0] + " refused", start);
            }
            long bytes = work.run(data);
            data.close();
            expect(replies.read(), 226, "the transfer failed");
            return bytes;
        }
    }

    private Socket openPassive() throws IOException {
        InetSocketAddress target;
        if (extendedPassive) {
            Reply reply = command("EPSV");
            Matcher port = EPSV.matcher(String.join(" ", reply.lines()));
            if (reply.code() == 229 && port.find()) {
                target = new InetSocketAddress(control.getInetAddress(), Integer.parseInt(port.group(1)));
                return open(target);
            }
            extendedPassive = false;
        }
        Reply reply = expect(command("PASV"), 227, "no passive mode");
        Matcher address = PASV.matcher(String.join(" ", reply.lines()));
        if (!address.find()) {
            throw new FtpException("cannot read the PASV reply", reply);
        }
        int port = Integer.parseInt(address.group(5)) << 8 | Integer.parseInt(address.group(6));
        // The address in the reply may be a private one behind NAT: use the server's own, as most clients do.
        return open(new InetSocketAddress(control.getInetAddress(), port));
    }

    private Socket open(InetSocketAddress target) throws IOException {
        Socket data = new Socket();
        try {
            data.connect(target, (int) timeout.toMillis());
            data.setSoTimeout((int) timeout.toMillis());
            if (tls != null) {
                SSLSocket secured = (SSLSocket) tls.createSocket(data, host, port, true);
                secured.setUseClientMode(true);
                return secured;
            }
            return data;
        } catch (IOException e) {
            data.close();
            throw new IOException("cannot open the data connection to " + DataAddress.text(target.getAddress())
                    + " port " + target.getPort() + ": " + e.getMessage(), e);
        }
    }

    private static Reply expect(Reply reply, int code, String failure) throws FtpException {
        if (reply.code() != code) {
            throw new FtpException(failure, reply);
        }
        return reply;
    }
}
