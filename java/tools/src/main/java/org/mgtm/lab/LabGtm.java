package org.mgtm.lab;

/**
 * What serves the GTM port ({@link LabCluster#CLIENT_PORT}) on every XC node host of the lab: a GTM
 * and a proxy per node in front of it. Either an mgtm group with mgtm_proxy ({@link LabCluster}) or a
 * single GTM, the original gtm or {@code mgtm server}, behind the original gtm_proxy or mgtm_proxy
 * ({@link SingleGtm}). Started before the nodes, so bin/node-start finds the proxy serving and starts
 * only XC.
 */
interface LabGtm extends AutoCloseable {
    /** What node.conf says about the group ({@code members}); empty when the GTM is not a group. */
    String memberSpec();

    /** True when a leader can be asked for and killed: an mgtm group. */
    boolean replicated();

    /** The member that leads now, or null when none answers within {@code timeoutMillis} (or no group). */
    String leader(long timeoutMillis);

    /** SIGKILLs the leader; its process, or null when there is no live leader (or no group). */
    LocalProcess killLeader() throws InterruptedException;

    /** Stops the proxies, then what they front, by their own process handles. */
    @Override
    void close() throws InterruptedException;
}
