package dev.loomftp.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * An {@code ftp://[user@]host[:port]/path} address, as curl and browsers write it, or
 * {@code ftps://} for implicit FTPS. A password in the address is refused: command lines end up in
 * shell histories and process lists.
 *
 * @param implicitTls whether TLS starts at once ({@code ftps://})
 * @param user        the user name, if given
 * @param host        the server
 * @param port        the port: 5550 for ftp://, 990 for ftps://, unless given
 * @param path        the path on the server, decoded, "" for the login folder
 */
public record FtpUrl(boolean implicitTls, Optional<String> user, String host, int port, String path) {
    public static final int DEFAULT_PORT = 5550;
    public static final int DEFAULT_IMPLICIT_TLS_PORT = 990;

    /**
     * Parses an address.
     *
     * @throws IllegalArgumentException when it is not an ftp:// address, or holds a password
     */
    public static FtpUrl parse(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not an address: " + text);
        }
        boolean implicitTls = "ftps".equalsIgnoreCase(uri.getScheme());
        if (!implicitTls && !"ftp".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("not an ftp://host/path or ftps://host/path address: " + text);
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && userInfo.contains(":")) {
            throw new IllegalArgumentException("no password in the address, please: it would stay in the shell "
                    + "history; use ~/.netrc, LOOMFTP_PASSWORD or the prompt");
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        String rawPath = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "" : uri.getRawPath().substring(1);
        int defaultPort = implicitTls ? DEFAULT_IMPLICIT_TLS_PORT : DEFAULT_PORT;
        return new FtpUrl(implicitTls, Optional.ofNullable(userInfo).map(FtpUrl::decode), host,
                uri.getPort() < 0 ? defaultPort : uri.getPort(), decode(rawPath));
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
