package org.mgtm.net;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;

/** The HTTP endpoint of a process's Prometheus metrics ({@code metrics_port} of replicas and proxies). */
public final class MetricsEndpoint {
    private MetricsEndpoint() {
    }

    /**
     * Serves {@code registry} at {@code http://host:port/metrics}; port 0: no endpoint (null), the figures
     * are still kept. A port in use fails with the setting to change.
     */
    public static HTTPServer serve(PrometheusRegistry registry, String host, int port) throws IOException {
        if (port == 0) {
            return null;
        }
        try {
            return HTTPServer.builder().inetAddress(InetAddress.getByName(host)).port(port).registry(registry)
                    .buildAndStart();
        } catch (IOException e) {
            throw new IOException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage()
                    + " (another process on that port? choose another --metrics-port, or 0 for none)", e);
        }
    }
}
