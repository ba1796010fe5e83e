package org.mgtm.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of one server, for faults a client must survive: refused connections, and
 * open connections on which the server's bytes stop arriving (a peer gone silent without closing).
 */
final class TcpForwarder implements AutoCloseable {
    enum Mode {
        /** Relays both ways. */
        PASS,
        /** Closes new connections at once. */
        REFUSE
    }

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Set<Socket> silenced = ConcurrentHashMap.newKeySet();
    private final List<Socket> servers = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.PASS;

    TcpForwarder(String host, InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getByName(host));
        Thread accept = new Thread(this::accept, "forwarder-accept");
        accept.setDaemon(true);
        accept.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    /** How new connections are treated. */
    void mode(Mode m) {
        mode = m;
    }

    /**
     * The connections open now keep relaying the client's bytes but drop the server's: requests
     * apply, their replies never arrive, and nothing closes. New connections are not affected.
     */
    void silenceOpenConnections() {
        silenced.addAll(servers);
    }

    /** Resets every open connection (both sides see it end). */
    void dropConnections() {
        for (Socket s : open) {
            close(s);
        }
        open.clear();
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            if (mode == Mode.REFUSE) {
                close(client);
                continue;
            }
            try {
                Socket server = new Socket(target.getAddress(), target.getPort());
                open.add(client);
                open.add(server);
                servers.add(server);
                pump(client, server, false);
                pump(server, client, true);
            } catch (IOException e) {
                close(client);
            }
        }
    }

    private void pump(Socket from, Socket to, boolean replies) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (!(replies && silenced.contains(from))) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // one side went away
            } finally {
                close(from);
                close(to);
            }
        }, "forwarder-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        dropConnections();
    }
}
