package dev.loomftp.storage;

/**
 * The most a mount may hold: bytes and files, each {@link #UNLIMITED} when it has no limit. On a
 * mount whose folder is each user's own, that is each user's quota there.
 *
 * @param bytes the most bytes its files may take, counted by their sizes
 * @param files the most files it may hold (folders are not counted)
 */
public record Quota(long bytes, long files) {
    public static final long UNLIMITED = Long.MAX_VALUE;
    public static final Quota NONE = new Quota(UNLIMITED, UNLIMITED);

    public Quota {
        if (bytes < 0 || files < 0) {
            throw new IllegalArgumentException("a quota is not negative");
        }
    }

    public boolean limited() {
        return bytes != UNLIMITED || files != UNLIMITED;
    }

    /** What {@code use} is of this quota, in words: "1.5 MiB of 10 MiB, 12 of 1000 files". */
    public String describe(QuotaUsage.Use use) {
        return (bytes == UNLIMITED ? size(use.bytes()) + " (no limit)" : size(use.bytes()) + " of " + size(bytes))
                + ", " + (files == UNLIMITED ? use.files() + " files (no limit)" : use.files() + " of " + files + " files");
    }

    /** A size as people read it: 0 bytes, 512 bytes, 1.5 KiB, 10 MiB. */
    public static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + (bytes == 1 ? " byte" : " bytes");
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        String number = value == Math.rint(value) ? Long.toString((long) value)
                : String.format(java.util.Locale.ROOT, "%.1f", value);
        return number + " " + units[unit];
    }
}
