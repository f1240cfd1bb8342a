package dev.loomftp.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Passive data connections opened by hand, next to a {@link RawClient}. */
final class DataSocket {
    private static final Pattern EPSV_PORT = Pattern.compile("\\(\\|\\|\\|(\\d+)\\|\\)");

    private DataSocket() {}

    /** Sends EPSV and connects to the port it names. */
    static Socket open(RawClient control) throws IOException {
        RawClient.Reply reply = control.command("EPSV");
        Matcher port = EPSV_PORT.matcher(reply.text());
        if (reply.code() != 229 || !port.find()) {
            throw new IOException("EPSV failed: " + reply);
        }
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(control.host(), Integer.parseInt(port.group(1))), 10_000);
        socket.setSoTimeout(20_000);
        return socket;
    }

    /** Downloads a file through EPSV and returns its bytes as they came over the wire. */
    static byte[] retrieve(RawClient control, String name) throws IOException {
        try (Socket data = open(control)) {
            expect(150, control.command("RETR " + name));
            try (InputStream in = data.getInputStream()) {
                byte[] bytes = in.readAllBytes();
                expect(226, control.reply());
                return bytes;
            }
        }
    }

    /** Lists the names in the current folder through EPSV and NLST, as they came over the wire. */
    static byte[] listNames(RawClient control) throws IOException {
        try (Socket data = open(control)) {
            RawClient.Reply opening = control.command("NLST");
            if (opening.code() != 150 && opening.code() != 125) {
                throw new IOException("NLST failed: " + opening);
            }
            byte[] bytes = data.getInputStream().readAllBytes();
            expect(226, control.reply());
            return bytes;
        }
    }

    static void expect(int code, RawClient.Reply reply) throws IOException {
        if (reply.code() != code) {
            throw new IOException("expected " + code + " but got " + reply);
        }
    }
}
