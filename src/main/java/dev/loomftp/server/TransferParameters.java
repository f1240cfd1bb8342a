package dev.loomftp.server;

import java.util.Set;

/**
 * How the session's transfers are done, as the client chose it: TYPE, MODE Z and its zlib level,
 * the PBSZ and PROT of RFC 4217, the algorithm of HASH, and the facts of MLST and MLSD. Each holds
 * until the client changes it; a new session starts with the defaults below.
 *
 * <p>Mutable; owned by the session's thread, which alone reads and changes it, so it needs no
 * locks.
 */
final class TransferParameters {
    /** The zlib level MODE Z uses until OPTS MODE Z LEVEL says otherwise: zlib's own default. */
    static final int DEFAULT_COMPRESSION_LEVEL = 6;

    private TransferType type = TransferType.ASCII;
    private boolean modeZ;
    private int compressionLevel = DEFAULT_COMPRESSION_LEVEL;
    private boolean bufferSizeAgreed;
    private boolean protectData;
    private String hashAlgorithm = HashCommands.DEFAULT_ALGORITHM;
    private Set<String> mlstFacts = Facts.ALL;

    TransferType type() {
        return type;
    }

    void type(TransferType newType) {
        type = newType;
    }

    /** MODE Z (true) or MODE S (false). */
    boolean modeZ() {
        return modeZ;
    }

    void modeZ(boolean on) {
        modeZ = on;
    }

    /** The zlib level of MODE Z, 0 to 9. */
    int compressionLevel() {
        return compressionLevel;
    }

    void compressionLevel(int level) {
        compressionLevel = level;
    }

    /** Whether PBSZ was sent: RFC 2228 has it come before PROT. */
    boolean bufferSizeAgreed() {
        return bufferSizeAgreed;
    }

    void agreeBufferSize() {
        bufferSizeAgreed = true;
    }

    /** PROT P (true) or PROT C (false): whether data connections use TLS. */
    boolean protectData() {
        return protectData;
    }

    void protectData(boolean on) {
        protectData = on;
    }

    String hashAlgorithm() {
        return hashAlgorithm;
    }

    void hashAlgorithm(String algorithm) {
        hashAlgorithm = algorithm;
    }

    /** The facts MLST and MLSD send, as OPTS MLST chose them. */
    Set<String> mlstFacts() {
        return mlstFacts;
    }

    void mlstFacts(Set<String> facts) {
        mlstFacts = facts;
    }

    /**
     * REIN: the defaults again, except PBSZ and PROT, which stay as they are, with the TLS of the
     * control connection that REIN does not end.
     */
    void reset() {
        type = TransferType.ASCII;
        modeZ = false;
        compressionLevel = DEFAULT_COMPRESSION_LEVEL;
        hashAlgorithm = HashCommands.DEFAULT_ALGORITHM;
        mlstFacts = Facts.ALL;
    }
}
