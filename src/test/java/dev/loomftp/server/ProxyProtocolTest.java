package dev.loomftp.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import dev.loomftp.protocol.Cidr;
import dev.loomftp.protocol.ProxyHeader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PROXY protocol (versions 1 and 2) on a listener: the client address a trusted proxy names
 * is the one the session uses for its limits, bans, logs and data connections; a broken header
 * is dropped; a header from anywhere else is just a bad command. And HAProxy itself in front,
 * where it is installed.
 */
class ProxyProtocolTest {
    private static final String PASSWORD = "alice-password";
    private static final InetSocketAddress CLIENT = new InetSocketAddress("203.0.113.9", 51234);

    @TempDir
    Path folder;

    private TestServer start(String trusted, Config.Logins logins) throws IOException {
        return TestServer.start(folder, TestServer.Options.defaults(folder).withLogins(logins)
                .withProxyFrom(List.of(Cidr.parse(trusted)))).withUser("alice", PASSWORD);
    }

    private TestServer start(String trusted) throws IOException {
        return start(trusted, TestServer.Options.defaults(folder).logins());
    }

    /** Connects as a proxy does: the header first, then the client's bytes. */
    private static RawClient proxied(TestServer server, byte[] header) throws IOException {
        RawClient client = new RawClient(server.address());
        client.write(header);
        return client;
    }

    private static byte[] v2(InetSocketAddress source, InetSocketAddress destination) {
        ByteBuffer header = ByteBuffer.allocate(16 + 12);
        header.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        header.put((byte) 0x21).put((byte) 0x11).putShort((short) 12);
        header.put(source.getAddress().getAddress()).put(destination.getAddress().getAddress());
        header.putShort((short) source.getPort()).putShort((short) destination.getPort());
        return header.array();
    }

    @Test
    void theClientAVersion1HeaderNamesIsTheSessionsClient() throws Exception {
        try (TestServer server = start("127.0.0.0/8");
                RawClient client = proxied(server, ProxyHeader.v1(CLIENT, server.address()))) {
            assertEquals(220, client.reply().code());
            client.login("alice", PASSWORD);
            assertTrue(client.command("STAT").text().contains("Connected from 203.0.113.9"));
            Files.write(server.folder("alice").resolve("a.bin"), new byte[70_000]);
            assertEquals(70_000, DataSocket.retrieve(client, "a.bin").length,
                    "the data connection comes from the proxy's address, and is taken");
        }
    }

    @Test
    void aVersion2HeaderWorksToo() throws Exception {
        try (TestServer server = start("127.0.0.1/32");
                RawClient client = proxied(server, v2(CLIENT, server.address()))) {
            assertEquals(220, client.reply().code());
            client.login("alice", PASSWORD);
            assertTrue(client.command("STAT").text().contains("Connected from 203.0.113.9"));
        }
    }

    @Test
    void bansFallOnTheClientBehindTheProxyNotOnTheProxy() throws Exception {
        Config.Logins strict = new Config.Logins(Duration.ofMillis(1), Duration.ofMillis(2), 2, Duration.ofMinutes(5));
        try (TestServer server = start("127.0.0.0/8", strict)) {
            try (RawClient guesser = proxied(server, ProxyHeader.v1(CLIENT, server.address()))) {
                assertEquals(220, guesser.reply().code());
                guesser.command("USER alice");
                assertEquals(530, guesser.command("PASS wrong-1").code());
                guesser.command("USER alice");
                assertEquals(421, guesser.command("PASS wrong-2").code());
            }
            try (RawClient again = proxied(server, ProxyHeader.v1(CLIENT, server.address()))) {
                assertEquals(421, again.replyWithin(RawClient.PROMPTLY).code(), "the client is banned");
            }
            InetSocketAddress other = new InetSocketAddress("198.51.100.1", 40000);
            try (RawClient neighbour = proxied(server, ProxyHeader.v1(other, server.address()))) {
                assertEquals(220, neighbour.reply().code(), "another client of the same proxy is not");
                neighbour.login("alice", PASSWORD);
            }
        }
    }

    @Test
    void aBrokenHeaderIsDroppedAndTheServerGoesOn() throws Exception {
        try (TestServer server = start("127.0.0.0/8")) {
            for (String broken : List.of("PROXY TCP4 1.2.3 4.5.6.7 1 2\r\n", "PROXY TCP9 x\r\n", "GET / HTTP/1.0\r\n\r\n",
                    "PROXY TCP4 203.0.113.9 127.0.0.1 99999 21\r\n")) {
                try (RawClient client = proxied(server, broken.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
                    assertTrue(client.closedByServer(), broken);
                }
            }
            try (RawClient health = proxied(server, "PROXY UNKNOWN\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
                assertEquals(220, health.reply().code(), "a health check is served as the proxy itself");
                health.login("alice", PASSWORD);
                assertTrue(health.command("STAT").text().contains("Connected from 127.0.0.1"));
            }
            assertEquals(0, server.server().internalErrors());
        }
    }

    @Test
    void aHeaderFromAnUntrustedAddressIsOnlyABadCommand() throws Exception {
        try (TestServer server = start("10.0.0.0/8");
                RawClient client = new RawClient(server.address())) {
            assertEquals(220, client.reply().code(), "served directly: no header expected from here");
            assertEquals(500, client.command("PROXY TCP4 203.0.113.9 127.0.0.1 51234 21").code());
            client.login("alice", PASSWORD);
            assertTrue(client.command("STAT").text().contains("Connected from 127.0.0.1"), "no spoofing");
        }
    }

    /**
     * With {@code passive.proxyProtocol}, a data connection that comes through the proxy must start
     * with a header naming the client of its control connection: one naming another client of
     * the same proxy, or none at all, is dropped, and the transfer waits for the right one.
     */
    @Test
    void withPassiveProxyProtocolADataConnectionThroughTheProxyMustNameItsClient() throws Exception {
        try (TestServer server = start("127.0.0.0/8")) {
            requireDataHeaders(server);
            byte[] content = TransferTest.randomBytes(300_000, 9);
            Files.write(server.folder("alice").resolve("a.bin"), content);
            try (RawClient client = proxied(server, ProxyHeader.v1(CLIENT, server.address()))) {
                assertEquals(220, client.reply().code());
                client.login("alice", PASSWORD);
                InetSocketAddress data = binaryPassive(client, server);
                try (java.net.Socket thief = new java.net.Socket();
                        java.net.Socket headless = new java.net.Socket();
                        java.net.Socket right = new java.net.Socket()) {
                    thief.connect(data, 5000);
                    thief.getOutputStream().write(ProxyHeader.v1(new InetSocketAddress("198.51.100.1", 40000), data));
                    assertEquals(150, client.command("RETR a.bin").code());
                    assertDropped(thief, "another client of the proxy");
                    headless.connect(data, 5000);
                    headless.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    assertDropped(headless, "a connection without a header");
                    right.connect(data, 5000);
                    right.getOutputStream().write(ProxyHeader.v1(CLIENT, data));
                    right.setSoTimeout(10_000);
                    assertArrayEquals(content, right.getInputStream().readAllBytes());
                    assertEquals(226, client.reply().code());
                }
            }
            assertEquals(0, server.server().internalErrors());
        }
    }

    /**
     * A client on the proxy's own host has the proxy's address: its data connections through the
     * proxy still start with a header, which is read, not stored as the start of the file.
     */
    @Test
    void aClientWithTheProxysAddressStillHasItsDataHeaderRead() throws Exception {
        try (TestServer server = start("127.0.0.0/8")) {
            requireDataHeaders(server);
            InetSocketAddress local = new InetSocketAddress("127.0.0.1", 40001);
            try (RawClient client = proxied(server, ProxyHeader.v1(local, server.address()))) {
                assertEquals(220, client.reply().code());
                client.login("alice", PASSWORD);
                InetSocketAddress data = binaryPassive(client, server);
                byte[] content = TransferTest.randomBytes(200_000, 11);
                try (java.net.Socket upload = new java.net.Socket()) {
                    upload.connect(data, 5000);
                    upload.getOutputStream().write(ProxyHeader.v1(local, data));
                    assertEquals(150, client.command("STOR up.bin").code());
                    upload.getOutputStream().write(content);
                }
                assertEquals(226, client.reply().code());
                assertArrayEquals(content, Files.readAllBytes(server.folder("alice").resolve("up.bin")),
                        "the file, without the header");
            }
        }
    }

    /** Puts {@code passive.proxyProtocol} on: data connections through the proxy must name their client. */
    private static void requireDataHeaders(TestServer server) throws IOException {
        Config config = server.config();
        Config.Passive base = config.passive();
        server.server().reload(new Config(config.listeners(), new Config.Passive(base.minPort(), base.maxPort(),
                null, List.of(), true), config.storage(), config.users(), config.limits(), config.logins(),
                config.timeouts(), config.logging(), config.tls(), config.service(), config.metrics(),
                config.hooks()), server.users());
    }

    /** TYPE I, then EPSV: where the data connection is to go. */
    private static InetSocketAddress binaryPassive(RawClient client, TestServer server) throws IOException {
        assertEquals(200, client.command("TYPE I").code());
        RawClient.Reply epsv = client.command("EPSV");
        int port = Integer.parseInt(epsv.text().replaceAll(".*\\(\\|\\|\\|(\\d+)\\|\\).*", "$1"));
        return new InetSocketAddress(server.address().getAddress(), port);
    }

    /** The server closed {@code socket} without a byte: an end of stream, or a reset when bytes it sent were left unread. */
    private static void assertDropped(java.net.Socket socket, String what) throws IOException {
        socket.setSoTimeout(10_000);
        try {
            assertEquals(-1, socket.getInputStream().read(), what + " is dropped");
        } catch (java.net.SocketException reset) {
            // Dropped too: the server closed it with the bytes it had not read.
        }
    }

    /** Draining closes a listener behind a proxy, so the proxy's check fails and it sends new sessions elsewhere. */
    @Test
    void drainingClosesAListenerThatAProxyFeeds() throws Exception {
        try (TestServer server = start("127.0.0.0/8")) {
            InetSocketAddress address = server.address();
            server.server().beginDrain();
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                try (java.net.Socket probe = new java.net.Socket()) {
                    probe.connect(address, 1000);
                    return false;
                } catch (java.net.ConnectException refused) {
                    return true;
                }
            });
        }
    }

    /** HAProxy in TCP mode with send-proxy-v2 in front, and curl through it as users run it. */
    @Test
    void curlThroughHaproxy() throws Exception {
        ExternalClient.require("haproxy", folder);
        ExternalClient curl = ExternalClient.require("curl", folder);
        try (TestServer server = start("127.0.0.0/8")) {
            int front;
            try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                front = free.getLocalPort();
            }
            Path config = Files.writeString(folder.resolve("haproxy.cfg"), String.join("\n",
                    "defaults", "  mode tcp", "  timeout connect 5s", "  timeout client 60s", "  timeout server 60s",
                    "frontend ftp", "  bind 127.0.0.1:" + front, "  default_backend loomftp",
                    "backend loomftp", "  server one 127.0.0.1:" + server.port() + " send-proxy-v2", ""));
            Process haproxy = new ProcessBuilder("haproxy", "-f", config.toString(), "-db").redirectErrorStream(true)
                    .redirectOutput(folder.resolve("haproxy.log").toFile()).start();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    try (java.net.Socket probe = new java.net.Socket("127.0.0.1", front)) {
                        return true;
                    } catch (IOException notYet) {
                        return false;
                    }
                });
                byte[] content = TransferTest.randomBytes(2_000_000, 5);
                Files.write(server.folder("alice").resolve("big.bin"), content);
                Path downloaded = folder.resolve("downloaded.bin");
                curl.run("-sS", "-u", "alice:" + PASSWORD, "-o", downloaded.toString(),
                        "ftp://127.0.0.1:" + front + "/big.bin").assertSuccess();
                assertArrayEquals(content, Files.readAllBytes(downloaded));
            } finally {
                haproxy.destroy();
                assertTrue(haproxy.waitFor(10, TimeUnit.SECONDS));
            }
        }
    }
}
