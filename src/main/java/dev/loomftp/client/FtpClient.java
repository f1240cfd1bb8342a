package dev.loomftp.client;

import dev.loomftp.protocol.DataAddress;
import dev.loomftp.protocol.Reply;
import dev.loomftp.protocol.ReplyReader;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * An FTP client over one control connection: log in, move around, list, download and upload. It
 * shares {@code protocol} with the server. Data connections are passive by default (EPSV, then PASV
 * when the server does not know EPSV) and binary. Every failure is an {@link FtpException} with the
 * server's reply, or an {@link IOException} from the network. Active mode and MODE Z are there on
 * request ({@link #active}, {@link #compress}). One thread at a time may use a client.
 */
public final class FtpClient implements AutoCloseable {
    private static final Pattern EPSV = Pattern.compile("\\(\\|\\|\\|(\\d+)\\|\\)");
    private static final int BUFFER = 1 << 16;
    private static final int DIRECT_BUFFER = 1 << 18;
    private static final Pattern PASV = Pattern.compile("(\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)");

    private final Socket control;
    private final String host;
    private final int port;
    private ReplyReader replies;
    private OutputStream out;
    /** The control connection's TLS, once started: data connections resume its session. */
    private SSLContext tls;
    private final Duration timeout;
    private final Reply greeting;
    private boolean extendedPassive = true;
    private boolean extendedActive = true;
    private boolean active;
    private boolean compressed;
    private long bytesPerSecond;
    /** The buffer of every copy: a client is used by one thread at a time, so it is never shared. */
    private final byte[] buffer = new byte[BUFFER];
    private ByteBuffer direct;
    private Set<String> features;

    private FtpClient(Socket control, String host, int port, Duration timeout) throws IOException {
        this.control = control;
        this.host = host;
        this.port = port;
        this.timeout = timeout;
        this.replies = new ReplyReader(new BufferedInputStream(control.getInputStream()));
        this.out = control.getOutputStream();
        try {
            this.greeting = replies.read();
        } catch (EOFException | SocketTimeoutException silent) {
            throw (ConnectException) new ConnectException("the server at " + host + " port " + port
                    + " sent no greeting" + (silent instanceof EOFException ? " and closed the connection" : "")
                    + ": if it is an implicit FTPS port, use ftps://").initCause(silent);
        }
        if (greeting.code() != 220) {
            control.close();
            throw new FtpException("the server did not greet", greeting);
        }
    }

    /** Connects and reads the greeting. */
    public static FtpClient connect(String host, int port, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            connect(socket, host, port, timeout);
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
            connect(plain, host, port, timeout);
            SSLSocketFactory factory = context.getSocketFactory();
            SSLSocket secured = (SSLSocket) factory.createSocket(plain, host, port, true);
            secured.setUseClientMode(true);
            checkHostName(secured);
            try {
                secured.startHandshake();
            } catch (SSLException e) {
                if (certificateRefused(e)) {
                    // The port spoke TLS far enough to show a certificate: no hint about ports.
                    throw e;
                }
                throw new SSLException(e.getMessage() + " (ftps:// is for implicit FTPS ports; for explicit FTPS, "
                        + "use ftp:// and TLS after connecting)", e);
            }
            FtpClient client = new FtpClient(secured, host, port, timeout);
            client.tls = context;
            expect(client.command("PBSZ 0"), 200, "PBSZ refused");
            expect(client.command("PROT P"), 200, "PROT P refused");
            return client;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** Whether a handshake failed on the server's certificate. */
    private static boolean certificateRefused(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Makes the handshake check that the certificate names the host, as HTTPS clients do. A
     * certificate pinned by fingerprint ({@link Trust#pinned}) is trusted whatever host it names.
     */
    private static void checkHostName(SSLSocket socket) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
    }

    /** Connects {@code socket}, saying where to in the error when it cannot. */
    private static void connect(Socket socket, String host, int port, Duration timeout) throws IOException {
        try {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
        } catch (ConnectException | SocketTimeoutException e) {
            String reason = e instanceof SocketTimeoutException ? "no answer within " + timeout.toSeconds() + " s"
                    : "connection refused";
            throw (ConnectException) new ConnectException("cannot connect to " + host + " port " + port + ": "
                    + reason).initCause(e);
        }
        socket.setSoTimeout((int) timeout.toMillis());
        // Commands are written whole: Nagle's algorithm would only hold one back for an ACK.
        socket.setTcpNoDelay(true);
    }

    public Reply greeting() {
        return greeting;
    }

    /**
     * Explicit FTPS (RFC 4217): AUTH TLS on the control connection, then PBSZ 0 and PROT P, so
     * that every data connection is protected too. Data connections resume the control
     * connection's session, as servers that require it (loomftp's default, vsftpd's
     * require_ssl_reuse) insist.
     */
    public void startTls(SSLContext context) throws IOException {
        Reply auth = command("AUTH TLS");
        if (auth.code() != 234) {
            throw new SSLException("the server does not offer explicit TLS (AUTH TLS: " + auth.code() + " "
                    + String.join(" ", auth.lines()) + ")");
        }
        SSLSocketFactory factory = context.getSocketFactory();
        SSLSocket secured = (SSLSocket) factory.createSocket(control, host, port, true);
        secured.setUseClientMode(true);
        checkHostName(secured);
        secured.startHandshake();
        replies = new ReplyReader(new BufferedInputStream(secured.getInputStream()));
        out = secured.getOutputStream();
        tls = context;
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

    /**
     * Makes every folder of {@code path} that is missing, as {@code mkdir -p} does, and leaves the
     * working folder where it was. Servers cannot make a folder whose parent is missing, and do
     * not agree on what MKD of a folder that exists answers (vsftpd: 550, as for any failure), so
     * the path is walked one folder at a time: CWD into each, and MKD where that fails.
     *
     * @return the folders made, top down, each written as {@code path} is (relative or absolute)
     */
    public List<String> makeFolders(String path) throws IOException {
        String home = pwd();
        List<String> made = new ArrayList<>();
        try {
            String walked = path.startsWith("/") ? "/" : "";
            if (!walked.isEmpty()) {
                cwd("/");
            }
            for (String name : path.split("/")) {
                if (name.isEmpty()) {
                    continue;
                }
                walked = walked.isEmpty() || walked.endsWith("/") ? walked + name : walked + "/" + name;
                if (command("CWD " + name).code() == 250) {
                    continue;
                }
                // CWD after MKD tells a folder just made, or made by someone else meanwhile, from a refusal.
                Reply mkd = command("MKD " + name);
                Reply into = command("CWD " + name);
                if (into.code() != 250) {
                    throw new FtpException("cannot make folder " + walked, mkd.code() == 257 ? into : mkd);
                }
                if (mkd.code() == 257) {
                    made.add(walked);
                }
            }
        } catch (IOException e) {
            try {
                cwd(home);
            } catch (IOException lost) {
                e.addSuppressed(lost);
            }
            throw e;
        }
        cwd(home);
        return made;
    }

    /** Whether {@code path} is a folder this user may enter: CWD there, and back. */
    public boolean isFolder(String path) throws IOException {
        String home = pwd();
        if (command("CWD " + path).code() != 250) {
            return false;
        }
        cwd(home);
        return true;
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

    /** Downloads {@code remote} into {@code local}; see {@link #download(String, Path, TransferListener)}. */
    public long download(String remote, Path local) throws IOException {
        return download(remote, local, TransferListener.NONE);
    }

    /**
     * Downloads {@code remote} into {@code local}, through {@link #partial(Path) a .part file}
     * that replaces it at the end, so a failed download never leaves half a file under the real
     * name. When the transfer breaks after data came, the .part file is kept for
     * {@link #resumeDownload} to continue; when the server refuses, nothing is left behind.
     *
     * @return the bytes received
     */
    public long download(String remote, Path local, TransferListener listener) throws IOException {
        Path partial = partial(local);
        long bytes;
        try (FileChannel file = FileChannel.open(partial, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            bytes = receive("RETR " + remote, file, listener);
        } catch (IOException e) {
            if (e instanceof FtpException || Files.size(partial) == 0) {
                Files.deleteIfExists(partial);
            }
            throw e;
        }
        Files.move(partial, local, StandardCopyOption.REPLACE_EXISTING);
        return bytes;
    }

    /** Where a download is written until it is whole: {@code local} with {@code .part} added. */
    public static Path partial(Path local) {
        return local.resolveSibling(local.getFileName() + ".part");
    }

    /** Resumes a download; see {@link #resumeDownload(String, Path, TransferListener)}. */
    public long resumeDownload(String remote, Path local) throws IOException {
        return resumeDownload(remote, local, TransferListener.NONE);
    }

    /**
     * Resumes a download: what {@code local} (or, when it is not there, the .part file an
     * interrupted {@link #download} left) holds already is kept, and the rest is asked for with
     * REST and appended. A copy as long as the remote file is left as it is; a longer one is an
     * error, as it cannot be a part of it.
     *
     * @return the bytes received now
     */
    public long resumeDownload(String remote, Path local, TransferListener listener) throws IOException {
        Path partial = partial(local);
        Path into = Files.exists(local) || !Files.exists(partial) ? local : partial;
        long have = Files.exists(into) ? Files.size(into) : 0;
        long size = size(remote);
        if (have > size) {
            throw new IOException(into.getFileName() + " is longer than " + remote + " (" + have + " > " + size
                    + " bytes): it is not a part of it");
        }
        long bytes = 0;
        if (have < size) {
            expect(command("REST " + have), 350, "the server cannot resume");
            try (FileChannel file = FileChannel.open(into, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    LinkOption.NOFOLLOW_LINKS)) {
                bytes = receive("RETR " + remote, file, shifted(listener, have));
            }
        }
        if (into.equals(partial)) {
            Files.move(partial, local, StandardCopyOption.REPLACE_EXISTING);
        }
        return bytes;
    }

    /** Resumes an upload; see {@link #resumeUpload(Path, String, TransferListener)}. */
    public long resumeUpload(Path local, String remote) throws IOException {
        return resumeUpload(local, remote, TransferListener.NONE);
    }

    /**
     * Resumes an upload: what the server holds already (SIZE) is skipped, and the rest is sent
     * with REST and STOR.
     *
     * @return the bytes sent now
     */
    public long resumeUpload(Path local, String remote, TransferListener listener) throws IOException {
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
        try (FileChannel file = FileChannel.open(local)) {
            return send("STOR " + remote, file, offset, shifted(listener, offset));
        }
    }

    /** Uploads {@code local} as {@code remote}; see {@link #upload(Path, String, TransferListener)}. */
    public long upload(Path local, String remote) throws IOException {
        return upload(local, remote, TransferListener.NONE);
    }

    /**
     * Uploads {@code local} as {@code remote}.
     *
     * @return the bytes sent
     */
    public long upload(Path local, String remote, TransferListener listener) throws IOException {
        try (FileChannel file = FileChannel.open(local)) {
            return send("STOR " + remote, file, 0, listener);
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
    public Optional<String> sha256(String remote) throws IOException {
        if (!supports("HASH") || command("OPTS HASH SHA-256").code() != 200) {
            return Optional.empty();
        }
        Reply reply = command("HASH " + remote);
        if (reply.code() != 213) {
            return Optional.empty();
        }
        String[] words = reply.lines().getFirst().split(" ");
        return words.length >= 3 ? Optional.of(words[2].toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /**
     * A folder's entries with their kind, size and time: MLSD when the server offers it, otherwise
     * LIST read as {@code ls -l} lines with each file's time asked with MDTM.
     */
    public List<RemoteEntry> entries(String folder) throws IOException {
        List<RemoteEntry> listed = listEntries(folder);
        if (supports("MLST")) {
            return listed;
        }
        List<RemoteEntry> entries = new ArrayList<>();
        for (RemoteEntry entry : listed) {
            if (entry.isFile()) {
                String path = folder.isBlank() ? entry.name() : folder.replaceAll("/+$", "") + "/" + entry.name();
                entries.add(modified(path).map(entry::withModified).orElse(entry));
            } else {
                entries.add(entry);
            }
        }
        return entries;
    }

    /**
     * A folder's entries as one listing gives them: MLSD when the server offers it, otherwise LIST
     * read as {@code ls -l} lines, without asking each file's time as {@link #entries} does.
     */
    public List<RemoteEntry> listEntries(String folder) throws IOException {
        if (supports("MLST")) {
            return listing(folder.isBlank() ? "MLSD" : "MLSD " + folder).stream()
                    .flatMap(line -> Listings.fromFacts(line).stream())
                    .filter(entry -> !entry.name().equals(".") && !entry.name().equals(".."))
                    .toList();
        }
        return listing(folder.isBlank() ? "LIST -a" : "LIST -a " + folder).stream()
                .flatMap(line -> Listings.fromUnixList(line).stream())
                .toList();
    }

    /** MDTM: the remote file's modification time, or empty when the server cannot tell it. */
    public Optional<Instant> modified(String remote) throws IOException {
        Reply reply = command("MDTM " + remote);
        return reply.code() == 213 ? Listings.time(reply.lines().getFirst()) : Optional.empty();
    }

    /**
     * MFMT: sets the remote file's modification time, when the server offers it.
     *
     * @return whether the time was set
     */
    public boolean setModified(String remote, Instant time) throws IOException {
        return supports("MFMT") && command("MFMT " + Listings.format(time) + " " + remote).code() == 213;
    }

    /** Whether FEAT lists {@code feature} (such as "MLST" or "MODE Z"); FEAT is asked once. */
    public boolean supports(String feature) throws IOException {
        if (features == null) {
            Reply reply = command("FEAT");
            features = reply.code() != 211 ? Set.of() : reply.lines().stream()
                    .map(line -> line.strip().toUpperCase(Locale.ROOT))
                    .collect(Collectors.toUnmodifiableSet());
        }
        String wanted = feature.toUpperCase(Locale.ROOT);
        return features.stream().anyMatch(line -> line.equals(wanted) || line.startsWith(wanted + " "));
    }

    /**
     * Active mode on or off. Active data connections come from the server to a port this client
     * opens on the control connection's local address (EPRT, then PORT); they only work where the
     * server can reach this machine.
     */
    public void active(boolean on) {
        active = on;
    }

    /** Transfers no faster than {@code bytesPerSecond} (on the wire in MODE S), or as fast as they go with 0. */
    public void limitRate(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("a rate cannot be negative");
        }
        this.bytesPerSecond = bytesPerSecond;
    }

    /** MODE Z (compressed with zlib) or MODE S (stream) for the transfers that follow. */
    public void compress(boolean on) throws IOException {
        expect(command(on ? "MODE Z" : "MODE S"), 200, on ? "the server does not compress (MODE Z)" : "MODE S refused");
        compressed = on;
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
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        receive(command, Channels.newChannel(text), TransferListener.NONE);
        return text.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /**
     * Runs {@code command} and copies what the data connection brings (decompressed in MODE Z)
     * into {@code sink}: straight from the socket on a plain connection, through a stream under
     * TLS or MODE Z.
     */
    private long receive(String command, WritableByteChannel sink, TransferListener listener) throws IOException {
        return exchange(command, data -> {
            if (!compressed && data.getChannel() != null) {
                try (ChannelCopy copy = new ChannelCopy(data.getChannel(), timeout)) {
                    return copy.receive(sink, direct(), progress(listener));
                }
            }
            if (!compressed) {
                return copy(data.getInputStream(), sink, listener);
            }
            Inflater inflater = new Inflater();
            try {
                return copy(new InflaterInputStream(data.getInputStream(), inflater, BUFFER), sink, listener);
            } finally {
                inflater.end();
            }
        });
    }

    /**
     * Runs {@code command} and sends {@code source} from {@code position} on the data connection:
     * through the direct buffer on a plain connection, through a stream under TLS, compressed in
     * MODE Z.
     */
    private long send(String command, FileChannel source, long position, TransferListener listener)
            throws IOException {
        return exchange(command, data -> {
            long sent;
            if (!compressed && data.getChannel() != null) {
                try (ChannelCopy copy = new ChannelCopy(data.getChannel(), timeout)) {
                    sent = copy.send(source, position, source.size() - position, direct(), progress(listener));
                }
            } else {
                InputStream in = Channels.newInputStream(source.position(position));
                OutputStream raw = data.getOutputStream();
                if (compressed) {
                    Deflater deflater = new Deflater();
                    try {
                        DeflaterOutputStream zlib = new DeflaterOutputStream(raw, deflater, BUFFER);
                        sent = copy(in, Channels.newChannel(zlib), listener);
                        zlib.finish();
                    } finally {
                        deflater.end();
                    }
                } else {
                    sent = copy(in, Channels.newChannel(raw), listener);
                }
                raw.flush();
            }
            data.shutdownOutput();
            return sent;
        });
    }

    /**
     * Opens a data connection, sends {@code command}, lets {@code work} use the connection, and
     * reads the final reply. When the work fails, the reply the server sends is still read, so the
     * control connection stays in step for the next command.
     */
    private long exchange(String command, DataWork work) throws IOException {
        try (DataConnection connection = openData()) {
            Reply start = command(command);
            if (start.code() != 125 && start.code() != 150) {
                throw new FtpException(command.split(" ")[0] + " refused", start);
            }
            long bytes;
            try (Socket data = protect(connection.socket())) {
                bytes = work.run(data);
            } catch (IOException e) {
                connection.close();
                try {
                    replies.read();
                } catch (IOException lost) {
                    e.addSuppressed(lost);
                }
                throw e;
            }
            expect(replies.read(), 226, "the transfer failed");
            return bytes;
        }
    }

    /** {@code listener}, counting from {@code offset}: a resumed transfer counts what was there before. */
    private static TransferListener shifted(TransferListener listener, long offset) {
        return new TransferListener() {
            @Override
            public void transferred(long bytes) {
                listener.transferred(offset + bytes);
            }

            @Override
            public void data(ByteBuffer chunk) {
                listener.data(chunk);
            }

        };
    }

    /** Copies until the end of {@code in}, through the array buffer. */
    private long copy(InputStream in, WritableByteChannel out, TransferListener listener) throws IOException {
        ChannelCopy.Progress progress = progress(listener);
        long total = 0;
        for (int read; (read = in.read(buffer)) >= 0; ) {
            ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, read);
            ByteBuffer seen = chunk.asReadOnlyBuffer();
            while (chunk.hasRemaining()) {
                out.write(chunk);
            }
            total += read;
            progress.moved(seen, total);
        }
        return total;
    }

    /** Tells {@code listener} of each chunk, and keeps the transfer to the rate limit. */
    private ChannelCopy.Progress progress(TransferListener listener) {
        long started = System.nanoTime();
        return (chunk, total) -> {
            listener.data(chunk);
            listener.transferred(total);
            if (bytesPerSecond > 0) {
                long due = started + (long) (total * 1e9 / bytesPerSecond);
                LockSupport.parkNanos(due - System.nanoTime());
            }
        };
    }

    /** The direct buffer of plain transfers, made at the first. */
    private ByteBuffer direct() {
        if (direct == null) {
            direct = ByteBuffer.allocateDirect(DIRECT_BUFFER);
        }
        return direct;
    }

    private DataConnection openData() throws IOException {
        return active ? openActive() : openPassive();
    }

    private DataConnection openPassive() throws IOException {
        if (extendedPassive) {
            Reply reply = command("EPSV");
            Matcher port = EPSV.matcher(String.join(" ", reply.lines()));
            if (reply.code() == 229 && port.find()) {
                return DataConnection.passive(
                        new InetSocketAddress(control.getInetAddress(), Integer.parseInt(port.group(1))), timeout);
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
        return DataConnection.passive(new InetSocketAddress(control.getInetAddress(), port), timeout);
    }

    private DataConnection openActive() throws IOException {
        DataConnection connection = DataConnection.active(control.getLocalAddress(), control.getInetAddress(), timeout);
        try {
            InetSocketAddress here = connection.listeningAddress();
            if (extendedActive) {
                Reply reply = command("EPRT " + DataAddress.formatEprt(here));
                if (reply.code() == 200) {
                    return connection;
                }
                if (reply.code() != 500 && reply.code() != 502) {
                    throw new FtpException("EPRT refused", reply);
                }
                extendedActive = false;
            }
            if (!(here.getAddress() instanceof Inet4Address ipv4)) {
                throw new IOException("the server knows only PORT, which cannot name an IPv6 address");
            }
            expect(command("PORT " + DataAddress.formatPasv(ipv4, here.getPort())), 200, "PORT refused");
            return connection;
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Under PROT P, starts TLS as the client on a data connection, resuming the control
     * connection's session; otherwise the connection is used as it is.
     */
    private Socket protect(Socket data) throws IOException {
        if (tls == null) {
            return data;
        }
        return new TlsDataSocket(data, tls, host, port);
    }

    private static Reply expect(Reply reply, int code, String failure) throws FtpException {
        if (reply.code() != code) {
            throw new FtpException(failure, reply);
        }
        return reply;
    }
}
