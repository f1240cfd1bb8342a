package dev.loomftp.cli;

import dev.loomftp.client.FtpClient;
import dev.loomftp.client.RemoteEntry;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The entries of remote folders, for completion: each folder is listed once, when a name in it is
 * first completed, and kept until {@link #forget} (after a command that may change a folder or
 * what a relative name means). Used only on the shell's own thread, between commands.
 */
public final class RemoteFolders {
    private final Supplier<Optional<FtpClient>> connection;
    private final Map<String, List<RemoteEntry>> listed = new HashMap<>();

    /** Folders listed through {@code connection}'s client, while there is one. */
    public RemoteFolders(Supplier<Optional<FtpClient>> connection) {
        this.connection = connection;
    }

    /** The entries of {@code folder} ("" for the current one); none when not connected or when it cannot be listed. */
    public List<RemoteEntry> entries(String folder) {
        Optional<FtpClient> client = connection.get();
        if (client.isEmpty()) {
            return List.of();
        }
        List<RemoteEntry> entries = listed.get(folder);
        if (entries == null) {
            try {
                entries = client.get().listEntries(folder);
            } catch (IOException e) {
                return List.of();
            }
            listed.put(folder, entries);
        }
        return entries;
    }

    /** Drops every listing, so the next completion lists again. */
    public void forget() {
        listed.clear();
    }
}
