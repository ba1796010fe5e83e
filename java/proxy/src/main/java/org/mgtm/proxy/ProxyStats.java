package org.mgtm.proxy;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one {@link Grouper} (or several sharing them): how much grouping happened. */
public final class ProxyStats {
    final LongAdder rounds = new LongAdder();
    final LongAdder multiRequests = new LongAdder();
    final LongAdder groupedBackendRequests = new LongAdder();
    final LongAdder forwardedRequests = new LongAdder();
    final LongAdder failedRequests = new LongAdder();
    private volatile java.util.function.IntConsumer roundListener = n -> { };

    /** A round went upstream carrying {@code backendRequests} backend requests. */
    void roundSent(int backendRequests) {
        rounds.increment();
        roundListener.accept(backendRequests);
    }

    /** Told the size of every round from now on (the metrics' histogram). */
    void onRound(java.util.function.IntConsumer listener) {
        roundListener = listener;
    }

    /** Rounds sent upstream. */
    public long rounds() {
        return rounds.sum();
    }

    /** MULTI requests sent upstream. */
    public long multiRequests() {
        return multiRequests.sum();
    }

    /** Backend requests those MULTI requests carried. */
    public long groupedBackendRequests() {
        return groupedBackendRequests.sum();
    }

    /** Backend requests forwarded one by one (sequences, autovacuum begins, ...). */
    public long forwardedRequests() {
        return forwardedRequests.sum();
    }

    /** Backend requests answered with an error because no leader answered in time. */
    public long failedRequests() {
        return failedRequests.sum();
    }

    /** Backend requests per round. */
    public double requestsPerRound() {
        long r = rounds();
        return r == 0 ? 0 : (double) (groupedBackendRequests() + forwardedRequests()) / r;
    }

    /** Backend requests per upstream request: above 1 when grouping pays. */
    public double requestsPerUpstreamRequest() {
        long upstream = multiRequests() + forwardedRequests();
        return upstream == 0 ? 0 : (double) (groupedBackendRequests() + forwardedRequests()) / upstream;
    }
}
