package dev.loomftp.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class LineReaderTest {
    private static final int IAC = 255;
    private static final int LIMIT = 64;
    private static final ControlLine END = new ControlLine.End();
    private static final ControlLine UNTERMINATED =
            new ControlLine.UnterminatedSubnegotiation(LineReader.MAX_SUBNEGOTIATION);

    /** Builds input from strings (sent as UTF-8), Integers (single raw bytes) and byte arrays. */
    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof Integer b) {
                out.write(b);
            } else if (part instanceof byte[] raw) {
                out.writeBytes(raw);
            } else {
                out.writeBytes(((String) part).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    private static List<ControlLine> readAll(InputStream in, int limit) throws IOException {
        LineReader reader = new LineReader(in, limit);
        List<ControlLine> lines = new ArrayList<>();
        ControlLine line;
        do {
            line = reader.read();
            lines.add(line);
        } while (!(line instanceof ControlLine.End));
        return lines;
    }

    private static List<ControlLine> readAll(byte[] input, int limit) throws IOException {
        return readAll(new ByteArrayInputStream(input), limit);
    }

    private static List<ControlLine> readAll(byte[] input) throws IOException {
        return readAll(input, LIMIT);
    }

    private static List<ControlLine> texts(String... texts) {
        List<ControlLine> lines = new ArrayList<>();
        for (String text : texts) {
            lines.add(new ControlLine.Text(text));
        }
        lines.add(END);
        return lines;
    }

    @Test
    void readsCrlfTerminatedLines() throws IOException {
        assertEquals(texts("USER anna", "PASS secret", "QUIT"), readAll(bytes("USER anna\r\nPASS secret\r\nQUIT\r\n")));
    }

    @Test
    void acceptsBareLfAsLineEnd() throws IOException {
        assertEquals(texts("NOOP", "PWD", "SYST"), readAll(bytes("NOOP\nPWD\r\nSYST\n")));
    }

    @Test
    void readsEmptyLines() throws IOException {
        assertEquals(texts("", "", "NOOP"), readAll(bytes("\r\n\nNOOP\r\n")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'a\rb\r\n'  | 'a\rb'",
        "'\r\r\n'    | '\r'",
        "'a\r\r\n'   | 'a\r'",
        "'\rNOOP\n'  | '\rNOOP'",
    })
    void stripsOnlyTheCrOfTheLineEnd(String input, String expected) throws IOException {
        assertEquals(texts(expected), readAll(bytes(input)));
    }

    @Test
    void decodesUtf8() throws IOException {
        assertEquals(texts("CWD Bjørn/日本/😀", "RETR ñ.txt"), readAll(bytes("CWD Bjørn/日本/😀\r\nRETR ñ.txt\r\n")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "C3",           // truncated two-byte sequence
        "80",           // lone continuation byte
        "C0 AF",        // overlong encoding of '/'
        "E0 80 AF",     // overlong three-byte encoding of '/'
        "ED A0 80",     // UTF-16 surrogate
        "F4 90 80 80",  // above U+10FFFF
        "FE",           // never valid in UTF-8
    })
    void reportsInvalidUtf8AsMalformedAndGoesOn(String hex) throws IOException {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.writeBytes(bytes("CWD x"));
        for (String b : hex.split(" ")) {
            input.write(Integer.parseInt(b, 16));
        }
        input.writeBytes(bytes("y\r\nNOOP\r\n"));

        assertEquals(List.of(new ControlLine.Malformed(), new ControlLine.Text("NOOP"), END), readAll(input.toByteArray()));
    }

    @Test
    void telnetIacIacIsTheDataByte0xFf() throws IOException {
        // 0xFF is never valid UTF-8, so a line holding it is malformed: the byte was kept, not dropped.
        assertEquals(List.of(new ControlLine.Malformed(), END), readAll(bytes("a", IAC, IAC, "b\r\n")));
    }

    @Test
    void telnetIacIacCountsAsOneByteTowardsTheLimit() throws IOException {
        byte[] input = bytes("ab", IAC, IAC, "\r\n");

        assertEquals(List.of(new ControlLine.Malformed(), END), readAll(input, 3));
        assertEquals(List.of(new ControlLine.TooLong(2), END), readAll(input, 2));
    }

    @ParameterizedTest(name = "IAC {0}")
    @ValueSource(ints = {
        241, // NOP
        242, // DM, data mark
        243, // BRK
        244, // IP, interrupt process
        245, // AO, abort output
        246, // AYT
        249, // GA
    })
    void stripsTwoByteTelnetCommands(int command) throws IOException {
        assertEquals(texts("ABOR"), readAll(bytes("AB", IAC, command, "OR\r\n")));
    }

    @Test
    void stripsTheInterruptSequenceAClientSendsBeforeAbor() throws IOException {
        assertEquals(texts("ABOR"), readAll(bytes(IAC, 244, IAC, 242, "ABOR\r\n")));
    }

    @ParameterizedTest(name = "IAC {0} {1}")
    @CsvSource({
        "251, 88", // WILL 'X'
        "252, 88", // WONT 'X'
        "253, 88", // DO 'X'
        "254, 88", // DONT 'X'
        "253, 1",  // DO ECHO
        "251, 10", // the option byte is never a line end
        "252, 255", // nor an IAC
    })
    void stripsOptionNegotiationWithItsOptionByte(int command, int option) throws IOException {
        assertEquals(texts("NOOP"), readAll(bytes("NO", IAC, command, option, "OP\r\n")));
    }

    @Test
    void stripsSubnegotiationUpToIacSe() throws IOException {
        assertEquals(texts("NOOP"), readAll(bytes("NO", IAC, 250, 24, 0, "xterm", IAC, 240, "OP\r\n")));
    }

    @Test
    void escapedIacInsideSubnegotiationDoesNotEndIt() throws IOException {
        byte[] input = bytes("NO", IAC, 250, 24, IAC, IAC, 240, "not data", IAC, 240, "OP\r\n");

        assertEquals(texts("NOOP"), readAll(input));
    }

    /** Unterminated subnegotiations, each followed by a line end and then NOOP. */
    static Stream<Arguments> subnegotiationsCutOffByTheLineEnd() {
        return Stream.of(
                Arguments.of("at the start of a line", bytes(IAC, 250, "\r\n")),
                Arguments.of("in the middle of a verb", bytes("NO", IAC, 250, 24, "\r\n")),
                Arguments.of("with parameters", bytes("NO", IAC, 250, 24, 0, "xterm\r\n")),
                Arguments.of("with an escaped IAC", bytes(IAC, 250, 24, IAC, IAC, "\r\n")),
                Arguments.of("with the line end right after an IAC", bytes(IAC, 250, 24, IAC, "\n")),
                Arguments.of("with a bare LF", bytes("PWD", IAC, 250, "a\n")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subnegotiationsCutOffByTheLineEnd")
    void subnegotiationCutOffByTheLineEndBreaksThatLineOnly(String title, byte[] input) throws IOException {
        byte[] withNext = bytes(input, "NOOP\r\n");

        assertEquals(List.of(UNTERMINATED, new ControlLine.Text("NOOP"), END), readAll(withNext));
        assertEquals(List.of(UNTERMINATED, new ControlLine.Text("NOOP"), END), readAll(new OneByteAtATime(withNext), LIMIT));
    }

    @Test
    void subnegotiationOfExactlyTheBoundIsStripped() throws IOException {
        String longest = "x".repeat(LineReader.MAX_SUBNEGOTIATION - 1);

        assertEquals(texts("NOOP"), readAll(bytes("NO", IAC, 250, 24, longest, IAC, 240, "OP\r\n")));
    }

    @Test
    void subnegotiationOneByteOverTheBoundBreaksTheLineAndTheRestOfItIsSkipped() throws IOException {
        String tooLong = "x".repeat(LineReader.MAX_SUBNEGOTIATION);

        assertEquals(List.of(UNTERMINATED, new ControlLine.Text("NOOP"), END),
                readAll(bytes("NO", IAC, 250, 24, tooLong, IAC, 240, "OP DELE x\r\nNOOP\r\n")));
    }

    @Test
    void escapedIacsCountTwiceTowardsTheSubnegotiationBound() throws IOException {
        byte[] parameters = new byte[LineReader.MAX_SUBNEGOTIATION];
        Arrays.fill(parameters, (byte) IAC);

        assertEquals(List.of(UNTERMINATED, END), readAll(bytes(IAC, 250, 24, parameters, IAC, 240, "\n")));
    }

    @Test
    void endlessSubnegotiationIsReportedAsSoonAsItsBoundIsPassed() throws IOException {
        RepeatedBytes endless = new RepeatedBytes('a', Long.MAX_VALUE);
        LineReader reader = new LineReader(new SequenceInputStream(new ByteArrayInputStream(bytes(IAC, 250)), endless), 4096);

        assertEquals(UNTERMINATED, assertTimeoutPreemptively(Duration.ofSeconds(10), reader::read));
        assertTrue(endless.delivered <= LineReader.MAX_SUBNEGOTIATION + 8192,
                () -> "read " + endless.delivered + " bytes before reporting");
    }

    @Test
    void tenMegabytesOfSubnegotiationAreOneBrokenLine() throws IOException {
        InputStream input = new SequenceInputStream(
                new SequenceInputStream(new ByteArrayInputStream(bytes("RETR a", IAC, 250)), new RepeatedBytes('b', 10L << 20)),
                new ByteArrayInputStream(bytes("\r\nNOOP\r\n")));

        assertEquals(List.of(UNTERMINATED, new ControlLine.Text("NOOP"), END), readAll(input, LIMIT));
    }

    @Test
    void brokenSubnegotiationInsideAnOverLongLineIsNotReportedTwice() throws IOException {
        byte[] input = bytes("x".repeat(LIMIT + 1), IAC, 250, "y".repeat(2 * LineReader.MAX_SUBNEGOTIATION), "\nNOOP\n");

        assertEquals(List.of(new ControlLine.TooLong(LIMIT), new ControlLine.Text("NOOP"), END), readAll(input));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void telnetCommandCutOffAtEndOfInputEndsCleanly(int keep) throws IOException {
        byte[] full = bytes("NOOP\r\n", IAC, 250, 1, IAC);

        assertEquals(texts("NOOP"), readAll(Arrays.copyOf(full, 6 + keep + 1)));
    }

    @Test
    void lineOfExactlyTheLimitIsAccepted() throws IOException {
        String longest = "x".repeat(LIMIT);

        assertEquals(texts(longest, longest), readAll(bytes(longest + "\r\n" + longest + "\n")));
    }

    /** The line buffer starts small and grows with the line: limits on both sides of its first size. */
    @ParameterizedTest
    @ValueSource(ints = {1, 63, 64, 65, 200, 4096, 100_000})
    void linesUpToAnyLimitAreReadWholeAndShortLinesAfterThem(int limit) throws IOException {
        String longest = "y".repeat(limit);
        String shorter = "z".repeat(limit - 1);
        String tooLong = "x".repeat(limit + 1);

        assertEquals(List.of(new ControlLine.Text(longest), new ControlLine.Text("A"), new ControlLine.TooLong(limit),
                        new ControlLine.Text(shorter), new ControlLine.Text(longest), new ControlLine.Text("B"), END),
                readAll(bytes(longest + "\r\nA\r\n" + tooLong + "\r\n" + shorter + "\n" + longest + "\r\nB\n"), limit));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r\n", "\n", "\r\r\n"})
    void lineOneByteOverTheLimitIsTooLong(String lineEnd) throws IOException {
        String tooLong = "x".repeat(LIMIT + 1);

        assertEquals(List.of(new ControlLine.TooLong(LIMIT), new ControlLine.Text("NOOP"), END),
                readAll(bytes(tooLong + lineEnd + "NOOP\r\n")));
    }

    @Test
    void crInsideTheLineIsNotTakenForTheLineEnd() throws IOException {
        String tooLong = "x".repeat(LIMIT) + "\rx";

        assertEquals(List.of(new ControlLine.TooLong(LIMIT), END), readAll(bytes(tooLong + "\r\n")));
    }

    @Test
    void overLongLineIsReportedOnceAndTheRestOfItSkipped() throws IOException {
        String tooLong = "RETR " + "a".repeat(10 * LIMIT);

        assertEquals(List.of(new ControlLine.TooLong(LIMIT), new ControlLine.Text("NOOP"), END),
                readAll(bytes(tooLong + "\r\nNOOP\r\n")));
    }

    @Test
    void partOfAnOverLongLineIsNeverTakenAsACommand() throws IOException {
        String tooLong = "x".repeat(LIMIT) + "DELE important\r\nPWD\r\n";

        assertEquals(List.of(new ControlLine.TooLong(LIMIT), new ControlLine.Text("PWD"), END), readAll(bytes(tooLong)));
    }

    @Test
    void overLongLinesInARowAreEachReported() throws IOException {
        String tooLong = "z".repeat(LIMIT + 1) + "\r\n";

        assertEquals(List.of(new ControlLine.TooLong(LIMIT), new ControlLine.TooLong(LIMIT), END),
                readAll(bytes(tooLong + tooLong)));
    }

    @Test
    void overLongLineIsReportedAsSoonAsTheLimitIsPassed() throws IOException {
        RepeatedBytes endless = new RepeatedBytes('a', Long.MAX_VALUE);

        ControlLine line = new LineReader(endless, 4096).read();

        assertEquals(new ControlLine.TooLong(4096), line);
        assertTrue(endless.delivered <= 4096 + 8192, () -> "read " + endless.delivered + " bytes before reporting");
    }

    @Test
    void tenMegabytesWithoutLineEndCompleteWithoutBufferingTheLine() {
        long size = 10L * 1024 * 1024;
        InputStream input = new SequenceInputStream(new RepeatedBytes('a', size), new ByteArrayInputStream(bytes("\nNOOP\r\n")));
        assumeTrue(allocatedBytes() >= 0, "this JVM does not count allocated bytes per thread");

        List<ControlLine> lines = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            long before = allocatedBytes();
            LineReader reader = new LineReader(input, 4096);
            List<ControlLine> read = List.of(reader.read(), reader.read(), reader.read());
            long allocated = allocatedBytes() - before;
            assertTrue(allocated < size / 10, () -> "allocated " + allocated + " bytes reading a " + size + " byte line");
            return read;
        });

        assertEquals(List.of(new ControlLine.TooLong(4096), new ControlLine.Text("NOOP"), END), lines);
    }

    /**
     * The bytes this thread has allocated so far, or -1 when unknown. Called reflectively: the module
     * under test does not read jdk.management.
     */
    private static long allocatedBytes() {
        try {
            Method method = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
            return (long) method.invoke(ManagementFactory.getThreadMXBean());
        } catch (ReflectiveOperationException | ClassCastException e) {
            return -1;
        }
    }

    @Test
    void emptyInputIsTheEnd() throws IOException {
        assertEquals(List.of(END), readAll(new byte[0]));
    }

    @Test
    void keepsReportingEndAfterTheEnd() throws IOException {
        LineReader reader = new LineReader(new ByteArrayInputStream(bytes("NOOP\r\n")), LIMIT);

        assertEquals(List.of(new ControlLine.Text("NOOP"), END, END),
                List.of(reader.read(), reader.read(), reader.read()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"QUI", "DELE important-file.txt", "NOOP\r"})
    void partialLastLineIsDroppedNotExecuted(String partial) throws IOException {
        // A line cut off by a lost connection may be a prefix of another command: never run it.
        assertEquals(texts("NOOP"), readAll(bytes("NOOP\r\n" + partial)));
    }

    @Test
    void endWhileSkippingAnOverLongLineIsTheEnd() throws IOException {
        assertEquals(List.of(new ControlLine.TooLong(LIMIT), END), readAll(bytes("y".repeat(3 * LIMIT))));
    }

    @Test
    void bytesArrivingOneAtATimeGiveTheSameLines() throws IOException {
        byte[] input = bytes("USER ø", IAC, 253, 1, "\r\nPA", IAC, 244, "SS ", "q".repeat(LIMIT), "\r\n",
                "CWD 日本\n", 0xC3, "\r\nEND\r");

        List<ControlLine> expected = List.of(new ControlLine.Text("USER ø"), new ControlLine.TooLong(LIMIT),
                new ControlLine.Text("CWD 日本"), new ControlLine.Malformed(), END);
        assertEquals(expected, readAll(input));
        assertEquals(expected, readAll(new OneByteAtATime(input), LIMIT));
    }

    /** Generates {@code size} copies of one byte without holding them anywhere. */
    private static final class RepeatedBytes extends InputStream {
        private final byte value;
        private final long size;
        long delivered;

        RepeatedBytes(char value, long size) {
            this.value = (byte) value;
            this.size = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (delivered == size) {
                return -1;
            }
            int n = (int) Math.min(length, size - delivered);
            Arrays.fill(buffer, offset, offset + n, value);
            delivered += n;
            return n;
        }
    }

    /** Hands out at most one byte per read, as a slow network might. */
    private static final class OneByteAtATime extends ByteArrayInputStream {
        OneByteAtATime(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int read(byte[] buffer, int offset, int length) {
            return super.read(buffer, offset, Math.min(length, 1));
        }
    }

    @Test
    void randomBytesNeverBreakTheReader() throws IOException {
        java.util.Random random = new java.util.Random(31);
        byte[] alphabet = {'A', 'b', ' ', '\r', '\n', (byte) 0xFF, (byte) 0xFA, (byte) 0xF0, (byte) 0xF4, (byte) 0xF2,
            (byte) 0xC3, (byte) 0xA9, (byte) 0x80, 0};
        for (int round = 0; round < 5_000; round++) {
            byte[] input = new byte[random.nextInt(400)];
            for (int i = 0; i < input.length; i++) {
                input[i] = alphabet[random.nextInt(alphabet.length)];
            }
            LineReader reader = new LineReader(new ByteArrayInputStream(input), 64);
            int lines = 0;
            ControlLine line;
            do {
                line = reader.read();
                if (line instanceof ControlLine.Text text) {
                    assertTrue(text.text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 64,
                            "a line over the limit came through in round " + round);
                }
                assertTrue(++lines <= input.length + 1, "the reader made up lines in round " + round);
            } while (!(line instanceof ControlLine.End));
        }
    }
}
