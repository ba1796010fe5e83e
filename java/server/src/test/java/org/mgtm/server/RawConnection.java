package org.mgtm.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.HexFormat;

/** A bare TCP connection for sending hand-made (and broken) frames, byte by byte if asked. */
public final class RawConnection implements AutoCloseable {
    public static final byte[] BACKEND_STARTUP = hex("410000000c0100000000ffffff");
    public static final byte[] PROXY_STARTUP = hex("410000000c0100000001ffffff");

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    public RawConnection(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends one byte per write with a flush each, so the server sees the frame in pieces. */
    public void sendTrickle(byte[] bytes) throws IOException {
        for (byte b : bytes) {
            out.write(b);
            out.flush();
        }
    }

    /** Reads one whole frame: type byte, length word, body; returns all of it. */
    public byte[] readFrame() throws IOException {
        int type = in.readUnsignedByte();
        int length = in.readInt();
        byte[] body = new byte[length - 4];
        in.readFully(body);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(type);
        frame.write(length >>> 24);
        frame.write(length >>> 16);
        frame.write(length >>> 8);
        frame.write(length);
        frame.write(body);
        return frame.toByteArray();
    }

    /** True when the server closed the connection (EOF) before sending anything more. */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    public void startup(byte[] startup) throws IOException {
        send(startup);
        byte[] ack = readFrame();
        if (ack.length != 5 || ack[0] != 'R') {
            throw new EOFException("no startup acknowledgement");
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
