package dev.loomftp.server;

/** The representation type set by TYPE (RFC 959 section 3.1.1). */
enum TransferType {
    /** TYPE A: text, with line ends sent as CRLF. The RFC 959 default. */
    ASCII("A", "ASCII"),
    /** TYPE I: bytes as they are. */
    BINARY("I", "BINARY");

    private final String code;
    private final String label;

    TransferType(String code, String label) {
        this.code = code;
        this.label = label;
    }

    String code() {
        return code;
    }

    String label() {
        return label;
    }
}
