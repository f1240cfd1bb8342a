package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Anonymous logins: off by default; when on, read-only and limited to the shared folder. */
@ExtendWith(StopServers.class)
class AnonymousTest {
    @TempDir
    Path folder;

    private TestServer server;


    @Test
    void anonymousLoginsAreRefusedByDefault() throws IOException {
        server = TestServer.start(folder);
        try (RawClient client = RawClient.greeted(server.address())) {
            assertEquals(331, client.command("USER anonymous").code(), "no hint that anonymous is off");
            assertEquals(530, client.command("PASS guest@example.com").code());
        }
    }

    @Test
    void anAnonymousUserReadsPublicAndChangesNothing() throws IOException {
        server = TestServer.start(folder, TestServer.Options.defaults(folder).withAnonymous())
                .withUser("alice", "alice-password");
        Files.write(server.folder("Public").resolve("readme.txt"), new byte[] {1, 2, 3});
        Files.write(server.folder("alice").resolve("private.txt"), new byte[] {9});
        FTPClient client = server.connect();
        assertTrue(client.login("anonymous", "guest@example.com"), client.getReplyString());
        client.enterLocalPassiveMode();
        assertEquals(List.of("readme.txt"), TransferTest.names(client.listFiles("/")));
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        assertTrue(client.retrieveFile("readme.txt", read));
        assertArrayEquals(new byte[] {1, 2, 3}, read.toByteArray());

        assertFalse(client.storeFile("upload.txt", new ByteArrayInputStream(new byte[] {4})));
        assertEquals(550, client.getReplyCode());
        assertFalse(client.makeDirectory("new"));
        assertFalse(client.deleteFile("readme.txt"));
        assertFalse(client.rename("readme.txt", "renamed.txt"));
        assertFalse(client.retrieveFile("../alice/private.txt", new ByteArrayOutputStream()));
        assertEquals(List.of("readme.txt"), TransferTest.names(client.listFiles("/")), "nothing changed");
        assertTrue(Files.exists(server.folder("Public").resolve("readme.txt")));
    }
}
