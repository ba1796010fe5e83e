package org.mgtm.bench;

import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import org.mgtm.config.Signals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mgtm bench relay}: a TCP relay that adds a fixed delay each way (see {@link DelayRelay}). */
@Command(name = "relay", mixinStandardHelpOptions = true,
        description = "Relay TCP connections to a target, delaying every byte by a fixed time in each direction "
                + "(puts a GTM further away for latency experiments).")
public final class RelayCommand implements Callable<Integer> {
    @Option(names = "--listen", required = true, description = "host:port to listen on.")
    String listen;

    @Option(names = "--target", required = true, description = "host:port to relay to.")
    String target;

    @Option(names = "--delay-us", defaultValue = "0", description = "Added delay each way, microseconds (default: ${DEFAULT-VALUE}).")
    long delayMicros;

    @Override
    public Integer call() throws Exception {
        try (DelayRelay relay = DelayRelay.start(address(listen), address(target), delayMicros)) {
            System.out.println("relay " + relay.boundAddress() + " -> " + target + ", " + delayMicros + " us each way");
            System.out.println("I'm running...");
            System.out.flush();
            Signals.awaitStop();
            System.out.println("relay stopping after " + relay.connections() + " connections");
        }
        return 0;
    }

    static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected host:port, got '" + hostPort + "'");
        }
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
