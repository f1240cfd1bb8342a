package dev.loomftp.s3;

/**
 * How uploads and copies are cut into parts.
 *
 * @param partSize        the bytes of each part of an upload, at least 5 MiB as S3 requires; an
 *                        upload holds at most {@code partsInFlight + 1} of them in memory
 * @param partsInFlight   how many parts of one upload are sent at once while the next fills
 * @param singleCopyLimit the largest object copied in one request (5 GiB in S3); beyond it, a
 *                        multipart copy
 */
public record S3Tuning(long partSize, int partsInFlight, long singleCopyLimit) {
    /** The least part size S3 accepts, but for the last part. */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    /** The most parts an upload may have. */
    static final int MAX_PARTS = 10_000;
    /** 8 MiB parts, one sent while the next fills: 16 MiB of memory an upload at most. */
    public static final S3Tuning DEFAULT = new S3Tuning(8L * 1024 * 1024, 1, S3Storage.SINGLE_COPY_LIMIT);

    public S3Tuning {
        if (partSize < MIN_PART_SIZE || partSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a part holds from 5 MiB to 2 GiB");
        }
        if (partsInFlight < 1) {
            throw new IllegalArgumentException("at least one part is sent at a time");
        }
    }

    /** The parts of a multipart copy of {@code size} bytes: as few as S3 allows, each at most 5 GiB. */
    long copyPartSize(long size) {
        long least = (size + MAX_PARTS - 1) / MAX_PARTS;
        return Math.max(Math.min(singleCopyLimit, S3Storage.SINGLE_COPY_LIMIT), Math.max(least, MIN_PART_SIZE));
    }
}
