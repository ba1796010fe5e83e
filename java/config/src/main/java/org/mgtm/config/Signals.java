package org.mgtm.config;

import java.util.concurrent.CountDownLatch;

/**
 * How every long-running mgtm program stops: SIGTERM or SIGINT end a clean stop (the program closes
 * what it runs and exits 0), where a JVM left to the default handling would exit with 143.
 */
public final class Signals {
    private Signals() {
    }

    /** Blocks until SIGTERM or SIGINT arrives. */
    public static void awaitStop() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stop.countDown());
        }
        stop.await();
    }
}
