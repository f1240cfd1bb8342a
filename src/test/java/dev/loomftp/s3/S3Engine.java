package dev.loomftp.s3;

import dev.loomftp.config.Config;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3 engine for the tests: Ceph's RADOS Gateway from the distribution, on a one-monitor,
 * one-OSD cluster in a temporary folder (src/test/resources/rgw/ceph-rgw.sh), started once per
 * test run on loopback and stopped by its pids when the run ends. Its credentials reach the
 * servers under test as the AWS SDK's system properties, the first place its default chain
 * looks, so the servers take them as an operator's would come: never from the configuration.
 */
public final class S3Engine {
    public static final String ACCESS_KEY = "LOOMFTPTESTACCESSKEY";
    public static final String SECRET_KEY = "loomftp-test-secret-key-0123456789abcdef";
    private static final Path SCRIPT = Path.of("src/test/resources/rgw/ceph-rgw.sh").toAbsolutePath();
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static S3Engine shared;

    private final Path folder;
    private final URI endpoint;
    private final S3Client client;

    private S3Engine(Path folder, URI endpoint) {
        this.folder = folder;
        this.endpoint = endpoint;
        this.client = S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder())
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /** The engine of this test run, started at the first call. */
    public static synchronized S3Engine shared() throws IOException, InterruptedException {
        if (shared == null) {
            Path folder = Files.createTempDirectory("loomftp-rgw");
            int port = freePort();
            run(List.of("bash", SCRIPT.toString(), "start", folder.toString(), Integer.toString(port), ACCESS_KEY,
                    SECRET_KEY, Integer.toString(freePort())));
            System.setProperty("aws.accessKeyId", ACCESS_KEY);
            System.setProperty("aws.secretAccessKey", SECRET_KEY);
            shared = new S3Engine(folder, URI.create("http://127.0.0.1:" + port));
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        }
        return shared;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("the S3 engine did not start: " + new String(output, StandardCharsets.UTF_8));
        }
    }

    /** Stops the daemons by their pids, then deletes the folder, whose files are all the engine's own. */
    private void stop() {
        try {
            client.close();
            run(List.of("bash", SCRIPT.toString(), "stop", folder.toString()));
            run(List.of("rm", "-rf", "--one-file-system", "--", folder.toString()));
        } catch (IOException | InterruptedException e) {
            System.err.println("the S3 engine in " + folder + " did not stop cleanly: " + e.getMessage());
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A client with the engine's credentials, for a test to set up and check what the server did. */
    public S3Client client() {
        return client;
    }

    /** A new, empty bucket of its own for a test. */
    public String newBucket() {
        String bucket = "loomftp-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
        client.createBucket(request -> request.bucket(bucket));
        return bucket;
    }

    /** How a mount's configuration names {@code prefix} of {@code bucket} on this engine, with small parts. */
    public Config.ObjectStore store(String bucket, String prefix) {
        return new Config.ObjectStore(bucket, prefix, endpoint, Config.ObjectStore.DEFAULT_REGION, true, null,
                S3Tuning.MIN_PART_SIZE, 2);
    }

    /** Every key in the bucket, in order. */
    public List<String> keys(String bucket) {
        return client.listObjectsV2Paginator(request -> request.bucket(bucket)).contents().stream()
                .map(S3Object::key).toList();
    }

    /** How many multipart uploads of the bucket are unfinished. */
    public int unfinishedUploads(String bucket) {
        return client.listMultipartUploads(request -> request.bucket(bucket)).uploads().size();
    }
}
