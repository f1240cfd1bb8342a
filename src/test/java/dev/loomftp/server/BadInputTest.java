package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a client should never send. Each input gets a defined reply, nothing is written where it
 * should not be, and after each one the session (or, where it is closed, the next client) is
 * served as usual.
 */
@ExtendWith(StopServers.class)
class BadInputTest {
    private static final byte IAC = (byte) 0xFF;
    private static final byte SB = (byte) 0xFA;

    @TempDir
    Path folder;

    private TestServer server;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(folder).withUser("alice", "alice-password");
    }

    @AfterEach
    void stop() throws IOException {
        try (RawClient next = RawClient.greeted(server.address()).login("alice", "alice-password")) {
            assertEquals(257, next.command("PWD").code(), "a new client is served after the bad input");
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = " => ", value = {
        "PORT 1,2,3 => 501", "PORT 127,0,0,1,300,1 => 501", "PORT 127,0,0,1,0,0 => 501", "PORT a,b,c,d,e,f => 501",
        "PORT 127,0,0,2,40,1 => 501", "PORT 127,0,0,1,0,80 => 501", "PORT 10,0,0,1,40,1 => 501",
        "EPRT |3|127.0.0.1|5000| => 522", "EPRT garbage => 501", "EPRT |1|127.0.0.1|0| => 501",
        "EPRT |2|::1|5000| => 501", "EPRT |1|127.0.0.1|80| => 501", "EPSV 3 => 522",
        "TYPE X => 501", "TYPE E => 504", "TYPE L 7 => 504", "MODE B => 504", "MODE Q => 501",
        "STRU R => 504", "STRU X => 501",
        "OPTS FOO BAR => 501", "CWD /no/such/folder => 550", "SIZE / => 550"})
    void badArgumentsGetTheirReplyAndTheSessionGoesOn(String line, int code) throws IOException {
        try (RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password")) {
            RawClient.Reply reply = client.command(line);
            assertEquals(code, reply.code(), reply.text());
            assertEquals(200, client.command("NOOP").code());
        }
    }

    @Test
    void anUnknownCommandIsQuotedWithoutControlCharactersAndCutShort() throws IOException {
        try (RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password")) {
            RawClient.Reply bell = client.command("XB\u0007EL");
            assertEquals(500, bell.code());
            assertTrue(bell.text().contains("'XB?EL'"), bell.text());

            String verb = "X".repeat(100);
            RawClient.Reply longVerb = client.command(verb);
            assertEquals(500, longVerb.code());
            assertTrue(longVerb.text().contains("'" + "X".repeat(64) + "...'"), longVerb.text());

            RawClient.Reply plain = client.command("XFOO");
            assertTrue(plain.text().contains("'XFOO'"), plain.text());
        }
    }

    @Test
    void anOverLongLineGets500AndRepeatedOnesCloseTheConnection() throws IOException {
        try (RawClient client = RawClient.greeted(server.address())) {
            String longLine = "NOOP " + "x".repeat(5_000);
            assertEquals(500, client.command(longLine).code());
            assertEquals(200, client.command("NOOP").code(), "one over-long line is forgiven");
            assertEquals(500, client.command(longLine).code());
            assertEquals(500, client.command(longLine).code());
            assertEquals(421, client.command(longLine).code());
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void tenMegabytesWithoutALineEndAreSkippedNotStored() throws IOException {
        try (RawClient client = RawClient.greeted(server.address())) {
            byte[] chunk = "A".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
            client.write("NOOP ".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 160; i++) {
                client.write(chunk);
            }
            client.send("\r\n");
            assertEquals(500, client.reply().code());
            assertEquals(200, client.command("NOOP").code());
        }
    }

    @Test
    void invalidUtf8Gets500() throws IOException {
        try (RawClient client = RawClient.greeted(server.address())) {
            client.write(new byte[] {'C', 'W', 'D', ' ', (byte) 0xC3, (byte) 0x28, (byte) 0xFE, '\r', '\n'});
            assertEquals(500, client.reply().code());
            assertEquals(200, client.command("NOOP").code());
        }
    }

    @Test
    void binaryGarbageGets500PerLine() throws IOException {
        Random random = new Random(7);
        try (RawClient client = RawClient.greeted(server.address())) {
            for (int line = 0; line < 20; line++) {
                byte[] garbage = new byte[200];
                random.nextBytes(garbage);
                for (int i = 0; i < garbage.length; i++) {
                    if (garbage[i] == '\r' || garbage[i] == '\n' || garbage[i] == (byte) 0xFF) {
                        garbage[i] = 0;
                    }
                }
                client.write(garbage);
                client.send("\r\n");
                assertEquals(500, client.reply().code());
            }
            assertEquals(200, client.command("NOOP").code());
        }
    }

    @Test
    void telnetControlSequencesAreIgnored() throws IOException {
        try (RawClient client = RawClient.greeted(server.address())) {
            byte iac = (byte) 0xFF;
            client.write(new byte[] {iac, (byte) 0xF4, iac, (byte) 0xF2, 'N', 'O', 'O', 'P', '\r', '\n'});
            assertEquals(200, client.reply().code(), "IAC IP and IAC DM before the verb are dropped");
        }
    }

    @Test
    void aTelnetSubnegotiationCutOffByTheLineEndGets500AtOnce() throws IOException {
        try (RawClient client = RawClient.greeted(server.address())) {
            // IAC SB TERMINAL-TYPE IS "xterm", and no IAC SE: the client then waits for a reply.
            client.write(new byte[] {IAC, SB, 24, 0, 'x', 't', 'e', 'r', 'm', '\r', '\n'});
            RawClient.Reply reply = client.replyWithin(RawClient.PROMPTLY);
            assertEquals(500, reply.code());
            assertTrue(reply.text().contains("IAC SE"), reply.text());
            assertEquals(200, client.command("NOOP").code());
        }
    }

    @Test
    void anEndlessTelnetSubnegotiationGets500AtItsBound() throws IOException {
        try (RawClient client = RawClient.greeted(server.address())) {
            client.write(new byte[] {'N', 'O', IAC, SB});
            client.write("A".repeat(100 * 1024).getBytes(StandardCharsets.US_ASCII));
            assertEquals(500, client.replyWithin(RawClient.PROMPTLY).code(), "answered without waiting for a line end");
            client.send("OP\r\nNOOP\r\n");
            assertEquals(200, client.replyWithin(RawClient.PROMPTLY).code(), "the rest of the broken line is skipped");
        }
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws IOException {
        try (RawClient client = RawClient.greeted(server.address())) {
            client.send("USER alice\r\nPASS alice-password\r\nPWD\r\nSYST\r\nNOOP\r\n");
            List<Integer> codes = List.of(client.reply().code(), client.reply().code(), client.reply().code(),
                    client.reply().code(), client.reply().code());
            assertEquals(List.of(331, 230, 257, 215, 200), codes);
        }
    }

    @Test
    void pathsWithNulAreRefused() throws IOException {
        try (RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password")) {
            assertEquals(553, client.command("CWD a\0b").code());
            assertEquals(550, client.command("SIZE a\0b").code());
            assertEquals(200, client.command("EPSV ALL").code());
            assertEquals(503, client.command("PASV").code(), "only EPSV after EPSV ALL");
            assertEquals(503, client.command("PORT 127,0,0,1,40,1").code());
        }
        try (var entries = Files.list(server.folder("alice"))) {
            assertEquals(0, entries.count(), "nothing was created");
        }
    }
}
