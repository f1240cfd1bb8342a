package dev.loomftp.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the lines of an FTP control connection: UTF-8 text ending in CRLF (a bare LF is taken
 * too), with Telnet commands removed (RFC 854 as used by RFC 959). A line longer than the limit is
 * reported as {@link ControlLine.TooLong} as soon as the limit is passed, and the rest of it is
 * skipped up to its line end, so no buffer ever grows past the limit. A Telnet subnegotiation is
 * bounded the same way, by {@link #MAX_SUBNEGOTIATION} and by the line end.
 *
 * <p>A server keeps one reader per session for as long as the session lasts, most of it idle, so
 * its buffers are small: {@value #CHUNK} bytes read ahead, which hold any ordinary command whole,
 * and a line buffer that starts at {@value #INITIAL_LINE} bytes, grows only as far as a line
 * needs (never past the limit), and is given back after a long line.
 */
public final class LineReader {
    /**
     * The most bytes a Telnet subnegotiation may hold between IAC SB and IAC SE (the option byte
     * and the parameters, an escaped IAC IAC counting two). RFC 855 allows a subnegotiation only
     * for an option both sides agreed to with WILL and DO, and an FTP server agrees to none (it
     * never sends WILL or DO), so no client has a reason to send one. A client that drives the
     * control connection as a Telnet session may still send the short ones Telnet clients use: a
     * window size (NAWS, RFC 1073) of 4 bytes, or 8 escaped, or a terminal type name (RFC 1091)
     * such as "XTERM-256COLOR". 64 bytes takes those and stops a subnegotiation that never ends
     * from swallowing the commands behind it; so does the line end, since a subnegotiation that
     * runs into one was never going to end.
     */
    public static final int MAX_SUBNEGOTIATION = 64;
    private static final int IAC = 255;
    private static final int SB = 250;
    private static final int SE = 240;
    private static final int WILL = 251;
    private static final int DONT = 254;

    /** Bytes read from the input at a time. */
    private static final int CHUNK = 256;
    /** The line buffer's size between lines. */
    private static final int INITIAL_LINE = 64;

    private final InputStream in;
    private final int maxLength;
    private byte[] line;
    private final byte[] chunk = new byte[CHUNK];
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
        this.line = new byte[Math.min(INITIAL_LINE, maxLength + 1)];
    }

    /** Blocks until a line, a refused line (over-long, or broken by Telnet) or the end of input is read. */
    public ControlLine read() throws IOException {
        length = 0;
        while (true) {
            int b = next();
            if (b < 0) {
                return new ControlLine.End();
            }
            ControlLine line = b == IAC ? telnetCommand() : accept(b);
            if (line != null) {
                return line;
            }
        }
    }

    /** Takes one data byte of the line; returns the line when it ends or is refused here, else null. */
    private ControlLine accept(int b) {
        if (b == '\n') {
            if (skippingRest) {
                skippingRest = false;
                length = 0;
                return null;
            }
            return decode();
        }
        if (skippingRest) {
            return null;
        }
        if (length > maxLength || length == maxLength && b != '\r') {
            skippingRest = true;
            shrinkLine();
            return new ControlLine.TooLong(maxLength);
        }
        if (length == line.length) {
            // Up to the limit, and one more byte for the CR of the line end.
            line = Arrays.copyOf(line, (int) Math.min(2L * line.length, maxLength + 1L));
        }
        line[length++] = (byte) b;
        return null;
    }

    /**
     * Handles what follows an IAC byte: IAC IAC is a data byte 255; option negotiation (WILL,
     * WONT, DO, DONT) takes one more byte; a subnegotiation runs to IAC SE; anything else (IP, DM,
     * AO ...) is a single command. Returns what {@link #accept} returns, or the refused line when
     * a subnegotiation did not end.
     */
    private ControlLine telnetCommand() throws IOException {
        int command = next();
        if (command == IAC) {
            return accept(IAC);
        }
        if (command >= WILL && command <= DONT) {
            next();
            return null;
        }
        if (command != SB) {
            return null;
        }
        return switch (subnegotiation()) {
            case ENDED -> null;
            case CUT_BY_LINE_END -> unterminated(true);
            case TOO_LONG -> unterminated(false);
        };
    }

    /** Skips a subnegotiation, after its IAC SB, up to its IAC SE, a line end, or the bound. */
    private Subnegotiation subnegotiation() throws IOException {
        int size = 0;
        while (true) {
            int b = next();
            if (b == IAC) {
                b = next();
                if (b == SE) {
                    return Subnegotiation.ENDED;
                }
                size++; // IAC IAC, an escaped data byte: two bytes on the wire
            }
            if (b < 0) {
                return Subnegotiation.ENDED; // the end of input, which read() sees next
            }
            if (b == '\n') {
                return Subnegotiation.CUT_BY_LINE_END;
            }
            if (++size > MAX_SUBNEGOTIATION) {
                return Subnegotiation.TOO_LONG;
            }
        }
    }

    /**
     * A subnegotiation that did not end breaks its line: the line is refused once, and what is
     * left of it, up to the line end, is skipped (nothing when the line end cut it off).
     */
    private ControlLine unterminated(boolean atLineEnd) {
        boolean refusedAlready = skippingRest;
        skippingRest = !atLineEnd;
        length = 0;
        return refusedAlready ? null : new ControlLine.UnterminatedSubnegotiation(MAX_SUBNEGOTIATION);
    }

    /** How a subnegotiation ended. */
    private enum Subnegotiation {
        ENDED,
        CUT_BY_LINE_END,
        TOO_LONG
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
        } finally {
            shrinkLine();
        }
    }

    /** Gives back a line buffer that a long line grew, so that an idle session holds a small one. */
    private void shrinkLine() {
        if (line.length > INITIAL_LINE) {
            line = new byte[INITIAL_LINE];
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
