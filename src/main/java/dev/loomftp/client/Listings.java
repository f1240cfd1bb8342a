package dev.loomftp.client;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads folder listings: MLSD lines (RFC 3659, {@code type=file;size=12;modify=...; name}) and
 * the Unix {@code ls -l} lines that servers without MLSD (vsftpd) send for LIST. A LIST line
 * gives no exact time, so its entries carry none; ask MDTM for that.
 */
final class Listings {
    private static final DateTimeFormatter FACT_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT);
    private static final Pattern UNIX = Pattern.compile(
            "^([-dlbcps])\\S*\\s+\\d+\\s+\\S+\\s+\\S+\\s+(\\d+)\\s+\\w{3}\\s+\\d{1,2}\\s+(?:\\d{1,2}:\\d{2}|\\d{4})\\s(.+)$");

    private Listings() {
    }

    /** One MLSD line, or empty when it is not one. */
    static Optional<RemoteEntry> fromFacts(String line) {
        int space = line.indexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        String name = line.substring(space + 1);
        RemoteEntry.Kind kind = RemoteEntry.Kind.OTHER;
        long size = 0;
        Optional<Instant> modified = Optional.empty();
        for (String fact : line.substring(0, space).split(";")) {
            int eq = fact.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String value = fact.substring(eq + 1);
            switch (fact.substring(0, eq).toLowerCase(Locale.ROOT)) {
                case "type" -> kind = switch (value.toLowerCase(Locale.ROOT)) {
                    case "file" -> RemoteEntry.Kind.FILE;
                    case "dir" -> RemoteEntry.Kind.FOLDER;
                    default -> RemoteEntry.Kind.OTHER;
                };
                case "size" -> size = parseSize(value);
                case "modify" -> modified = time(value);
                default -> {
                    // Facts a mirror does not need.
                }
            }
        }
        return Optional.of(new RemoteEntry(name, kind, size, modified));
    }

    /** One Unix LIST line, or empty for a "total" line or anything else it cannot read. */
    static Optional<RemoteEntry> fromUnixList(String line) {
        Matcher fields = UNIX.matcher(line);
        if (!fields.matches()) {
            return Optional.empty();
        }
        RemoteEntry.Kind kind = switch (fields.group(1)) {
            case "-" -> RemoteEntry.Kind.FILE;
            case "d" -> RemoteEntry.Kind.FOLDER;
            default -> RemoteEntry.Kind.OTHER;
        };
        String name = fields.group(3);
        if (name.equals(".") || name.equals("..")) {
            return Optional.empty();
        }
        return Optional.of(new RemoteEntry(name, kind, kind == RemoteEntry.Kind.FILE ? parseSize(fields.group(2)) : 0,
                Optional.empty()));
    }

    /** The time form of MDTM and the modify fact, UTC, with optional fractions of a second dropped. */
    static Optional<Instant> time(String text) {
        String seconds = text.strip();
        int dot = seconds.indexOf('.');
        if (dot >= 0) {
            seconds = seconds.substring(0, dot);
        }
        try {
            return Optional.of(LocalDateTime.parse(seconds, FACT_TIME).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The form MFMT takes. */
    static String format(Instant time) {
        return FACT_TIME.format(time.atOffset(ZoneOffset.UTC));
    }

    private static long parseSize(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
