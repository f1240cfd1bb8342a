package dev.loomftp.server;

import dev.loomftp.storage.FileEntry;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Listing lines in the Unix {@code ls -l} form that FTP clients parse, for example
 * {@code -rw-r--r--    1 ftp      ftp          1234 Nov 25 13:34 notes.txt}. As in {@code ls}, a time
 * within the last six months is shown with hour and minute, an older or future one with its year.
 * Owner and group are always "ftp": real account names are not shown. One instance serves one
 * listing, on one thread.
 */
final class ListFormat {
    private static final Duration RECENT = Duration.ofDays(182);
    private static final Duration FUTURE_SLACK = Duration.ofHours(1);
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
        "Dec"};
    private static final String RWX = "rwxrwxrwx";

    private final Instant now;
    private final ZoneId zone;
    /** The local minute of the time written last, and how: a folder's files share a few. */
    private long lastMinute = Long.MIN_VALUE;
    private boolean lastRecent;
    private String lastTime;

    ListFormat(Instant now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /**
     * One {@code ls -l} line, without its line end.
     *
     * @param writable whether the folder the entry is in allows writing; if not, no write bits
     *                 are shown
     */
    String line(FileEntry entry, boolean writable) {
        // Built by hand rather than with String.format and a DateTimeFormatter: a listing writes
        // one line an entry, and those two were most of the time of a large LIST.
        StringBuilder line = new StringBuilder(64 + entry.name().length());
        permissions(line, entry, writable);
        line.append("    1 ftp      ftp      ");
        pad(line, Long.toString(entry.size()), 12);
        line.append(' ');
        time(line, entry.modified());
        return line.append(' ').append(entry.name()).toString();
    }

    private static void permissions(StringBuilder text, FileEntry entry, boolean writable) {
        text.append(switch (entry.kind()) {
            case DIRECTORY -> 'd';
            case FILE -> '-';
            case OTHER -> '?';
        });
        int mode = writable ? entry.mode() : entry.mode() & ~0222;
        for (int bit = 0; bit < 9; bit++) {
            text.append((mode & (0400 >> bit)) != 0 ? RWX.charAt(bit) : '-');
        }
    }

    /**
     * {@code MMM dd HH:mm} within six months, {@code MMM dd  yyyy} otherwise, the day padded with a
     * space. In a fixed zone (the server's is UTC) the text is kept for the next entry of the same
     * minute, as working it out was a fifth of a large LIST's own time.
     */
    private void time(StringBuilder text, Instant modified) {
        boolean recent = modified.isAfter(now.minus(RECENT)) && modified.isBefore(now.plus(FUTURE_SLACK));
        if (!(zone instanceof ZoneOffset offset)) {
            text.append(time(modified, recent));
            return;
        }
        long minute = Math.floorDiv(modified.getEpochSecond() + offset.getTotalSeconds(), 60);
        if (minute != lastMinute || recent != lastRecent) {
            lastTime = time(modified, recent);
            lastMinute = minute;
            lastRecent = recent;
        }
        text.append(lastTime);
    }

    private String time(Instant modified, boolean recent) {
        StringBuilder text = new StringBuilder(12);
        LocalDateTime local = LocalDateTime.ofInstant(modified, zone);
        text.append(MONTHS[local.getMonthValue() - 1]).append(' ');
        pad(text, Integer.toString(local.getDayOfMonth()), 2);
        text.append(' ');
        if (recent) {
            twoDigits(text, local.getHour());
            twoDigits(text.append(':'), local.getMinute());
        } else {
            pad(text.append(' '), Integer.toString(local.getYear()), 4);
        }
        return text.toString();
    }

    private static void pad(StringBuilder text, String value, int width) {
        text.repeat(' ', Math.max(0, width - value.length())).append(value);
    }

    private static void twoDigits(StringBuilder text, int value) {
        text.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}
