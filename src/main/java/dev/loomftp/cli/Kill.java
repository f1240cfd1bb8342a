package dev.loomftp.cli;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Sends a signal to a process, through the C library's {@code kill(2)}: Java itself can send
 * only SIGTERM and SIGKILL ({@link ProcessHandle#destroy}), and {@code loomftp reload} needs
 * SIGHUP. The numbers are POSIX's, the same on every Unix.
 */
final class Kill {
    static final int SIGHUP = 1;
    static final int SIGINT = 2;
    static final int SIGTERM = 15;
    private static final int EPERM = 1;
    private static final int ESRCH = 3;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle KILL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("kill").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"));

    private Kill() {}

    /**
     * Sends {@code signal} to the process {@code pid}.
     *
     * @throws IOException when the system refuses, with its reason in words
     */
    static void send(long pid, int signal) throws IOException {
        int result;
        int errno;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            try {
                result = (int) KILL.invokeExact(state, Math.toIntExact(pid), signal);
            } catch (Throwable e) {
                throw new IllegalStateException("kill(2) could not be called", e);
            }
            errno = (int) ERRNO.get(state, 0L);
        }
        if (result != 0) {
            throw new IOException(switch (errno) {
                case EPERM -> "not permitted: run this as the user the server runs as, or as root";
                case ESRCH -> "the process has ended";
                default -> "the system refused the signal (errno " + errno + ")";
            });
        }
    }
}
