package dev.loomftp.server;

import java.nio.ByteBuffer;

/**
 * Line-end conversion for TYPE A transfers (RFC 959 section 3.1.1.1), one buffer at a time so
 * that files of any size stream through. Files are stored with LF line ends and sent with CRLF.
 */
final class Ascii {
    private Ascii() {}

    /** Turns LF into CRLF for sending. An LF that already follows a CR is left alone. */
    static final class Encoder {
        private boolean afterCr;

        /** Converts all of {@code in} into {@code out}, which needs room for twice its size. */
        void encode(ByteBuffer in, ByteBuffer out) {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n' && !afterCr) {
                    out.put((byte) '\r');
                }
                out.put(b);
                afterCr = b == '\r';
            }
        }

        /** The size of {@code in} once encoded; the encoder's state moves on as if it had been. */
        long measure(ByteBuffer in) {
            long size = 0;
            while (in.hasRemaining()) {
                byte b = in.get();
                size += b == '\n' && !afterCr ? 2 : 1;
                afterCr = b == '\r';
            }
            return size;
        }
    }

    /** Turns CRLF into LF on receipt. A CR not followed by LF is kept. */
    static final class Decoder {
        private boolean pendingCr;

        /** Converts all of {@code in} into {@code out}, which needs room for its size plus one. */
        void decode(ByteBuffer in, ByteBuffer out) {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (pendingCr) {
                    pendingCr = false;
                    if (b != '\n') {
                        out.put((byte) '\r');
                    }
                }
                if (b == '\r') {
                    pendingCr = true;
                } else {
                    out.put(b);
                }
            }
        }

        /** Writes a CR held back at the end of the data. */
        void finish(ByteBuffer out) {
            if (pendingCr) {
                out.put((byte) '\r');
                pendingCr = false;
            }
        }
    }
}
