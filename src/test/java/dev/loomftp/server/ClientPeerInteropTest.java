package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.client.FtpClient;
import dev.loomftp.client.FtpException;
import dev.loomftp.client.Trust;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opentest4j.TestAbortedException;

/**
 * loomftp's {@link FtpClient} against real servers from apt, vsftpd and pyftpdlib (see
 * {@link PeerServer}): every operation of its API, with multi-megabyte files checked byte for byte
 * on both sides, resumed transfers included, and explicit FTPS against vsftpd. Every failure
 * carries the server's own log.
 */
class ClientPeerInteropTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Six MiB and a few bytes, so that no transfer ends on a buffer boundary. */
    private static final long LARGE = 6 * 1024 * 1024 + 13;
    /** Where a cut transfer broke off. */
    private static final long CUT = 2_345_679;

    @TempDir
    Path work;

    @TempDir
    Path local;

    private PeerServer peer;

    /** Adds the server's log to the message of whatever a test fails with; a skip stays a skip. */
    @RegisterExtension
    final TestExecutionExceptionHandler withPeerLog = (context, failure) -> {
        if (peer == null || failure instanceof TestAbortedException) {
            throw failure;
        }
        AssertionError withLog = new AssertionError(failure + "\n" + peer.log(), failure);
        withLog.setStackTrace(failure.getStackTrace());
        throw withLog;
    };

    /** The servers the plain-FTP tests run against. */
    enum Peer {
        VSFTPD {
            @Override
            PeerServer start(Path work) throws IOException {
                return PeerServer.vsftpd(work);
            }
        },
        PYFTPDLIB {
            @Override
            PeerServer start(Path work) throws IOException {
                return PeerServer.pyftpdlib(work);
            }
        };

        abstract PeerServer start(Path work) throws IOException;
    }

    @AfterEach
    void stop() {
        if (peer != null) {
            peer.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Peer.class)
    void uploadsAndDownloadsAMultiMegabyteFile(Peer kind) throws IOException {
        try (FtpClient client = start(kind)) {
            Path original = FileTrees.write(local.resolve("original.bin"), LARGE, 1);
            String remote = peer.writable("big.bin");

            assertEquals(LARGE, client.upload(original, remote), "bytes sent");
            assertEquals(TransferTest.sha256(original), TransferTest.sha256(peer.localRoot().resolve("big.bin")),
                    "the bytes the server stored");
            assertEquals(LARGE, client.size(remote));

            Path downloaded = local.resolve("downloaded.bin");
            assertEquals(LARGE, client.download(remote, downloaded), "bytes received");
            assertEquals(TransferTest.sha256(original), TransferTest.sha256(downloaded), "the bytes downloaded");
            assertFalse(Files.exists(local.resolve("downloaded.bin.part")), "the temporary file is gone");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Peer.class)
    void listsAndNamesFilesAndFolders(Peer kind) throws IOException {
        try (FtpClient client = start(kind)) {
            Files.write(peer.localRoot().resolve("notes.txt"), new byte[1234]);
            Files.createDirectories(peer.localRoot().resolve("photos"));

            List<String> lines = client.list(peer.writableFolder());
            assertEquals(2, lines.size(), () -> "listing: " + lines);
            assertTrue(lines.stream().anyMatch(line -> line.startsWith("-") && line.matches(".* 1234 .* notes\\.txt")),
                    () -> "a file line in ls -l form: " + lines);
            assertTrue(lines.stream().anyMatch(line -> line.startsWith("d") && line.endsWith(" photos")),
                    () -> "a folder line in ls -l form: " + lines);

            // vsftpd answers NLST of a folder with paths that start with it ("up/notes.txt").
            Set<String> named = client.names(peer.writableFolder()).stream()
                    .map(name -> name.substring(name.lastIndexOf('/') + 1)).collect(Collectors.toSet());
            assertEquals(Set.of("notes.txt", "photos"), named);
            if (!peer.writableFolder().isEmpty()) {
                client.cwd(peer.writableFolder());
            }
            assertEquals(Set.of("notes.txt", "photos"), Set.copyOf(client.names("")), "NLST of where it is");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Peer.class)
    void makesEntersAndRemovesFolders(Peer kind) throws IOException {
        try (FtpClient client = start(kind)) {
            String top = "/" + peer.writableFolder();
            assertEquals("/", client.pwd(), "where a login starts");

            client.mkdir(peer.writable("docs"));
            assertTrue(Files.isDirectory(peer.localRoot().resolve("docs")), "the folder on the server's disk");
            client.cwd(peer.writable("docs"));
            assertEquals(peer.writableFolder().isEmpty() ? "/docs" : top + "/docs", client.pwd());
            client.mkdir("inner");
            assertTrue(Files.isDirectory(peer.localRoot().resolve("docs/inner")), "a folder made by a relative path");
            client.rmdir("inner");

            client.cwd("..");
            assertEquals(top, client.pwd());
            client.rmdir("docs");
            assertFalse(Files.exists(peer.localRoot().resolve("docs")), "the folder is gone");
            FtpException missing = assertThrows(FtpException.class, () -> client.cwd("docs"));
            assertEquals(550, missing.reply().code());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Peer.class)
    void renamesSizesAndDeletesFiles(Peer kind) throws IOException {
        try (FtpClient client = start(kind)) {
            Path original = FileTrees.write(local.resolve("original.bin"), 1_000_003, 2);
            client.upload(original, peer.writable("draft.bin"));

            client.rename(peer.writable("draft.bin"), peer.writable("final.bin"));
            assertFalse(Files.exists(peer.localRoot().resolve("draft.bin")), "the old name is gone");
            assertEquals(TransferTest.sha256(original), TransferTest.sha256(peer.localRoot().resolve("final.bin")));
            assertEquals(1_000_003, client.size(peer.writable("final.bin")));

            client.delete(peer.writable("final.bin"));
            assertFalse(Files.exists(peer.localRoot().resolve("final.bin")), "the file is gone");
            FtpException missing = assertThrows(FtpException.class, () -> client.size(peer.writable("final.bin")));
            assertEquals(550, missing.reply().code());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Peer.class)
    void resumesACutDownload(Peer kind) throws IOException {
        try (FtpClient client = start(kind)) {
            Path original = FileTrees.write(peer.localRoot().resolve("big.bin"), LARGE, 3);
            Path partial = FileTrees.truncatedCopy(original, local.resolve("big.bin"), CUT);

            assertEquals(LARGE - CUT, client.resumeDownload(peer.writable("big.bin"), partial), "bytes received");
            assertEquals(TransferTest.sha256(original), TransferTest.sha256(partial));
            assertEquals(0, client.resumeDownload(peer.writable("big.bin"), partial), "nothing left to fetch");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Peer.class)
    void resumesACutUpload(Peer kind) throws IOException {
        try (FtpClient client = start(kind)) {
            Path original = FileTrees.write(local.resolve("big.bin"), LARGE, 4);
            Path stored = peer.handOver(
                    FileTrees.truncatedCopy(original, peer.localRoot().resolve("big.bin"), CUT));

            assertEquals(LARGE - CUT, client.resumeUpload(original, peer.writable("big.bin")), "bytes sent");
            assertEquals(TransferTest.sha256(original), TransferTest.sha256(stored));
            assertEquals(0, client.resumeUpload(original, peer.writable("big.bin")), "nothing left to send");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Peer.class)
    void resumesAnUploadThatNeverStarted(Peer kind) throws IOException {
        try (FtpClient client = start(kind)) {
            Path original = FileTrees.write(local.resolve("fresh.bin"), LARGE, 5);

            assertEquals(LARGE, client.resumeUpload(original, peer.writable("fresh.bin")), "the whole file");
            assertEquals(TransferTest.sha256(original), TransferTest.sha256(peer.localRoot().resolve("fresh.bin")));
        }
    }

    @Test
    void vsftpdRefusesAnonymousLoginsWithoutTls() throws IOException {
        peer = PeerServer.vsftpdTls(work);
        try (FtpClient client = FtpClient.connect(peer.host(), peer.port(), TIMEOUT)) {
            FtpException refused = assertThrows(FtpException.class,
                    () -> client.login(peer.user(), peer.password().toCharArray()));
            assertEquals(530, refused.reply().code(), "vsftpd's force_anon_logins_ssl");
        }
    }

    @Test
    void logsInToVsftpdOverExplicitTls() throws Exception {
        peer = PeerServer.vsftpdTls(work);
        try (FtpClient client = FtpClient.connect(peer.host(), peer.port(), TIMEOUT)) {
            client.startTls(Trust.pinned(peer.fingerprint()));
            client.login(peer.user(), peer.password().toCharArray());
            assertEquals("/", client.pwd());
        }
    }

    @Test
    void refusesAVsftpdCertificateOtherThanThePinnedOne() throws Exception {
        peer = PeerServer.vsftpdTls(work);
        String other = (peer.fingerprint().startsWith("00") ? "01" : "00") + peer.fingerprint().substring(2);
        try (FtpClient client = FtpClient.connect(peer.host(), peer.port(), TIMEOUT)) {
            assertThrows(SSLException.class, () -> client.startTls(Trust.pinned(other)));
        }
    }

    /**
     * vsftpd with require_ssl_reuse (its default) refuses data connections that do not resume the
     * control connection's session: this passes only because they do (over TLS 1.3, which vsftpd
     * chooses).
     */
    @Test
    void listsUploadsAndDownloadsWithVsftpdOverExplicitTls() throws Exception {
        peer = PeerServer.vsftpdTls(work);
        try (FtpClient client = FtpClient.connect(peer.host(), peer.port(), TIMEOUT)) {
            client.startTls(Trust.pinned(peer.fingerprint()));
            client.login(peer.user(), peer.password().toCharArray());
            Path original = FileTrees.write(local.resolve("original.bin"), LARGE, 6);

            assertEquals(LARGE, client.upload(original, peer.writable("secret.bin")));
            assertEquals(TransferTest.sha256(original), TransferTest.sha256(peer.localRoot().resolve("secret.bin")));
            List<String> lines = client.list(peer.writableFolder());
            assertTrue(lines.stream().anyMatch(line -> line.matches("-.* " + LARGE + " .* secret\\.bin")),
                    () -> "listing: " + lines);
            Path downloaded = local.resolve("downloaded.bin");
            assertEquals(LARGE, client.download(peer.writable("secret.bin"), downloaded));
            assertEquals(TransferTest.sha256(original), TransferTest.sha256(downloaded));
        }
    }

    /** Starts the peer and logs in to it. */
    private FtpClient start(Peer kind) throws IOException {
        peer = kind.start(work);
        FtpClient client = FtpClient.connect(peer.host(), peer.port(), TIMEOUT);
        try {
            client.login(peer.user(), peer.password().toCharArray());
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }
}
