package dev.loomftp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The live threads of this JVM, for the tests that check that none outlives its work. */
public final class LiveThreads {
    private LiveThreads() {}

    /**
     * The names of the live threads whose names start with {@code prefix}, virtual ones
     * included: the JDK's JSON thread dump lists every thread of every thread container, which
     * {@link Thread#getAllStackTraces} does not.
     */
    public static List<String> named(String prefix) {
        try {
            Path dump = Files.createTempFile("loomftp-threads-", ".json");
            Files.delete(dump);
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                JsonNode containers = new ObjectMapper().readTree(dump.toFile()).path("threadDump").path("threadContainers");
                List<String> names = new ArrayList<>();
                for (JsonNode container : containers) {
                    for (JsonNode thread : container.path("threads")) {
                        String name = thread.path("name").asText();
                        if (name.startsWith(prefix)) {
                            names.add(name);
                        }
                    }
                }
                return names;
            } finally {
                Files.deleteIfExists(dump);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
