package org.mgtm.server;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.mgtm.core.Command;
import org.mgtm.core.GtmStateMachine;
import org.mgtm.net.GtmServerInitializer;
import org.mgtm.net.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone mgtm: one GTM serving XC backends and gtm_proxy workers, durable in its data
 * directory. Start with {@link #start}; {@link #close} stops accepting, lets queued requests finish
 * and saves the state.
 */
public final class GtmServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GtmServer.class);

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel listener;
    private final LocalSequencer sequencer;
    private final Durability durability;
    private final GtmStateMachine core;
    private final DataDirectory directory;
    private final ServerStats stats;
    private final GtmServerInitializer initializer;
    private boolean closed;

    private GtmServer(EventLoopGroup boss, EventLoopGroup workers, Channel listener, LocalSequencer sequencer,
                      Durability durability, GtmStateMachine core, DataDirectory directory, ServerStats stats,
                      GtmServerInitializer initializer) {
        this.boss = boss;
        this.workers = workers;
        this.listener = listener;
        this.sequencer = sequencer;
        this.durability = durability;
        this.core = core;
        this.directory = directory;
        this.stats = stats;
        this.initializer = initializer;
    }

    public static GtmServer start(ServerConfig config) throws IOException, InterruptedException {
        DataDirectory directory = DataDirectory.open(config.dataDir());
        try {
            GtmStateMachine core = recover(directory, config);
            ServerStats stats = new ServerStats();
            Durability durability = new Durability(directory, config.reserveChunk(), stats);
            durability.save(core); // the reservation is on disk before the first GXID leaves
            LocalSequencer sequencer = new LocalSequencer(core, durability, stats);
            EventLoopGroup boss = Transport.newGroup(1, "mgtm-accept");
            EventLoopGroup workers = Transport.newGroup(config.ioThreads(), "mgtm-io");
            AtomicLong sessionCounter = new AtomicLong();
            GtmServerInitializer initializer = new GtmServerInitializer(config.wireFormat(), sequencer,
                    config.maxConnections(), sessionCounter::incrementAndGet, config.allowlist());
            Channel listener;
            try {
                listener = Transport.listen(boss, workers, config.host(), config.port(), initializer);
            } catch (IOException e) {
                boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                throw e;
            }
            log.info("mgtm listening on {} (data directory {}, next GXID {}, reserved up to {})",
                    listener.localAddress(), config.dataDir(), Integer.toUnsignedString(core.nextGxid()),
                    Integer.toUnsignedString(durability.reservedGxid()));
            return new GtmServer(boss, workers, listener, sequencer, durability, core, directory, stats, initializer);
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    /**
     * Rebuilds the state a crash or stop left: the saved core state, minus every client session (none
     * survives a restart), with the counter above every GXID that may have been handed out.
     */
    private static GtmStateMachine recover(DataDirectory directory, ServerConfig config) throws IOException {
        Optional<DataDirectory.Image> image = directory.load();
        GtmStateMachine core;
        int floor;
        if (image.isPresent()) {
            core = GtmStateMachine.readSnapshot(new DataInputStream(new ByteArrayInputStream(image.get().coreSnapshot())),
                    config.limits()).state();
            floor = image.get().reservedGxid();
            log.info("recovered state from {}: GXIDs up to {} may have been handed out, {} sequences, {} prepared",
                    directory.path(), Integer.toUnsignedString(floor), core.sequenceCount(), core.preparedCount());
        } else {
            core = new GtmStateMachine(config.limits());
            floor = core.nextGxid();
        }
        int start = floor;
        if (config.startGxid() != 0) {
            if ((config.startGxid() - floor) >= 0) {
                start = config.startGxid();
            } else {
                log.warn("start GXID {} is below GXIDs this GTM may already have handed out; starting at {} instead",
                        Integer.toUnsignedString(config.startGxid()), Integer.toUnsignedString(floor));
            }
        }
        core.apply(new Command.Restart(start));
        return core;
    }

    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    public ServerStats stats() {
        return stats;
    }

    public int openConnections() {
        return initializer.openConnections();
    }

    @Override
    public synchronized void close() throws InterruptedException, IOException {
        if (closed) {
            return;
        }
        closed = true;
        listener.close().sync();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        sequencer.close();
        durability.save(core);
        directory.close();
        log.info("mgtm stopped; next GXID {}", Integer.toUnsignedString(core.nextGxid()));
    }
}
