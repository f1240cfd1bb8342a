package dev.loomftp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The progress bar on a terminal, its absence elsewhere, and sizes as people read them. */
class ClientOutputTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Io io = new Io(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), null, java.util.Map.of(), null);

    @Test
    void aTerminalShowsBytesPercentRateAndEta() {
        ClientOutput.ProgressBar bar = new ClientOutput(io, ClientOutput.Style.TEXT, true).progress("big.iso", 10_000_000);
        bar.transferred(2_500_000);
        bar.finish();
        String drawn = err.toString(StandardCharsets.UTF_8);
        assertTrue(drawn.startsWith("\rbig.iso  25% [=====               ] 2.4 MiB"), drawn);
        assertTrue(drawn.contains("/s") && drawn.contains("ETA "), drawn);
        assertTrue(drawn.endsWith(System.lineSeparator()), "the line ends when the transfer does");
        assertEquals("", out.toString(StandardCharsets.UTF_8), "standard output stays clean for the results");
    }

    @Test
    void noBarWithoutATerminalOrWhenQuiet() {
        new ClientOutput(io, ClientOutput.Style.TEXT, false).progress("a", 10).finish();
        new ClientOutput(io, ClientOutput.Style.QUIET, true).progress("a", 10).finish();
        new ClientOutput(io, ClientOutput.Style.JSON, true).progress("a", 10).finish();
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void sizes() {
        assertEquals("512 B", ClientOutput.bytes(512));
        assertEquals("1.5 KiB", ClientOutput.bytes(1536));
        assertEquals("3.0 GiB", ClientOutput.bytes(3.0 * (1L << 30)));
    }
}
