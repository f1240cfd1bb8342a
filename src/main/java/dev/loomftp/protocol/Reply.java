package dev.loomftp.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One FTP reply: a three-digit code and one or more lines of text. Several lines are sent in the
 * RFC 959 multi-line form: {@code 211-first}, then each middle line indented by one space, then
 * {@code 211 last}.
 *
 * @param code  the reply code, 100 to 599
 * @param lines the text, at least one line; CR and LF inside a line are replaced by spaces so that
 *              a file name can never inject a reply of its own
 */
public record Reply(int code, List<String> lines) {

    public Reply {
        if (code < 100 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply needs at least one line");
        }
        lines = lines.stream().map(Reply::singleLine).toList();
    }

    public static Reply of(int code, String text) {
        return new Reply(code, List.of(text));
    }

    /** The reply as sent on the wire, each line ending in CRLF. */
    public byte[] encode() {
        StringBuilder wire = new StringBuilder();
        int last = lines.size() - 1;
        for (int i = 0; i < last; i++) {
            wire.append(i == 0 ? code + "-" : " ").append(lines.get(i)).append("\r\n");
        }
        wire.append(code).append(' ').append(lines.get(last)).append("\r\n");
        return wire.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Positive preliminary, completion or intermediate: 1xx, 2xx or 3xx. */
    public boolean isPositive() {
        return code < 400;
    }

    @Override
    public String toString() {
        return code + " " + String.join(" / ", lines);
    }

    private static String singleLine(String text) {
        return text.replace('\r', ' ').replace('\n', ' ');
    }
}
