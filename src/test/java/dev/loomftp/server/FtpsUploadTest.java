package dev.loomftp.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.apache.commons.net.ftp.FTPSClient;
import org.apache.commons.net.util.TrustManagerUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protected uploads end as the client sent them. A client that only uploads never reads its data
 * connection, and a socket closed with unread bytes waiting ends in a TCP reset that destroys
 * what the client had not sent yet. So during an upload the server sends nothing on the data
 * connection (no TLS 1.3 session ticket) until it has read the client's end; then it answers
 * with close_notify. These tests drive that over a real socket with JSSE as the client, at the
 * byte level, where curl and lftp only show it as a lost race (see {@link FtpsUploadInteropTest}).
 */
@ExtendWith(StopServers.class)
class FtpsUploadTest {
    private static final String PASSWORD = "alice-password";

    @TempDir
    Path folder;

    private TestServer server;


    @Test
    void duringAnUploadTheServerSendsNothingUntilTheClientsEnd() throws Exception {
        start();
        FTPSClient control = login();
        byte[] content = new byte[300_000];
        new Random(7).nextBytes(content);
        try (Socket plain = openData(control, "STOR up.bin");
                SSLSocket data = handshake(plain)) {
            // The handshake is over on both sides once the client has sent data the server read.
            OutputStream out = data.getOutputStream();
            out.write(content, 0, 1000);
            out.flush();
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .alias("bytes from the server while the client is still uploading")
                    .until(() -> plain.getInputStream().available(), available -> available == 0);
            out.write(content, 1000, content.length - 1000);
            data.shutdownOutput();
            InputStream in = data.getInputStream();
            assertEquals(-1, in.read(), "the server ends its side with close_notify and no data");
        }
        assertEquals(226, control.getReply(), control.getReplyString());
        assertTrue(java.util.Arrays.equals(content, Files.readAllBytes(server.folder("alice").resolve("up.bin"))),
                "the upload arrived whole");
    }

    @Test
    void anUploadCutOffWithoutItsEndIsStill426() throws Exception {
        start();
        FTPSClient control = login();
        Socket plain = openData(control, "STOR cut.bin");
        SSLSocket data = handshake(plain);
        data.getOutputStream().write(new byte[100_000]);
        data.getOutputStream().flush();
        // No close_notify, and a reset instead of the end of the stream.
        plain.setSoLinger(true, 0);
        plain.close();
        assertEquals(426, control.getReply(), control.getReplyString());
    }

    private void start() throws IOException {
        server = TestServer.startTls(folder, TestServer.tls(folder, Config.Policy.OPTIONAL, Config.Policy.OPTIONAL,
                List.of(), false)).withUser("alice", PASSWORD);
    }

    private FTPSClient login() throws IOException {
        FTPSClient client = new FTPSClient("TLS", false);
        client.setTrustManager(TrustManagerUtils.getAcceptAllTrustManager());
        client.setDefaultTimeout(20_000);
        client.connect(server.address().getAddress(), server.port());
        assertTrue(client.login("alice", PASSWORD), client.getReplyString());
        client.execPBSZ(0);
        client.execPROT("P");
        assertEquals(200, client.sendCommand("TYPE I"), client.getReplyString());
        return client;
    }

    /** Opens a passive data connection and sends the transfer command; the server's 150 is read. */
    private Socket openData(FTPSClient control, String command) throws IOException {
        assertEquals(229, control.sendCommand("EPSV"), control.getReplyString());
        String reply = control.getReplyString();
        int port = Integer.parseInt(reply.substring(reply.indexOf("|||") + 3, reply.lastIndexOf('|')));
        Socket plain = new Socket(server.address().getAddress(), port);
        plain.setSoTimeout(20_000);
        assertEquals(150, control.sendCommand(command), control.getReplyString());
        return plain;
    }

    /** Starts TLS 1.3 as the client over the data connection; nothing is read after the handshake. */
    private static SSLSocket handshake(Socket plain) throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, new TrustManager[] {TrustManagerUtils.getAcceptAllTrustManager()}, null);
        SSLSocket data = (SSLSocket) context.getSocketFactory().createSocket(plain, plain.getInetAddress()
                .getHostAddress(), plain.getPort(), false);
        data.setUseClientMode(true);
        data.startHandshake();
        return data;
    }
}
