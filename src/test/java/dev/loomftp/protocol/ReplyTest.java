package dev.loomftp.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplyTest {

    private static String wire(Reply reply) {
        return new String(reply.encode(), StandardCharsets.UTF_8);
    }

    @Test
    void encodesSingleLineReplyWithSpaceAfterCodeAndCrlf() {
        assertEquals("200 Command okay.\r\n", wire(Reply.of(200, "Command okay.")));
    }

    @Test
    void encodesEmptyTextAsCodeAndSpace() {
        assertEquals("226 \r\n", wire(Reply.of(226, "")));
    }

    @Test
    void encodesMultiLineReplyInRfc959Form() {
        Reply reply = new Reply(211, List.of("Features:", "EPSV", "211 looks like a code", "End"));

        assertEquals("211-Features:\r\n EPSV\r\n 211 looks like a code\r\n211 End\r\n", wire(reply));
    }

    @Test
    void encodesTwoLineReplyWithoutMiddleLines() {
        assertEquals("220-Welcome\r\n220 Ready\r\n", wire(new Reply(220, List.of("Welcome", "Ready"))));
    }

    @Test
    void encodesTextAsUtf8() {
        assertEquals("257 \"/Bjørn/日本\" created.\r\n", wire(Reply.of(257, "\"/Bjørn/日本\" created.")));
        assertArrayEquals(new byte[] {'2', '5', '7', ' ', (byte) 0xC3, (byte) 0xA9, '\r', '\n'},
                Reply.of(257, "é").encode());
    }

    @Test
    void fileNameWithLineBreaksCannotInjectAReply() {
        Reply reply = Reply.of(550, "evil\r\n230 Logged in.\nname\r: no such file");

        assertEquals("550 evil  230 Logged in. name : no such file\r\n", wire(reply));
        assertEquals(List.of("evil  230 Logged in. name : no such file"), reply.lines());
    }

    @Test
    void lineBreaksAreNeutralisedInEveryLineOfAMultiLineReply() {
        Reply reply = new Reply(211, List.of("a\r\n200 x", "b\n200 y", "c\r200 z"));

        String wire = wire(reply);

        assertEquals("211-a  200 x\r\n b 200 y\r\n211 c 200 z\r\n", wire);
        assertEquals(3, wire.split("\r\n", -1).length - 1, "exactly one CRLF per line");
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 150, 226, 331, 421, 599})
    void acceptsCodesFrom100To599(int code) {
        assertEquals(code, Reply.of(code, "x").code());
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -200, 0, 99, 600, 1000})
    void rejectsCodesOutOfRange(int code) {
        assertThrows(IllegalArgumentException.class, () -> Reply.of(code, "x"));
    }

    @Test
    void rejectsReplyWithoutLines() {
        assertThrows(IllegalArgumentException.class, () -> new Reply(200, List.of()));
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 257, 350, 399})
    void preliminaryCompletionAndIntermediateCodesArePositive(int code) {
        assertTrue(Reply.of(code, "x").isPositive());
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 425, 500, 550, 599})
    void transientAndPermanentFailuresAreNotPositive(int code) {
        assertFalse(Reply.of(code, "x").isPositive());
    }

    @Test
    void linesAreImmutable() {
        Reply reply = new Reply(211, new ArrayList<>(List.of("a", "b")));

        assertThrows(UnsupportedOperationException.class, () -> reply.lines().add("c"));
    }

    @Test
    void toStringJoinsLinesForLogs() {
        assertEquals("211 a / b", new Reply(211, List.of("a", "b")).toString());
    }
}
