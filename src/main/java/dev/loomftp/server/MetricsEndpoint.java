package dev.loomftp.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.loomftp.config.Config;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.tinylog.Logger;

/**
 * The HTTP listener Prometheus scrapes: {@code GET /metrics} answers the text exposition, and
 * anything else 404 (or 405 for another method). The JDK's own HTTP server is enough for one
 * small page a few times a minute; each request runs on a virtual thread, and {@link #close}
 * stops the listener and ends them.
 */
final class MetricsEndpoint implements AutoCloseable {
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer http;
    private final ExecutorService requests;

    private MetricsEndpoint(HttpServer http, ExecutorService requests) {
        this.http = http;
        this.requests = requests;
    }

    /** Listens on {@code listener} and answers with what {@code exposition} makes at each scrape. */
    static MetricsEndpoint start(Config.Listener listener, Supplier<String> exposition) throws IOException {
        InetSocketAddress address = listener.address().equals(Config.Listener.ALL_INTERFACES)
                ? new InetSocketAddress(listener.port())
                : new InetSocketAddress(InetAddress.ofLiteral(listener.address()), listener.port());
        HttpServer http = HttpServer.create(address, 16);
        ExecutorService requests = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("loomftp-metrics-", 0).factory());
        http.setExecutor(requests);
        http.createContext("/", exchange -> answer(exchange, exposition));
        http.start();
        Logger.info("metrics on http://{}/metrics", FtpServer.format(http.getAddress()));
        return new MetricsEndpoint(http, requests);
    }

    /** Where the listener is bound, with the port the system chose for port 0. */
    InetSocketAddress address() {
        return http.getAddress();
    }

    private static void answer(HttpExchange exchange, Supplier<String> exposition) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                exchange.sendResponseHeaders(404, -1);
            } else if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                exchange.sendResponseHeaders(405, -1);
            } else {
                byte[] body = exposition.get().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        http.stop(0);
        requests.close();
    }
}
