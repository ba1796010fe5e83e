package org.mgtm.replication.engine;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.MulticastSocket;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import org.jgroups.util.SocketFactory;

/**
 * The TLS socket factory of the replication transport, with a read timeout on every socket this member opens, so
 * that a TLS handshake cannot block for ever. JGroups' TCP connects and runs the handshake while it holds the lock
 * that every new connection of the member takes (BaseServer.getConnection), and sets no timeout for the handshake:
 * one whose packets were dropped (a partition put in place between the TCP connect and the handshake; a hung peer)
 * held up every new connection of the member, to every peer, for as long as it took: the member could not reach
 * anyone after a heal (a 44 s leaderless stretch in a heal-kill chaos run with TLS; none without it). With
 * {@link #READ_TIMEOUT_MS} the handshake fails after that long instead. The same timeout then applies to the
 * connection's reads: peers send heartbeats every {@code fd_interval_ms}, so a connection silent for that long
 * leads to a dead or cut-off peer, and is closed (JGroups logs "failed handling message: ... Read timed out")
 * and opened again when needed, which also replaces a connection stuck in TCP's retransmission backoff after a
 * partition.
 */
final class BoundedHandshakes implements SocketFactory {
    static final int READ_TIMEOUT_MS = 1500;

    private final SocketFactory tls;

    BoundedHandshakes(SocketFactory tls) {
        this.tls = tls;
    }

    private static Socket bounded(Socket s) throws SocketException {
        s.setSoTimeout(READ_TIMEOUT_MS);
        return s;
    }

    @Override
    public Socket createSocket(String name) throws IOException {
        return bounded(tls.createSocket(name));
    }

    @Override
    public Socket createSocket(String name, String host, int port) throws IOException {
        return bounded(tls.createSocket(name, host, port));
    }

    @Override
    public Socket createSocket(String name, InetAddress address, int port) throws IOException {
        return bounded(tls.createSocket(name, address, port));
    }

    @Override
    public Socket createSocket(String name, String host, int port, InetAddress localAddr, int localPort)
            throws IOException {
        return bounded(tls.createSocket(name, host, port, localAddr, localPort));
    }

    @Override
    public Socket createSocket(String name, InetAddress address, int port, InetAddress localAddr, int localPort)
            throws IOException {
        return bounded(tls.createSocket(name, address, port, localAddr, localPort));
    }

    @Override
    public ServerSocket createServerSocket(String name) throws IOException {
        return tls.createServerSocket(name);
    }

    @Override
    public ServerSocket createServerSocket(String name, int port) throws IOException {
        return tls.createServerSocket(name, port);
    }

    @Override
    public ServerSocket createServerSocket(String name, int port, int backlog) throws IOException {
        return tls.createServerSocket(name, port, backlog);
    }

    @Override
    public ServerSocket createServerSocket(String name, int port, int backlog, InetAddress bindAddr)
            throws IOException {
        return tls.createServerSocket(name, port, backlog, bindAddr);
    }

    @Override
    public DatagramSocket createDatagramSocket(String name) throws SocketException {
        return tls.createDatagramSocket(name);
    }

    @Override
    public DatagramSocket createDatagramSocket(String name, SocketAddress bindaddr) throws SocketException {
        return tls.createDatagramSocket(name, bindaddr);
    }

    @Override
    public DatagramSocket createDatagramSocket(String name, int port) throws SocketException {
        return tls.createDatagramSocket(name, port);
    }

    @Override
    public DatagramSocket createDatagramSocket(String name, int port, InetAddress laddr) throws SocketException {
        return tls.createDatagramSocket(name, port, laddr);
    }

    @Override
    public MulticastSocket createMulticastSocket(String name) throws IOException {
        return tls.createMulticastSocket(name);
    }

    @Override
    public MulticastSocket createMulticastSocket(String name, int port) throws IOException {
        return tls.createMulticastSocket(name, port);
    }

    @Override
    public MulticastSocket createMulticastSocket(String name, SocketAddress bindaddr) throws IOException {
        return tls.createMulticastSocket(name, bindaddr);
    }

    @Override
    public void close(Socket sock) throws IOException {
        tls.close(sock);
    }

    @Override
    public void close(ServerSocket sock) throws IOException {
        tls.close(sock);
    }

    @Override
    public void close(DatagramSocket sock) {
        tls.close(sock);
    }
}
