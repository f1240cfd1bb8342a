package dev.loomftp.server;

import dev.loomftp.protocol.ControlLine;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The control lines that came during a transfer and wait for its end, in their order (RFC 959:
 * each command's reply in turn). What they hold is bounded: each line counts its length and
 * {@value #LINE_COST} bytes more, for the objects that keep it, up to a budget. Past the budget a
 * line is not kept but counted, and {@link #poll} gives a {@link ControlLine.NotHeld} in its place,
 * so that it still gets a reply; every later line is counted too, which keeps the order.
 *
 * <p>Used by the session's thread only.
 */
final class HeldLines {
    private static final int LINE_COST = 64;

    private final int budget;
    private final Deque<ControlLine> lines = new ArrayDeque<>();
    private long size;
    private long notHeld;

    /** @param budget the bytes that held lines may count together */
    HeldLines(int budget) {
        this.budget = budget;
    }

    /** Holds a line for later; returns false when it is past the budget and only counted. */
    boolean add(ControlLine line) {
        long cost = cost(line);
        if (notHeld == 0 && size + cost <= budget) {
            lines.add(line);
            size += cost;
            return true;
        }
        notHeld++;
        return false;
    }

    /** The first line held, a {@link ControlLine.NotHeld} for one past the budget, or null when none is left. */
    ControlLine poll() {
        ControlLine line = lines.poll();
        if (line != null) {
            size -= cost(line);
            return line;
        }
        if (notHeld > 0) {
            notHeld--;
            return new ControlLine.NotHeld(budget);
        }
        return null;
    }

    private static long cost(ControlLine line) {
        return line instanceof ControlLine.Text text ? LINE_COST + text.text().length() : LINE_COST;
    }
}
