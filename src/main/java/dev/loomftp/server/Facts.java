package dev.loomftp.server;

import dev.loomftp.storage.FileEntry;
import dev.loomftp.storage.Permission;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The facts of MLST and MLSD (RFC 3659 section 7): {@code type=file;size=12;modify=...; name}.
 * Which facts are sent is chosen per session with OPTS MLST.
 */
final class Facts {
    /** Every fact this server knows, in the order they are sent. */
    static final List<String> KNOWN = List.of("type", "size", "modify", "perm", "unique", "unix.mode");
    static final Set<String> ALL = Set.copyOf(KNOWN);

    /** The time form of MDTM, MFMT and the modify fact: UTC, to the second. */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Facts() {}

    /**
     * One entry's facts, then a space and its name.
     *
     * @param permissions what the user may do in the entry's mount, which the perm fact shows
     */
    static String line(FileEntry entry, String name, Set<Permission> permissions, Set<String> chosen) {
        StringBuilder text = new StringBuilder();
        for (String fact : KNOWN) {
            if (chosen.contains(fact)) {
                value(entry, fact, permissions).ifPresent(value -> text.append(fact).append('=').append(value).append(';'));
            }
        }
        return text.append(' ').append(name).toString();
    }

    /**
     * The facts of many entries, for MLSD, as {@link #line} writes them, but what entries share is
     * worked out once: which facts are chosen, the perm fact of a mount, the time of one second.
     * Most of MLSD's own time went to working those out for every entry. One listing, one thread.
     */
    static final class Writer {
        private final boolean type;
        private final boolean size;
        private final boolean modify;
        private final boolean perm;
        private final boolean unique;
        private final boolean unixMode;
        private Set<Permission> lastPermissions;
        private String filePerm;
        private String folderPerm;
        private long lastSecond = Long.MIN_VALUE;
        private String lastTime;

        Writer(Set<String> chosen) {
            type = chosen.contains("type");
            size = chosen.contains("size");
            modify = chosen.contains("modify");
            perm = chosen.contains("perm");
            unique = chosen.contains("unique");
            unixMode = chosen.contains("unix.mode");
        }

        /** As {@link Facts#line}, with the entry's own name. */
        String line(FileEntry entry, Set<Permission> permissions) {
            StringBuilder text = new StringBuilder(96 + entry.name().length());
            if (type) {
                text.append("type=").append(type(entry)).append(';');
            }
            if (size) {
                text.append("size=").append(entry.size()).append(';');
            }
            if (modify) {
                text.append("modify=").append(time(entry.modified().getEpochSecond())).append(';');
            }
            if (perm) {
                text.append("perm=").append(perm(entry.isDirectory(), permissions)).append(';');
            }
            if (unique && entry.unique() != null) {
                text.append("unique=").append(entry.unique()).append(';');
            }
            if (unixMode) {
                text.append("unix.mode=").append(mode(entry.mode())).append(';');
            }
            return text.append(' ').append(entry.name()).toString();
        }

        private String time(long second) {
            if (second != lastSecond) {
                lastTime = Facts.time(Instant.ofEpochSecond(second));
                lastSecond = second;
            }
            return lastTime;
        }

        private String perm(boolean folder, Set<Permission> permissions) {
            if (permissions != lastPermissions) {
                filePerm = Facts.perm(false, permissions);
                folderPerm = Facts.perm(true, permissions);
                lastPermissions = permissions;
            }
            return folder ? folderPerm : filePerm;
        }
    }

    /** The FEAT line: every fact, with a star after those now chosen. */
    static String feature(Set<String> chosen) {
        return "MLST " + KNOWN.stream().map(fact -> fact + (chosen.contains(fact) ? "*;" : ";"))
                .collect(Collectors.joining());
    }

    /**
     * OPTS MLST: the facts asked for, as {@code type;size;}. Unknown names are ignored, as the RFC
     * says; an empty list turns every fact off.
     */
    static Set<String> parseChoice(String argument) {
        Set<String> chosen = new LinkedHashSet<>();
        for (String name : argument.strip().split(";")) {
            String fact = name.strip().toLowerCase(Locale.ROOT);
            if (ALL.contains(fact)) {
                chosen.add(fact);
            }
        }
        return Set.copyOf(chosen);
    }

    static String time(Instant instant) {
        // By hand for the years of four digits: MLSD writes one an entry, and the formatter was
        // most of MLSD's own time together with String.format below.
        LocalDateTime time = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        if (time.getYear() < 1000 || time.getYear() > 9999) {
            return TIME.format(instant);
        }
        StringBuilder text = new StringBuilder(14).append(time.getYear());
        for (int field : new int[] {time.getMonthValue(), time.getDayOfMonth(), time.getHour(), time.getMinute(),
            time.getSecond()}) {
            text.append((char) ('0' + field / 10)).append((char) ('0' + field % 10));
        }
        return text.toString();
    }

    /** The unix.mode fact: the permission bits in octal, with a leading 0, as {@code 0644}. */
    static String mode(int mode) {
        String octal = Integer.toOctalString(mode);
        return "0" + "0".repeat(Math.max(0, 3 - octal.length())) + octal;
    }

    private static Optional<String> value(FileEntry entry, String fact, Set<Permission> permissions) {
        return switch (fact) {
            case "type" -> Optional.of(type(entry));
            case "size" -> Optional.of(Long.toString(entry.size()));
            case "modify" -> Optional.of(time(entry.modified()));
            case "perm" -> Optional.of(perm(entry, permissions));
            case "unique" -> Optional.ofNullable(entry.unique());
            case "unix.mode" -> Optional.of(mode(entry.mode()));
            default -> Optional.empty();
        };
    }

    private static String type(FileEntry entry) {
        return switch (entry.kind()) {
            case FILE -> "file";
            case DIRECTORY -> "dir";
            case OTHER -> "OS.unix=other";
        };
    }

    /** RFC 3659 section 7.5.5: what the user may do with the entry. */
    private static String perm(FileEntry entry, Set<Permission> permissions) {
        return perm(entry.isDirectory(), permissions);
    }

    private static String perm(boolean folder, Set<Permission> permissions) {
        StringBuilder perm = new StringBuilder();
        if (folder) {
            perm.append('e');
            append(perm, permissions, Permission.LIST, "l");
            append(perm, permissions, Permission.WRITE, "c");
            append(perm, permissions, Permission.MKDIR, "m");
            append(perm, permissions, Permission.DELETE, "pd");
        } else {
            append(perm, permissions, Permission.READ, "r");
            append(perm, permissions, Permission.WRITE, "aw");
            append(perm, permissions, Permission.DELETE, "d");
        }
        append(perm, permissions, Permission.RENAME, "f");
        return perm.toString();
    }

    private static void append(StringBuilder perm, Set<Permission> permissions, Permission needed, String letters) {
        if (permissions.contains(needed)) {
            perm.append(letters);
        }
    }
}
