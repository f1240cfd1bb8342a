package dev.loomftp.storage;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An iterator that fetches each element one ahead, for sources that skip some of what they read
 * (names a listing hides, entries gone since) and tell their end by having nothing left. A plain
 * iterator rather than a stream: it runs once an entry of large folders.
 *
 * @param <T> the elements; never null
 */
public abstract class AheadIterator<T> implements Iterator<T> {
    private T next;
    private boolean ended;

    /** The next element to give, skipping what is not to be given; null when there is none left. */
    protected abstract T fetch();

    @Override
    public final boolean hasNext() {
        if (next == null && !ended) {
            next = fetch();
            ended = next == null;
        }
        return next != null;
    }

    @Override
    public final T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T element = next;
        next = null;
        return element;
    }
}
