package dev.loomftp.s3;

import dev.loomftp.config.Config;
import dev.loomftp.storage.Storage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The S3 clients of a server, one for each endpoint, region, addressing style and credentials
 * profile its mounts name, made at first use and shared by every session: a client holds a pool
 * of connections. Kept across reloads; closed with the server.
 */
public final class S3Clients implements AutoCloseable {
    /** How long a request may take to connect, and to send or receive its next bytes. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);
    /**
     * The connections a client keeps to its endpoint: every running transfer holds one, and an
     * upload one more for each part in flight. A request waits for one up to the socket timeout.
     */
    private static final int MAX_CONNECTIONS = 1024;

    /** What makes two mounts' clients the same. */
    private record Key(URI endpoint, String region, boolean pathStyle, String profile) {}

    private final ConcurrentHashMap<Key, S3Client> clients = new ConcurrentHashMap<>();

    /**
     * The storage of a mount on object storage, for {@code user}: its prefix with the user's name
     * in place of {@value Config.Mount#USER_PLACEHOLDER}.
     *
     * @throws AccessDeniedException when the name would not make a folder of its own, as "." or a
     *                               name with "/" would not
     */
    public Storage open(Config.ObjectStore store, String user) throws IOException {
        String prefix = store.prefix();
        if (prefix.contains(Config.Mount.USER_PLACEHOLDER)) {
            if (user == null || user.isEmpty() || user.equals(".") || user.equals("..") || user.contains("/")) {
                throw new AccessDeniedException(store.prefix());
            }
            prefix = prefix.replace(Config.Mount.USER_PLACEHOLDER, user);
        }
        return new S3Storage(clientFor(store), store.bucket(), prefix,
                new S3Tuning(store.partSize(), store.partsInFlight(), S3Storage.SINGLE_COPY_LIMIT));
    }

    /**
     * Checks that the bucket answers, as a server does before it starts serving a mount on it.
     *
     * @throws IOException naming the bucket and the service's reason, never a credential
     */
    public void check(Config.ObjectStore store) throws IOException {
        try {
            clientFor(store).headBucket(request -> request.bucket(store.bucket()));
        } catch (SdkException e) {
            String bucket = "bucket " + store.bucket() + " at " + where(store.endpoint());
            if (e instanceof S3Exception s3 && s3.statusCode() == 404) {
                throw new IOException("object storage has no " + bucket);
            }
            if (e instanceof S3Exception s3 && s3.statusCode() == 403) {
                throw new IOException("object storage refused access to " + bucket + ": check the credentials");
            }
            throw S3Errors.of(e, bucket);
        }
    }

    /** An endpoint as a log may show it: its scheme, host and port, never a user or password in it. */
    public static String where(URI endpoint) {
        if (endpoint == null) {
            return "AWS";
        }
        return endpoint.getScheme() + "://" + endpoint.getHost() + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort());
    }

    /** The client for a mount's endpoint, region, addressing and profile. */
    S3Client clientFor(Config.ObjectStore store) {
        Key key = new Key(store.endpoint(), store.region(), store.pathStyle(), store.profile());
        return clients.computeIfAbsent(key, S3Clients::build);
    }

    private static S3Client build(Key key) {
        AwsCredentialsProvider credentials = key.profile() == null
                ? DefaultCredentialsProvider.builder().build()
                : ProfileCredentialsProvider.builder().profileName(key.profile()).build();
        var builder = S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT)
                        .maxConnections(MAX_CONNECTIONS)
                        .connectionAcquisitionTimeout(SOCKET_TIMEOUT))
                .region(Region.of(key.region()))
                .forcePathStyle(key.pathStyle())
                .credentialsProvider(credentials)
                // Bodies are signed whole (they are in memory already), not sent in signed
                // chunks, which some engines get wrong for an empty body.
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                // Checksums only where the API requires them: the SDK's newer default sends
                // trailing CRCs that several S3-compatible engines refuse.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (key.endpoint() != null) {
            builder.endpointOverride(key.endpoint());
        }
        return builder.build();
    }

    @Override
    public void close() {
        clients.values().forEach(S3Client::close);
        clients.clear();
    }
}
