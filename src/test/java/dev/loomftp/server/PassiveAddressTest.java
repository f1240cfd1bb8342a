package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.config.Config;
import dev.loomftp.protocol.Cidr;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The address PASV tells a client comes from the first rule whose network holds the client, so
 * that LAN and internet clients of one server each get one that works; then from
 * {@code passive.advertisedAddress}; then the server's own address on the client's connection.
 */
class PassiveAddressTest {
    @TempDir
    Path folder;

    private static Config withPassive(Config config, Config.Passive passive) {
        return new Config(config.listeners(), passive, config.storage(), config.users(), config.limits(),
                config.logins(), config.timeouts(), config.logging(), config.tls(), config.service());
    }

    private static String pasvAddress(TestServer server) throws Exception {
        try (RawClient client = RawClient.greeted(server.address()).login("alice", "alice-password")) {
            RawClient.Reply reply = client.command("PASV");
            assertEquals(227, reply.code(), reply.text());
            String numbers = reply.text().replaceAll(".*\\((.*)\\).*", "$1");
            return String.join(".", List.of(numbers.split(",")).subList(0, 4));
        }
    }

    @Test
    void theFirstNetworkThatHoldsTheClientGivesTheAddress() throws Exception {
        try (TestServer server = TestServer.start(folder).withUser("alice", "alice-password")) {
            Config.Passive base = server.config().passive();
            server.server().reload(withPassive(server.config(), new Config.Passive(base.minPort(), base.maxPort(),
                    "203.0.113.7", List.of(
                            new Config.PassiveAddress(Cidr.parse("10.0.0.0/8"), "10.0.0.5"),
                            new Config.PassiveAddress(Cidr.parse("127.0.0.0/8"), "127.0.0.44"),
                            new Config.PassiveAddress(Cidr.parse("0.0.0.0/0"), "198.51.100.1")))),
                    server.users());
            assertEquals("127.0.0.44", pasvAddress(server));

            server.server().reload(withPassive(server.config(), new Config.Passive(base.minPort(), base.maxPort(),
                    "203.0.113.7", List.of(new Config.PassiveAddress(Cidr.parse("10.0.0.0/8"), "10.0.0.5")))),
                    server.users());
            assertEquals("203.0.113.7", pasvAddress(server), "no network holds the client: the NAT address");

            server.server().reload(withPassive(server.config(), new Config.Passive(base.minPort(), base.maxPort(),
                    null, List.of())), server.users());
            assertEquals("127.0.0.1", pasvAddress(server), "nothing configured: the server's own address");
        }
    }

    /** A host name is looked up at each PASV; a client that follows the reply transfers through it. */
    @Test
    void aHostNameIsLookedUpAndTheClientTransfersThroughIt() throws Exception {
        try (TestServer server = TestServer.start(folder).withUser("alice", "alice-password")) {
            Config.Passive base = server.config().passive();
            server.server().reload(withPassive(server.config(), new Config.Passive(base.minPort(), base.maxPort(),
                    "203.0.113.7", List.of(new Config.PassiveAddress(Cidr.parse("127.0.0.0/8"), "localhost")))),
                    server.users());
            byte[] content = TransferTest.randomBytes(500_000, 3);
            Files.write(server.folder("alice").resolve("a.bin"), content);
            FTPClient client = new FTPClient();
            client.connect(server.address().getAddress(), server.port());
            assertTrue(client.login("alice", "alice-password"));
            client.setFileType(FTP.BINARY_FILE_TYPE);
            client.enterLocalPassiveMode();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            assertTrue(client.retrieveFile("a.bin", received), client.getReplyString());
            assertArrayEquals(content, received.toByteArray());
            assertEquals("127.0.0.1", client.getPassiveHost());
            client.disconnect();
        }
    }
}
