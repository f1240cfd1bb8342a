package dev.loomftp.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * A normalized absolute path in a user's view, such as {@code /Public/notes.txt}. It never holds
 * "." or ".." segments, empty segments or NUL characters: ".." at the root stays at the root, so
 * no path a client sends can climb out of the view.
 *
 * @param segments the names from the root down
 */
public record VirtualPath(List<String> segments) {
    public static final VirtualPath ROOT = new VirtualPath(List.of());

    public VirtualPath {
        segments = List.copyOf(segments);
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")
                    || segment.indexOf('/') >= 0 || segment.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("not a path segment: '" + segment + "'");
            }
        }
    }

    /**
     * Resolves what a client typed against its current folder.
     *
     * @throws InvalidPathException when the text holds a NUL character, or names a file of an
     *                              upload in progress ({@link UploadNames})
     */
    public static VirtualPath resolve(VirtualPath cwd, String text) throws InvalidPathException {
        if (text.indexOf('\0') >= 0) {
            throw new InvalidPathException("a path may not contain NUL");
        }
        List<String> result = new ArrayList<>(text.startsWith("/") ? List.of() : cwd.segments);
        for (String segment : text.split("/")) {
            switch (segment) {
                case "", "." -> { }
                case ".." -> {
                    if (!result.isEmpty()) {
                        result.removeLast();
                    }
                }
                default -> {
                    if (UploadNames.isReserved(segment)) {
                        throw new InvalidPathException("names that start with " + UploadNames.RESERVED
                                + " are kept for uploads in progress");
                    }
                    result.add(segment);
                }
            }
        }
        return new VirtualPath(result);
    }

    public boolean isRoot() {
        return segments.isEmpty();
    }

    /** The last segment, or "/" for the root. */
    public String name() {
        return isRoot() ? "/" : segments.getLast();
    }

    public VirtualPath parent() {
        return isRoot() ? this : new VirtualPath(segments.subList(0, segments.size() - 1));
    }

    public VirtualPath child(String name) {
        List<String> longer = new ArrayList<>(segments);
        longer.add(name);
        return new VirtualPath(longer);
    }

    /** Whether {@code prefix} is this path or one of its ancestors. */
    public boolean startsWith(VirtualPath prefix) {
        return segments.size() >= prefix.segments.size()
                && segments.subList(0, prefix.segments.size()).equals(prefix.segments);
    }

    /** This path relative to {@code prefix}, which it must start with. */
    public VirtualPath relativeTo(VirtualPath prefix) {
        if (!startsWith(prefix)) {
            throw new IllegalArgumentException(this + " is not under " + prefix);
        }
        return new VirtualPath(segments.subList(prefix.segments.size(), segments.size()));
    }

    @Override
    public String toString() {
        return "/" + String.join("/", segments);
    }
}
