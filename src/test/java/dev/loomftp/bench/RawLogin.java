package dev.loomftp.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A login on a raw socket, the least a benchmark needs to know that a server has started. */
final class RawLogin {
    private RawLogin() {}

    /** Reads the greeting, sends USER and PASS, and says whether the server answered 230. */
    static boolean login(Socket socket, String user, String password) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = socket.getOutputStream();
        if (!reply(in).startsWith("220")) {
            return false;
        }
        out.write(("USER " + user + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        String answer = reply(in);
        if (answer.startsWith("331")) {
            out.write(("PASS " + password + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            answer = reply(in);
        }
        if (answer.startsWith("230")) {
            out.write("QUIT\r\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        }
        return false;
    }

    /** The last line of the next reply, which carries its code. */
    private static String reply(BufferedReader in) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("the server closed the connection");
            }
        } while (!(line.length() >= 4 && Character.isDigit(line.charAt(0)) && line.charAt(3) == ' '));
        return line;
    }
}
