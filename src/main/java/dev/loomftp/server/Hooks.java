package dev.loomftp.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.loomftp.config.Config;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tinylog.Logger;

/**
 * Runs the configured hooks when something happens (an upload completes, a login fails, ...):
 * a command, with the event's fields in environment variables and never through a shell, or a
 * JSON POST to a URL. A hook runs on a thread of its own, under its timeout, with retries for a
 * URL; at most {@code hooks.concurrency} run at once and {@code hooks.queue} more wait, and past
 * that an event is dropped and logged. So a failing, slow or hanging hook never holds up a
 * session: {@link #fire} returns at once.
 */
final class Hooks implements AutoCloseable {
    /** What can happen, as hooks name it. */
    enum Event {
        UPLOAD, DOWNLOAD, LOGIN, LOGIN_FAILED, DELETE, RENAME, MKDIR;

        /** The name in the configuration and in the hook's data: "upload", "login-failed". */
        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private static final JsonFactory JSON = new JsonFactory();
    /** How long the first retry of a URL waits; each further one waits twice as long. */
    private static final Duration RETRY_WAIT = Duration.ofMillis(500);

    private final List<Config.Hook> hooks;
    /** Room for the hooks that run and those that wait; an event finds none when the queue is full. */
    private final Semaphore slots;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("loomftp-hook-", 0).factory());
    private final HttpClient http;
    private final AtomicBoolean droppingLogged = new AtomicBoolean();
    /** The hooks that may run at once; {@link #slots} also counts those that wait. */
    private final Semaphore running;

    Hooks(Config.Hooks settings) {
        this.hooks = settings.hooks();
        this.slots = new Semaphore(settings.concurrency() + settings.queue());
        this.running = new Semaphore(settings.concurrency());
        this.http = hooks.stream().anyMatch(hook -> hook.url() != null)
                ? HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).executor(threads).build() : null;
    }

    /** Whether any hook listens for {@code event}: when none does, the caller need not describe it. */
    boolean wants(Event event) {
        for (Config.Hook hook : hooks) {
            if (hook.events().contains(event.label())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts every hook that listens for {@code event}, with {@code fields} (user, path, remote,
     * bytes, ...), and returns at once.
     */
    void fire(Event event, Map<String, String> fields) {
        for (Config.Hook hook : hooks) {
            if (!hook.events().contains(event.label())) {
                continue;
            }
            if (!slots.tryAcquire()) {
                if (droppingLogged.compareAndSet(false, true)) {
                    Logger.warn("hooks: too many waiting; {} events are dropped until some have run", event.label());
                }
                continue;
            }
            droppingLogged.set(false);
            Map<String, String> data = new LinkedHashMap<>();
            data.put("event", event.label());
            data.put("time", Instant.now().toString());
            data.putAll(fields);
            threads.submit(() -> {
                try {
                    running.acquire();
                    try {
                        run(hook, data);
                    } finally {
                        running.release();
                    }
                } catch (InterruptedException e) {
                    Logger.debug("hooks: the server stopped before the {} hook ran", event.label());
                } finally {
                    slots.release();
                }
            });
        }
    }

    private void run(Config.Hook hook, Map<String, String> data) throws InterruptedException {
        if (hook.command() != null) {
            runCommand(hook, data);
        } else {
            post(hook, data);
        }
    }

    /** Runs the command with the fields as LOOMFTP_ variables, its output thrown away, killed at the timeout. */
    private static void runCommand(Config.Hook hook, Map<String, String> data) throws InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(hook.command())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        for (Map.Entry<String, String> field : data.entrySet()) {
            builder.environment().put("LOOMFTP_" + field.getKey().toUpperCase(Locale.ROOT), field.getValue());
        }
        String name = hook.command().getFirst();
        try {
            Process process = builder.start();
            if (!process.waitFor(hook.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                Logger.warn("hook {} for {} took more than {} and was killed", name, data.get("event"),
                        Session.seconds(hook.timeout()));
            } else if (process.exitValue() != 0) {
                Logger.warn("hook {} for {} failed with exit code {}", name, data.get("event"), process.exitValue());
            }
        } catch (IOException e) {
            Logger.warn("hook {} for {} cannot run: {}", name, data.get("event"), FileErrors.reason(e));
        }
    }

    /** POSTs the fields as a JSON object; a failure or a status outside 2xx is tried again, up to the retries. */
    private void post(Config.Hook hook, Map<String, String> data) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(hook.url())
                .timeout(hook.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json(data)))
                .build();
        Duration wait = RETRY_WAIT;
        for (int attempt = 0; ; attempt++) {
            String failure;
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    return;
                }
                failure = "status " + response.statusCode();
            } catch (IOException e) {
                failure = FileErrors.reason(e);
            }
            if (attempt >= hook.retries()) {
                Logger.warn("hook {} for {} failed after {} tries: {}", hook.url(), data.get("event"), attempt + 1,
                        failure);
                return;
            }
            Thread.sleep(wait);
            wait = wait.multipliedBy(2);
        }
    }

    static byte[] json(Map<String, String> data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator out = JSON.createGenerator(bytes)) {
            out.writeStartObject();
            for (Map.Entry<String, String> field : data.entrySet()) {
                if (field.getKey().equals("bytes") || field.getKey().equals("session")) {
                    out.writeNumberField(field.getKey(), Long.parseLong(field.getValue()));
                } else {
                    out.writeStringField(field.getKey(), field.getValue());
                }
            }
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** Lets the hooks that run or wait finish (each within its timeout), then ends. */
    void finish() {
        threads.close();
    }

    /** Stops taking events and ends the hooks still running or waiting. */
    @Override
    public void close() {
        threads.shutdownNow();
        threads.close();
    }
}
