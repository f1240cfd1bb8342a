package dev.loomftp.server;

import dev.loomftp.config.Config;
import dev.loomftp.s3.S3Clients;
import dev.loomftp.storage.InvalidPathException;
import dev.loomftp.storage.Permission;
import dev.loomftp.storage.Quota;
import dev.loomftp.storage.QuotaCounters;
import dev.loomftp.storage.Storage;
import dev.loomftp.storage.StorageOpener;
import dev.loomftp.storage.VirtualFileSystem;
import dev.loomftp.storage.VirtualPath;
import dev.loomftp.tls.TlsContext;
import dev.loomftp.users.UserStore;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every session of one server shares: the configuration, the users, and the passive ports.
 *
 * @param config       the validated configuration
 * @param users        where logins are checked
 * @param passivePorts the pool of passive data ports
 * @param tls          the TLS context, when TLS is on
 * @param loginGuard     the failed logins of each client address
 * @param internalErrors sessions ended by a bug rather than by the client or the network
 * @param transferLog    the xferlog and JSON transfer logs, where they are on
 * @param storages       how the folder of a mount is opened
 * @param quotas         what each folder with a quota holds
 * @param metrics        what the server counts for Prometheus
 * @param bandwidth      the bandwidth limits of this configuration
 * @param hooks          the hooks of this configuration
 * @param objectStores   the clients of the mounts on object storage
 */
record ServerContext(Config config, UserStore users, PassivePorts passivePorts, Optional<TlsContext> tls,
        LoginGuard loginGuard, LongAdder internalErrors, TransferLog transferLog, StorageOpener storages,
        QuotaCounters quotas, Metrics metrics, BandwidthBook bandwidth, Hooks hooks, S3Clients objectStores) {

    /** Fires {@code event} for the session's user, from the session's client, with {@code fields} more. */
    void fire(Session session, Hooks.Event event, String... fields) {
        if (!hooks.wants(event)) {
            return;
        }
        java.util.Map<String, String> data = new java.util.LinkedHashMap<>();
        data.put("session", Long.toString(session.id()));
        data.put("user", session.login().userName() == null ? "" : session.login().userName());
        data.put("remote", dev.loomftp.protocol.DataAddress.text(session.remote().getAddress()));
        for (int i = 0; i + 1 < fields.length; i += 2) {
            data.put(fields[i], fields[i + 1]);
        }
        hooks.fire(event, data);
    }

    /** What is different for {@code user}: the store's override when it keeps one, else the configuration's. */
    Config.UserOverride overrideFor(dev.loomftp.users.User user) {
        return user.override() != null ? user.override() : config.users().overrideFor(user.name());
    }

    /**
     * Builds a user's view from the configured mounts, creating their folders if needed.
     *
     * @throws AccessDeniedException when a mount's folder would lie outside the root, as a user
     *                               name such as ".." would make it
     */
    VirtualFileSystem viewFor(dev.loomftp.users.User user) throws IOException {
        String userName = user.name();
        Config.UserOverride override = overrideFor(user);
        Config.Storage storage = config.storage();
        Path root = storage.root().normalize();
        List<VirtualFileSystem.Mount> mounts = new ArrayList<>();
        for (Config.Mount mount : storage.mounts()) {
            Set<Permission> permissions = override.permissions().getOrDefault(mount.path(), mount.permissions());
            Quota quota = override.quotas().getOrDefault(mount.path(), mount.quota());
            String folder;
            Storage opened;
            if (mount.objects() != null) {
                opened = objectStores.open(mount.objects(), userName);
                folder = opened.toString();
            } else {
                Path local = root.resolve(mount.source().replace(Config.Mount.USER_PLACEHOLDER, userName)).normalize();
                if (!local.startsWith(root) || local.equals(root)) {
                    throw new AccessDeniedException(mount.path());
                }
                opened = storages.open(local);
                folder = local.toString();
            }
            mounts.add(new VirtualFileSystem.Mount(virtualPath(mount.path()), opened, permissions, quota,
                    quota.limited() ? quotas.counterOf(folder, opened) : null));
        }
        return new VirtualFileSystem(mounts);
    }

    /** The storage of a mount that every user shares. */
    private Storage openShared(Config.Mount mount) throws IOException {
        return mount.objects() != null ? objectStores.open(mount.objects(), null)
                : storages.open(config.storage().root().normalize().resolve(mount.source()).normalize());
    }

    /**
     * The anonymous view: the shared mounts alone (those without a user's name in their source),
     * read-only, the first of them at "/".
     *
     * @return empty when no mount is shared
     */
    Optional<VirtualFileSystem> anonymousView() throws IOException {
        List<VirtualFileSystem.Mount> mounts = new ArrayList<>();
        for (Config.Mount mount : config.storage().mounts()) {
            if (mount.shared()) {
                VirtualPath at = mounts.isEmpty() ? VirtualPath.ROOT : virtualPath(mount.path());
                mounts.add(new VirtualFileSystem.Mount(at, openShared(mount), Permission.readOnly()));
            }
        }
        return mounts.isEmpty() ? Optional.empty() : Optional.of(new VirtualFileSystem(mounts));
    }

    private static VirtualPath virtualPath(String mountPath) {
        try {
            return VirtualPath.resolve(VirtualPath.ROOT, mountPath);
        } catch (InvalidPathException e) {
            throw new IllegalStateException("the configuration checks mount paths", e);
        }
    }
}
