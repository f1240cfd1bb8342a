package dev.loomftp.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * An object read as a stream from a position: one GET from there to the end (a ranged GET past
 * the start, as for REST + RETR), opened at the first read and again after a move. Bytes come
 * through a small buffer, never the whole object.
 */
final class S3ReadChannel implements SeekableByteChannel {
    private final S3Client client;
    private final String bucket;
    private final String key;
    private final long size;
    private final String version;
    private final byte[] chunk = new byte[64 * 1024];
    private ResponseInputStream<GetObjectResponse> stream;
    private long position;
    private boolean open = true;

    /**
     * @param size    the object's size when it was opened
     * @param version its ETag then: every GET asks for that version, so a transfer never mixes
     *                two, nor sends more than the size it announced
     */
    S3ReadChannel(S3Client client, String bucket, String key, long size, String version) {
        this.client = client;
        this.bucket = bucket;
        this.key = key;
        this.size = size;
        this.version = version;
    }

    @Override
    public int read(ByteBuffer target) throws IOException {
        ensureOpen();
        if (position >= size) {
            return -1;
        }
        InputStream in = stream();
        int read = in.read(chunk, 0, (int) Math.min(Math.min(chunk.length, target.remaining()), size - position));
        if (read < 0) {
            throw new IOException("the object " + key + " ended before its size");
        }
        target.put(chunk, 0, read);
        position += read;
        return read;
    }

    private InputStream stream() throws IOException {
        if (stream == null) {
            long from = position;
            try {
                stream = client.getObject(request -> {
                    request.bucket(bucket).key(key).ifMatch(version);
                    if (from > 0) {
                        request.range("bytes=" + from + "-");
                    }
                });
            } catch (SdkException e) {
                throw S3Errors.of(e, key);
            }
        }
        return stream;
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("a position is never negative");
        }
        if (newPosition != position) {
            drop();
            position = newPosition;
        }
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return size;
    }

    @Override
    public int write(ByteBuffer source) {
        throw new NonWritableChannelException();
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /**
     * Ends the GET: one read to the end gives its connection back to the pool; one cut short is
     * aborted, so that what it has not sent is not read to the end for nothing.
     */
    @Override
    public void close() {
        open = false;
        drop();
    }

    private void drop() {
        if (stream != null) {
            if (position < size) {
                stream.abort();
            }
            try {
                stream.close();
            } catch (IOException | RuntimeException e) {
                // Aborted, or its connection closed: nothing is left to give back.
            }
            stream = null;
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
