package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ABOR as real clients send it during a transfer, with part of it as TCP urgent data: Python's
 * ftplib sends {@code ABOR\r\n} with MSG_OOB, so its last byte is urgent; lftp and the BSD ftp
 * client follow RFC 959 section 4.1.3, Telnet IP then Synch, with the second IAC urgent.
 */
@ExtendWith(StopServers.class)
class UrgentAbortInteropTest {
    private static final String PASSWORD = "alice-password";
    private static final int IAC = 255;
    private static final int IP = 244;
    private static final int DM = 242;

    @TempDir
    Path folder;

    private TestServer server;

    /** How a client sends ABOR: bytes sent normally, one urgent byte, then the rest. */
    enum Style {
        PYTHON_FTPLIB("ABOR\r".getBytes(StandardCharsets.US_ASCII), '\n', new byte[0]),
        TELNET_SYNCH(new byte[] {(byte) IAC, (byte) IP}, IAC, "\u00f2ABOR\r\n".getBytes(StandardCharsets.ISO_8859_1));

        final byte[] before;
        final int urgent;
        final byte[] after;

        Style(byte[] before, int urgent, byte[] after) {
            this.before = before;
            this.urgent = urgent;
            this.after = after;
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(folder).withUser("alice", PASSWORD);
        try (RandomAccessFile big = new RandomAccessFile(server.folder("alice").resolve("big.bin").toFile(), "rw")) {
            big.setLength(512L * 1024 * 1024); // sparse; far more than the socket buffers hold
        }
    }


    @ParameterizedTest
    @EnumSource(Style.class)
    void abortWithUrgentDataStopsTheTransfer(Style style) throws IOException {
        try (RawClient client = RawClient.greeted(server.address()).login("alice", PASSWORD);
                Socket data = DataSocket.open(client)) {
            assertEquals(200, client.command("TYPE I").code());
            assertEquals(150, client.command("RETR big.bin").code());
            InputStream in = data.getInputStream();
            assertEquals(1024 * 1024, in.readNBytes(1024 * 1024).length, "the download runs");

            client.write(style.before);
            client.sendUrgent(style.urgent);
            client.write(style.after);

            RawClient.Reply transfer = client.reply();
            RawClient.Reply abort = client.reply();
            assertEquals(List.of(426, 226), List.of(transfer.code(), abort.code()), transfer + "\n" + abort);
            assertEquals(200, client.command("NOOP").code(), "the session goes on");
            assertTrue(client.command("PWD").text().contains("\"/\""));
        }
    }
}
