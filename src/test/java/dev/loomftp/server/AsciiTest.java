package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AsciiTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(ByteArrayOutputStream out) {
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** The input cut at {@code cut}: two buffers, either of which may be empty. */
    private static List<ByteBuffer> split(String input, int cut) {
        byte[] all = bytes(input);
        return List.of(ByteBuffer.wrap(all, 0, cut), ByteBuffer.wrap(all, cut, all.length - cut));
    }

    /** The input as one buffer per byte. */
    private static List<ByteBuffer> byteByByte(String input) {
        List<ByteBuffer> buffers = new ArrayList<>();
        for (byte b : bytes(input)) {
            buffers.add(ByteBuffer.wrap(new byte[] {b}));
        }
        return buffers;
    }

    /** Encodes each buffer into an output of exactly the documented size, twice the input. */
    private static String encode(List<ByteBuffer> buffers) {
        Ascii.Encoder encoder = new Ascii.Encoder();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (ByteBuffer in : buffers) {
            ByteBuffer out = ByteBuffer.allocate(2 * in.remaining());
            encoder.encode(in, out);
            wire.write(out.array(), 0, out.position());
        }
        return text(wire);
    }

    /** Decodes each buffer into an output of exactly the documented size, one more than the input. */
    private static String decode(List<ByteBuffer> buffers) {
        Ascii.Decoder decoder = new Ascii.Decoder();
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (ByteBuffer in : buffers) {
            ByteBuffer out = ByteBuffer.allocate(in.remaining() + 1);
            decoder.decode(in, out);
            file.write(out.array(), 0, out.position());
        }
        ByteBuffer tail = ByteBuffer.allocate(1);
        decoder.finish(tail);
        file.write(tail.array(), 0, tail.position());
        return text(file);
    }

    private static long measure(List<ByteBuffer> buffers) {
        Ascii.Encoder encoder = new Ascii.Encoder();
        long size = 0;
        for (ByteBuffer in : buffers) {
            size += encoder.measure(in);
        }
        return size;
    }

    @ParameterizedTest(name = "[{index}]")
    @CsvSource(delimiter = '|', value = {
        "''              | ''",
        "plain           | plain",
        "'a\nb'          | 'a\r\nb'",
        "'\n'            | '\r\n'",
        "'\n\n'          | '\r\n\r\n'",
        "'a\nb\n'        | 'a\r\nb\r\n'",
        "'a\r\nb'        | 'a\r\nb'",
        "'x\r\n\n'       | 'x\r\n\r\n'",
        "'\r'            | '\r'",
        "'a\rb\n'        | 'a\rb\r\n'",
        "'\r\r\n'        | '\r\r\n'",
        "'\n\r'          | '\r\n\r'",
        "'\u00ff\n\u0000' | '\u00ff\r\n\u0000'",
    })
    void encoderTurnsLfIntoCrlfAndLeavesCrlfAlone(String input, String expected) {
        assertEquals(expected, encode(List.of(ByteBuffer.wrap(bytes(input)))));
        assertEquals(expected, encode(byteByByte(input)));
        for (int cut = 0; cut <= input.length(); cut++) {
            assertEquals(expected, encode(split(input, cut)), "cut at " + cut);
        }
    }

    @ParameterizedTest(name = "[{index}]")
    @CsvSource(delimiter = '|', value = {
        "''              | ''",
        "plain           | plain",
        "'a\r\nb'        | 'a\nb'",
        "'\r\n\r\n'      | '\n\n'",
        "'a\nb'          | 'a\nb'",
        "'a\rb'          | 'a\rb'",
        "'\r'            | '\r'",
        "'a\r'           | 'a\r'",
        "'\r\r'          | '\r\r'",
        "'\r\r\n'        | '\r\n'",
        "'\n\r'          | '\n\r'",
        "'\r\rx\r\n\r'   | '\r\rx\n\r'",
        "'\u00ff\r\n\u0000' | '\u00ff\n\u0000'",
    })
    void decoderTurnsCrlfIntoLfAndKeepsLoneCr(String input, String expected) {
        assertEquals(expected, decode(List.of(ByteBuffer.wrap(bytes(input)))));
        assertEquals(expected, decode(byteByByte(input)));
        for (int cut = 0; cut <= input.length(); cut++) {
            assertEquals(expected, decode(split(input, cut)), "cut at " + cut);
        }
    }

    @Test
    void decoderHoldsBackACrAtTheEndOfABufferUntilItSeesTheNextByte() {
        Ascii.Decoder decoder = new Ascii.Decoder();
        ByteBuffer out = ByteBuffer.allocate(8);

        decoder.decode(ByteBuffer.wrap(bytes("a\r")), out);
        assertEquals(1, out.position(), "the CR may still start a CRLF");
        decoder.decode(ByteBuffer.wrap(bytes("\nb")), out);

        assertEquals("a\nb", new String(out.array(), 0, out.position(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void finishWritesAHeldBackCrOnlyOnce() {
        Ascii.Decoder decoder = new Ascii.Decoder();
        ByteBuffer out = ByteBuffer.allocate(4);
        decoder.decode(ByteBuffer.wrap(bytes("\r")), out);

        decoder.finish(out);
        decoder.finish(out);

        assertEquals(1, out.position());
        assertEquals('\r', out.get(0));
    }

    @Test
    void finishWithoutAHeldBackCrWritesNothing() {
        Ascii.Decoder decoder = new Ascii.Decoder();
        ByteBuffer out = ByteBuffer.allocate(4);
        decoder.decode(ByteBuffer.wrap(bytes("a\r\n")), out);

        decoder.finish(out);

        assertEquals(2, out.position());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''",
        "plain",
        "'a\nb\n'",
        "'a\r\nb'",
        "'\n\n\n'",
        "'\r\r\n\r'",
        "'x\r\n\n\ry\n'",
    })
    void measureAgreesWithEncodedSize(String input) {
        long encoded = encode(List.of(ByteBuffer.wrap(bytes(input)))).length();

        assertEquals(encoded, measure(List.of(ByteBuffer.wrap(bytes(input)))));
        assertEquals(encoded, measure(byteByByte(input)));
        for (int cut = 0; cut <= input.length(); cut++) {
            assertEquals(encoded, measure(split(input, cut)), "cut at " + cut);
        }
    }

    @Test
    void measureMovesTheEncoderOnAsEncodingWould() {
        Ascii.Encoder encoder = new Ascii.Encoder();
        ByteBuffer out = ByteBuffer.allocate(4);

        assertEquals(2, encoder.measure(ByteBuffer.wrap(bytes("a\r"))));
        encoder.encode(ByteBuffer.wrap(bytes("\n")), out);

        assertEquals(1, out.position(), "the LF follows the measured CR");
    }

    @Test
    void encodeAndMeasureConsumeTheirInput() {
        ByteBuffer toEncode = ByteBuffer.wrap(bytes("a\nb"));
        ByteBuffer toMeasure = ByteBuffer.wrap(bytes("a\nb"));

        new Ascii.Encoder().encode(toEncode, ByteBuffer.allocate(6));
        new Ascii.Encoder().measure(toMeasure);

        assertEquals(0, toEncode.remaining());
        assertEquals(0, toMeasure.remaining());
    }

    @Test
    void decodingWhatWasEncodedGivesTheLfTextBack() {
        String text = "line one\nline two\n\nlast, without line end";

        assertEquals(text, decode(List.of(ByteBuffer.wrap(bytes(encode(byteByByte(text)))))));
    }
}
