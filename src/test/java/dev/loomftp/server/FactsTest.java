package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The facts written by hand must read as the formatters they replaced wrote them. */
class FactsTest {

    @Test
    void timeIsWhatTheFormatterWrites() {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-40_000_000_000L, 300_000_000_000L),
                    random.nextInt(1_000_000_000));
            assertEquals(Facts.TIME.format(instant), Facts.time(instant), instant.toString());
        }
        for (String edge : new String[] {"1970-01-01T00:00:00Z", "0999-12-31T23:59:59Z", "1000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999Z", "+10000-01-01T00:00:00Z", "2024-02-29T12:34:56Z"}) {
            Instant instant = Instant.parse(edge);
            assertEquals(Facts.TIME.format(instant), Facts.time(instant), edge);
        }
    }

    @Test
    void modeIsThreeOctalDigitsAfterAZero() {
        for (int mode = 0; mode <= 07777; mode++) {
            assertEquals(String.format("0%03o", mode), Facts.mode(mode));
        }
    }
}
