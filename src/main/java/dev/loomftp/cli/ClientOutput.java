package dev.loomftp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loomftp.client.FtpException;
import dev.loomftp.client.TransferListener;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * What {@code loomftp client} prints. On a terminal a transfer shows a progress bar (bytes, rate,
 * ETA) on standard error; otherwise each result is one plain line on standard output. With
 * {@code -q} only errors are printed, and with {@code --json} each result is one JSON object
 * per line, for scripts. Errors are one line on standard error, never a stack trace.
 */
final class ClientOutput {
    /** How results are printed. */
    enum Style {
        TEXT, QUIET, JSON
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long REDRAW_NANOS = Duration.ofMillis(100).toNanos();
    private static final int BAR_WIDTH = 20;

    private final Io io;
    private final Style style;
    private final boolean terminal;

    /** Output on {@code io}, with progress bars when it has a terminal. */
    ClientOutput(Io io, Style style) {
        this(io, style, io.console() != null);
    }

    ClientOutput(Io io, Style style, boolean terminal) {
        this.io = io;
        this.style = style;
        this.terminal = terminal;
    }

    Style style() {
        return style;
    }

    /** A progress bar for one transfer of {@code total} bytes (-1 when unknown), on a terminal only. */
    ProgressBar progress(String name, long total) {
        return new ProgressBar(name, total, terminal && style == Style.TEXT);
    }

    /** A plain line of output, such as a server's reply or a listing line; none with -q or --json. */
    void line(String text) {
        if (style == Style.TEXT) {
            io.out().println(text);
        }
    }

    /** Output that is the result itself (a listing, a folder name): printed unless --json. */
    void result(String text) {
        if (style != Style.JSON) {
            io.out().println(text);
        }
    }

    /** One finished step: a text line, or a JSON object with these fields. */
    void done(String text, Map<String, Object> fields) {
        switch (style) {
            case TEXT -> io.out().println(text);
            case JSON -> json(fields);
            case QUIET -> {
                // Only errors.
            }
        }
    }

    void json(Map<String, Object> fields) {
        try {
            io.out().println(JSON.writeValueAsString(fields));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of plain values always turns into JSON", e);
        }
    }

    /** Says what failed, in one line, and returns the exit code for it. */
    int fail(IOException error) {
        int code = exitCode(error);
        io.err().println("loomftp client: " + message(error));
        if (style == Style.JSON) {
            json(Map.of("error", message(error), "exit", code));
        }
        return code;
    }

    /**
     * The words for a failure, with the usual ones said plainly: the server's own reply as it
     * came, and never the name of a Java class.
     */
    static String message(IOException error) {
        return switch (error) {
            case FtpException refused -> refused.getMessage();
            case UnknownHostException unknown -> "unknown host " + unknown.getMessage();
            case SSLException tls -> "TLS failed: " + ErrorText.of(tls);
            default -> ErrorText.of(error);
        };
    }

    /**
     * 4 connection (or TLS), 5 login, 7 not found, 6 anything else a command or transfer did wrong
     * (a refused write among it).
     */
    static int exitCode(IOException error) {
        return switch (error) {
            case FtpException refused when refused.reply().code() == 530 -> ExitCode.LOGIN;
            case FtpException refused when refused.reply().code() == 550 && !denied(refused) -> ExitCode.NOT_FOUND;
            case ClientSettings.LoginException noCredentials -> ExitCode.LOGIN;
            case ClientScript.MissingFolderException missing -> ExitCode.NOT_FOUND;
            case ConnectException refused -> ExitCode.CONNECTION;
            case UnknownHostException unknown -> ExitCode.CONNECTION;
            case SocketTimeoutException late -> ExitCode.CONNECTION;
            case SSLException tls -> ExitCode.CONNECTION;
            default -> ExitCode.TRANSFER;
        };
    }

    /** Whether a 550 says the file is there but may not be used, rather than that it is missing. */
    private static boolean denied(FtpException refused) {
        String text = String.join(" ", refused.reply().lines()).toLowerCase(Locale.ROOT);
        return text.contains("permission") || text.contains("denied") || text.contains("privilege");
    }

    /** Bytes as people read them: 512 B, 1.5 KiB, 12.0 MiB. */
    static String bytes(double count) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int unit = 0;
        while (count >= 1024 && unit < units.length - 1) {
            count /= 1024;
            unit++;
        }
        return unit == 0 ? String.format(Locale.ROOT, "%.0f %s", count, units[0])
                : String.format(Locale.ROOT, "%.1f %s", count, units[unit]);
    }

    /** A transfer's progress drawn on one terminal line, at most ten times a second. */
    final class ProgressBar implements TransferListener {
        private final String name;
        private final long total;
        private final boolean shown;
        private final long started = System.nanoTime();
        private long drawn;
        private long latest;

        private ProgressBar(String name, long total, boolean shown) {
            this.name = name;
            this.total = total;
            this.shown = shown;
        }

        @Override
        public void transferred(long bytes) {
            latest = bytes;
            long now = System.nanoTime();
            if (shown && now - drawn >= REDRAW_NANOS) {
                drawn = now;
                draw(now);
            }
        }

        /** Draws the last state and ends the line. */
        void finish() {
            if (shown) {
                draw(System.nanoTime());
                io.err().println();
            }
        }

        /** The seconds since the transfer began. */
        double seconds() {
            return (System.nanoTime() - started) / 1e9;
        }

        private void draw(long now) {
            double seconds = Math.max((now - started) / 1e9, 1e-3);
            double rate = latest / seconds;
            StringBuilder line = new StringBuilder("\r").append(name.length() > 30 ? "..." + name.substring(name.length() - 27) : name);
            if (total > 0) {
                int percent = (int) Math.min(100, latest * 100 / total);
                int filled = percent * BAR_WIDTH / 100;
                line.append(String.format(Locale.ROOT, " %3d%% [%s%s]", percent, "=".repeat(filled),
                        " ".repeat(BAR_WIDTH - filled)));
            }
            line.append(' ').append(bytes(latest)).append("  ").append(bytes(rate)).append("/s");
            if (total > 0 && rate > 0 && latest < total) {
                long eta = (long) ((total - latest) / rate);
                line.append(String.format(Locale.ROOT, "  ETA %d:%02d", eta / 60, eta % 60));
            }
            io.err().print(line.append("\u001b[K"));
            io.err().flush();
        }
    }
}
