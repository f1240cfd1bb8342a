package dev.loomftp.cli;

import java.util.concurrent.StructuredTaskScope;

public final class Main {
    public static void main(String[] args) throws Exception {
        try (var scope = StructuredTaskScope.open()) {
            var t = scope.fork(() -> "hello");
            scope.join();
            System.out.println(t.get());
        }
        org.tinylog.Logger.info("logging works");
    }
}
