package dev.loomftp.s3;

import dev.loomftp.storage.AtomicChannel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * An object written as a stream: bytes fill a part in memory, and each full part goes to a
 * multipart upload on a virtual thread of its own while the next fills, at most
 * {@link S3Tuning#partsInFlight} at a time, so an upload holds at most that many parts and one
 * more, whatever its size. {@link #close} sends the last part and completes the upload, which
 * makes the object all at once; a file smaller than a part goes in one PUT. {@link #abort}
 * aborts the multipart upload and the object stays as it was.
 *
 * <p>A write that keeps the object's first bytes (a resume, an append) starts the upload with
 * them: whole parts are copied inside the storage (UploadPartCopy), and only the rest, less than
 * a part, is read into the first part. Every thread this starts has ended when close or abort
 * returns. Used by one thread at a time.
 */
final class S3WriteChannel implements AtomicChannel {
    private final S3Client client;
    private final String bucket;
    private final String key;
    private final S3Tuning tuning;
    private final int partSize;
    private final Deque<PartSend> sending = new ArrayDeque<>();
    private final Deque<byte[]> spare = new ArrayDeque<>();
    private final List<CompletedPart> parts = new ArrayList<>();
    private byte[] part;
    private int filled;
    private long position;
    private String upload;
    private boolean open = true;
    private boolean aborted;
    private IOException failure;

    /**
     * @param kept    how many of the object's first bytes the new object starts with
     * @param version the ETag of the object those bytes come from: if it changes meanwhile, the
     *                write fails rather than splice two versions
     */
    S3WriteChannel(S3Client client, String bucket, String key, long kept, String version, S3Tuning tuning)
            throws IOException {
        this.client = client;
        this.bucket = bucket;
        this.key = key;
        this.tuning = tuning;
        this.partSize = (int) tuning.partSize();
        if (kept > 0) {
            try {
                keep(kept, version);
            } catch (SdkException e) {
                fail(S3Errors.of(e, key));
                throw failure;
            } catch (IOException | RuntimeException e) {
                fail(e);
                throw e;
            }
        }
    }

    /** Starts with the object's first {@code kept} bytes: whole parts copied, the rest read. */
    private void keep(long kept, String version) throws IOException {
        long copied = kept - kept % partSize;
        if (copied > 0) {
            long chunk = Math.max(partSize, tuning.copyPartSize(kept) / partSize * partSize);
            start();
            for (long from = 0; from < copied; from += chunk) {
                int number = parts.size() + 1;
                String range = "bytes=" + from + "-" + (Math.min(from + chunk, copied) - 1);
                String etag = client.uploadPartCopy(request -> request.sourceBucket(bucket).sourceKey(key)
                        .destinationBucket(bucket).destinationKey(key).uploadId(upload).partNumber(number)
                        .copySourceRange(range).copySourceIfMatch(version)).copyPartResult().eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
        }
        position = copied;
        if (kept > copied) {
            part = new byte[partSize];
            String range = "bytes=" + copied + "-" + (kept - 1);
            try (InputStream in = client.getObject(request -> request.bucket(bucket).key(key).range(range)
                    .ifMatch(version))) {
                filled = in.readNBytes(part, 0, (int) (kept - copied));
            }
            if (filled != kept - copied) {
                throw new IOException("the object " + key + " changed while it was read");
            }
            position = kept;
        }
    }

    /**
     * Adds bytes, sending each part as it fills. When a part fails, the upload is aborted at
     * once: no later {@link #close} can complete it without that part.
     */
    @Override
    public int write(ByteBuffer source) throws IOException {
        ensureOpen();
        try {
            return fill(source);
        } catch (IOException | RuntimeException e) {
            fail(e);
            throw e;
        }
    }

    private int fill(ByteBuffer source) throws IOException {
        int written = 0;
        while (source.hasRemaining()) {
            if (part == null) {
                part = spare.isEmpty() ? new byte[partSize] : spare.pop();
                filled = 0;
            }
            int length = Math.min(source.remaining(), partSize - filled);
            source.get(part, filled, length);
            filled += length;
            written += length;
            position += length;
            if (filled == partSize) {
                send();
            }
        }
        return written;
    }

    /** Sends the part filled so far, after the oldest part in flight when there are enough of them. */
    private void send() throws IOException {
        if (upload == null) {
            start();
        }
        if (parts.size() + sending.size() >= S3Tuning.MAX_PARTS) {
            throw new IOException("the upload is larger than " + S3Tuning.MAX_PARTS + " parts of "
                    + partSize / (1024 * 1024) + " MiB; a larger partSize lets it through");
        }
        while (sending.size() >= tuning.partsInFlight()) {
            finish(sending.pop());
        }
        PartSend next = new PartSend(parts.size() + sending.size() + 1, part, filled);
        next.thread = Thread.ofVirtual().name("loomftp-s3-part").start(next);
        sending.add(next);
        part = null;
        filled = 0;
    }

    /** Waits for a part in flight, and takes it into the upload or fails with it. */
    private void finish(PartSend sent) throws IOException {
        awaitEnd(sent.thread);
        switch (sent.failure) {
            case SdkException e -> throw S3Errors.of(e, key);
            case Error e -> throw e;
            case Throwable e -> throw new IOException("a part of " + key + " failed", e);
            case null -> {
                if (sent.etag == null) {
                    throw new IOException("the storage gave no ETag for a part of " + key);
                }
            }
        }
        parts.add(CompletedPart.builder().partNumber(sent.number).eTag(sent.etag).build());
        spare.push(sent.bytes);
    }

    /**
     * Waits for a part's thread to end, even when this thread is interrupted (it keeps the
     * interrupt), so that none outlives the channel: its request ends at the storage's timeout
     * at the latest, and at once when it was interrupted.
     */
    private static void awaitEnd(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void start() throws IOException {
        try {
            upload = client.createMultipartUpload(request -> request.bucket(bucket).key(key)).uploadId();
        } catch (SdkException e) {
            throw S3Errors.of(e, key);
        }
    }

    /** One part on its way, sent on its own thread. */
    private final class PartSend implements Runnable {
        final int number;
        final byte[] bytes;
        final int length;
        Thread thread;
        String etag;
        Throwable failure;

        PartSend(int number, byte[] bytes, int length) {
            this.number = number;
            this.bytes = bytes;
            this.length = length;
        }

        @Override
        public void run() {
            try {
                etag = client.uploadPart(request -> request.bucket(bucket).key(key).uploadId(upload)
                        .partNumber(number).contentLength((long) length), body(bytes, length)).eTag();
            } catch (Throwable e) {
                // Whatever it is, the writer's thread reports it, at the next part or at close,
                // and aborts the upload; nothing is printed from here.
                failure = e;
            }
        }
    }

    /** The first {@code length} bytes of {@code bytes}, which the SDK may read more than once (to sign them, to retry). */
    private static RequestBody body(byte[] bytes, int length) {
        ContentStreamProvider content = () -> new java.io.ByteArrayInputStream(bytes, 0, length);
        return RequestBody.fromContentProvider(content, length, "application/octet-stream");
    }

    /**
     * Makes what was written the object: one PUT, or the last part and the upload's completion.
     * After {@link #abort}, does nothing; after a failed write, fails again: the bytes were not
     * stored.
     */
    @Override
    public void close() throws IOException {
        if (!open) {
            if (failure != null && !aborted) {
                throw new IOException("the upload of " + key + " failed and was not stored", failure);
            }
            return;
        }
        try {
            if (upload == null) {
                byte[] bytes = part == null ? new byte[0] : part;
                client.putObject(request -> request.bucket(bucket).key(key), body(bytes, filled));
            } else {
                if (filled > 0 || parts.size() + sending.size() == 0) {
                    send();
                }
                while (!sending.isEmpty()) {
                    finish(sending.pop());
                }
                client.completeMultipartUpload(request -> request.bucket(bucket).key(key).uploadId(upload)
                        .multipartUpload(whole -> whole.parts(parts)));
            }
            open = false;
        } catch (SdkException e) {
            IOException failed = S3Errors.of(e, key);
            fail(failed);
            throw failed;
        } catch (IOException | RuntimeException e) {
            fail(e);
            throw e;
        } finally {
            part = null;
            spare.clear();
        }
    }

    /** Stops the parts in flight, waits for their threads, and aborts the upload: the object stays as it was. */
    @Override
    public void abort() {
        aborted = true;
        drop();
    }

    /** Drops the upload after {@code cause}, which a later close reports again. */
    private void fail(Exception cause) {
        if (failure == null) {
            failure = cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
        }
        drop();
    }

    private void drop() {
        if (!open) {
            return;
        }
        open = false;
        for (PartSend sent : sending) {
            sent.thread.interrupt();
        }
        for (PartSend sent : sending) {
            awaitEnd(sent.thread);
        }
        sending.clear();
        part = null;
        spare.clear();
        if (upload != null) {
            // The SDK refuses to start a call on an interrupted thread, as a stopping server's
            // are: the abort is sent with the interrupt set aside, and it is set again after.
            boolean interrupted = Thread.interrupted();
            try {
                client.abortMultipartUpload(request -> request.bucket(bucket).key(key).uploadId(upload));
            } catch (SdkException e) {
                // Left for the sweep at start, which aborts uploads older than a day.
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        return position;
    }

    /** Only where the writing already is: an object is written from start to end. */
    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition != position) {
            throw new IOException("object storage writes from start to end");
        }
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return position;
    }

    /** Only to where the writing already is. */
    @Override
    public SeekableByteChannel truncate(long size) throws IOException {
        ensureOpen();
        if (size < position) {
            throw new IOException("object storage writes from start to end");
        }
        return this;
    }

    @Override
    public int read(ByteBuffer target) {
        throw new NonReadableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
