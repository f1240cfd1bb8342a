package dev.loomftp.server;

import dev.loomftp.storage.FileEntry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Listing lines in the Unix {@code ls -l} form that FTP clients parse, for example
 * {@code -rw-r--r--    1 ftp      ftp          1234 Nov 25 13:34 notes.txt}. As in {@code ls}, a time
 * within the last six months is shown with hour and minute, an older or future one with its year.
 * Owner and group are always "ftp": real account names are not shown.
 */
final class ListFormat {
    private static final Duration RECENT = Duration.ofDays(182);
    private static final Duration FUTURE_SLACK = Duration.ofHours(1);
    private static final DateTimeFormatter RECENT_TIME = DateTimeFormatter.ofPattern("MMM ppd HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter OLD_TIME = DateTimeFormatter.ofPattern("MMM ppd  yyyy", Locale.ENGLISH);
    private static final String RWX = "rwxrwxrwx";

    private final Instant now;
    private final ZoneId zone;

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
        return String.format(Locale.ROOT, "%s %4d %-8s %-8s %12d %s %s",
                permissions(entry, writable), 1, "ftp", "ftp", entry.size(), time(entry.modified()), entry.name());
    }

    private static String permissions(FileEntry entry, boolean writable) {
        StringBuilder text = new StringBuilder(10);
        text.append(switch (entry.kind()) {
            case DIRECTORY -> 'd';
            case FILE -> '-';
            case OTHER -> '?';
        });
        int mode = writable ? entry.mode() : entry.mode() & ~0222;
        for (int bit = 0; bit < 9; bit++) {
            text.append((mode & (0400 >> bit)) != 0 ? RWX.charAt(bit) : '-');
        }
        return text.toString();
    }

    private String time(Instant modified) {
        boolean recent = modified.isAfter(now.minus(RECENT)) && modified.isBefore(now.plus(FUTURE_SLACK));
        return (recent ? RECENT_TIME : OLD_TIME).format(modified.atZone(zone));
    }
}
