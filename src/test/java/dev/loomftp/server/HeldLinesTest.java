package dev.loomftp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loomftp.protocol.ControlLine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeldLinesTest {
    private static final int BUDGET = 1000;

    @Test
    void linesComeBackInTheirOrder() {
        HeldLines held = new HeldLines(BUDGET);
        List<ControlLine> lines = List.of(text("PWD"), new ControlLine.TooLong(512), text("SIZE a"), new ControlLine.Malformed());

        lines.forEach(line -> assertTrue(held.add(line)));

        assertEquals(lines, drain(held));
    }

    @Test
    void linesPastTheBudgetAreCountedAndComeBackAsNotHeldAfterTheOthers() {
        HeldLines held = new HeldLines(BUDGET);
        ControlLine big = text("x".repeat(BUDGET / 2));

        assertTrue(held.add(big));
        assertFalse(held.add(big), "the second one is past the budget");
        assertFalse(held.add(text("NOOP")), "a small line after one past the budget is counted too, to keep the order");

        ControlLine notHeld = new ControlLine.NotHeld(BUDGET);
        assertEquals(List.of(big, notHeld, notHeld), drain(held));
    }

    @Test
    void takingLinesFreesTheirPartOfTheBudget() {
        HeldLines held = new HeldLines(BUDGET);
        ControlLine big = text("x".repeat(BUDGET / 2));
        assertTrue(held.add(big));

        assertEquals(big, held.poll());

        assertTrue(held.add(big));
        assertTrue(held.add(text("PWD")));
    }

    @Test
    void manyEmptyLinesAreBoundedToo() {
        HeldLines held = new HeldLines(BUDGET);
        int kept = 0;
        for (int i = 0; i < 100_000; i++) {
            kept += held.add(text("")) ? 1 : 0;
        }

        assertTrue(kept > 0 && kept <= BUDGET / 64, "kept " + kept + " empty lines");
        assertEquals(100_000, drain(held).size(), "every line still comes back once");
    }

    private static ControlLine text(String text) {
        return new ControlLine.Text(text);
    }

    private static List<ControlLine> drain(HeldLines held) {
        List<ControlLine> lines = new ArrayList<>();
        for (ControlLine line; (line = held.poll()) != null; ) {
            lines.add(line);
        }
        assertNull(held.poll());
        return lines;
    }
}
