package dev.loomftp.protocol;

/** What the control-channel reader produced: a command line, a line it refused, or the end. */
public sealed interface ControlLine {

    /** A complete line, without its line end. */
    record Text(String text) implements ControlLine {}

    /** A line longer than the limit. Its bytes were read and dropped, never buffered. */
    record TooLong(int limit) implements ControlLine {}

    /**
     * A line in which a Telnet subnegotiation (IAC SB) did not end with IAC SE before the line end
     * or within {@code limit} bytes. What is left of the line was skipped.
     */
    record UnterminatedSubnegotiation(int limit) implements ControlLine {}

    /** A line whose bytes are not valid UTF-8. */
    record Malformed() implements ControlLine {}

    /**
     * A line that came during a transfer after the lines held for after it had used up their
     * {@code budget} of bytes: its text was not kept, but it still gets a reply in its place.
     */
    record NotHeld(int budget) implements ControlLine {}

    /** The peer closed the connection, or it failed. */
    record End() implements ControlLine {}
}
