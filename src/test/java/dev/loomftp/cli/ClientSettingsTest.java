package dev.loomftp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Rates as curl's --limit-rate writes them. */
class ClientSettingsTest {
    @ParameterizedTest
    @CsvSource({"1000, 1000", "500K, 512000", "2m, 2097152", "1G, 1073741824"})
    void ratesWithUnits(String text, long bytes) throws UsageException {
        assertEquals(bytes, ClientSettings.rate(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "-5K", "fast", "K", "99999999999G"})
    void badRatesAreUsageErrors(String text) {
        UsageException error = assertThrows(UsageException.class, () -> ClientSettings.rate(text));
        assertEquals("--limit-rate takes bytes a second, such as 500K or 2M, not '" + text + "'", error.getMessage());
    }
}
