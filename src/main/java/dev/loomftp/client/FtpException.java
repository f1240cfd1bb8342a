package dev.loomftp.client;

import dev.loomftp.protocol.Reply;
import java.io.IOException;
import java.io.Serial;

/** The server refused a command: its reply says why. */
public final class FtpException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Reply reply;

    public FtpException(String action, Reply reply) {
        super(action + ": " + reply.code() + " " + String.join(" ", reply.lines()));
        this.reply = reply;
    }

    public Reply reply() {
        return reply;
    }
}
