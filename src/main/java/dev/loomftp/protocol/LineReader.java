package dev.loomftp.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the lines of an FTP control connection: UTF-8 text ending in CRLF (a bare LF is taken
 * too), with Telnet commands removed (RFC 854 as used by RFC 959). A line longer than the limit is
 * reported as {@link ControlLine.TooLong} as soon as the limit is passed, and the rest of it is
 * skipped up to its line end, so no buffer ever grows past the limit.
 */
public final class LineReader {
    private static final int IAC = 255;
    private static final int SB = 250;
    private static final int SE = 240;
    private static final int WILL = 251;
    private static final int DONT = 254;

    private final InputStream in;
    private final int maxLength;
    private final byte[] line;
    private final byte[] chunk = new byte[8192];
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int chunkPos;
    private int chunkEnd;
    private int length;
    private boolean skippingRest;

    /**
     * @param in        the control connection's input
     * @param maxLength the longest line accepted, in bytes, without its line end
     */
    public LineReader(InputStream in, int maxLength) {
        this.in = in;
        this.maxLength = maxLength;
        this.line = new byte[maxLength + 1]; // room for the CR of the line end
    }

    /** Blocks until a line, an over-long line or the end of input is read. */
    public ControlLine read() throws IOException {
        length = 0;
        while (true) {
            int b = next();
            if (b < 0) {
                return new ControlLine.End();
            }
            if (b == IAC) {
                int data = telnetCommand();
                if (data < 0) {
                    continue;
                }
                b = data;
            }
            if (b == '\n') {
                if (skippingRest) {
                    skippingRest = false;
                    length = 0;
                    continue;
                }
                return decode();
            }
            if (skippingRest) {
                continue;
            }
            if (length > maxLength || length == maxLength && b != '\r') {
                skippingRest = true;
                return new ControlLine.TooLong(maxLength);
            }
            line[length++] = (byte) b;
        }
    }

    /**
     * Handles what follows an IAC byte: IAC IAC is a data byte 255; option negotiation (WILL,
     * WONT, DO, DONT) takes one more byte; a subnegotiation runs to IAC SE; anything else (IP, DM,
     * AO ...) is a single command. Returns the data byte, or -1 when there is none.
     */
    private int telnetCommand() throws IOException {
        int command = next();
        if (command == IAC) {
            return IAC;
        }
        if (command >= WILL && command <= DONT) {
            next();
        } else if (command == SB) {
            int previous = 0;
            int b;
            while ((b = next()) >= 0 && !(previous == IAC && b == SE)) {
                previous = previous == IAC && b == IAC ? 0 : b; // IAC IAC is a data byte
            }
        }
        return -1;
    }

    private ControlLine decode() {
        int end = length;
        if (end > 0 && line[end - 1] == '\r') {
            end--;
        }
        try {
            CharBuffer text = decoder.reset().decode(ByteBuffer.wrap(line, 0, end));
            return new ControlLine.Text(text.toString());
        } catch (CharacterCodingException e) {
            return new ControlLine.Malformed();
        }
    }

    private int next() throws IOException {
        if (chunkPos == chunkEnd) {
            int n = in.read(chunk);
            if (n < 0) {
                return -1;
            }
            chunkPos = 0;
            chunkEnd = n;
        }
        return chunk[chunkPos++] & 0xff;
    }
}
