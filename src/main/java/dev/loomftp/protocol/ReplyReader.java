package dev.loomftp.protocol;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads replies as a client sees them (RFC 959 section 4.2): {@code 220 text}, or the multi-line
 * form {@code 211-first} ... {@code 211 last}. Lines are bounded, so a hostile server cannot make
 * the client hold an endless line.
 */
public final class ReplyReader {
    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_LINES = 100_000;

    private final InputStream in;

    public ReplyReader(InputStream in) {
        this.in = in;
    }

    /**
     * The next reply.
     *
     * @throws EOFException when the server closed the connection
     * @throws IOException  when what came is not a reply
     */
    public Reply read() throws IOException {
        String first = line();
        int code = code(first);
        List<String> lines = new ArrayList<>();
        if (first.length() > 3 && first.charAt(3) == '-') {
            lines.add(first.substring(4));
            String end = first.substring(0, 3) + " ";
            String next;
            do {
                next = line();
                lines.add(next.startsWith(end) ? next.substring(4) : next.stripLeading());
                if (lines.size() > MAX_LINES) {
                    throw new IOException("a reply of more than " + MAX_LINES + " lines");
                }
            } while (!next.startsWith(end) && !next.equals(first.substring(0, 3)));
        } else {
            lines.add(first.length() > 4 ? first.substring(4) : "");
        }
        return new Reply(code, lines);
    }

    private static int code(String line) throws IOException {
        if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)
                || line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-') {
            throw new IOException("not an FTP reply: " + line.substring(0, Math.min(line.length(), 40)));
        }
        int code = Integer.parseInt(line.substring(0, 3));
        if (code < 100 || code > 599) {
            throw new IOException("reply code out of range: " + code);
        }
        return code;
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("the server closed the connection");
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("a reply line of more than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }
}
