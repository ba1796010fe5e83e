/**
 * {@code mgtm check --pcap}: audits captured XC GTM traffic with the history checker. A capture file
 * is read ({@link org.mgtm.check.pcap.CaptureReader}), its frames decoded to IPv4 TCP segments
 * ({@link org.mgtm.check.pcap.PacketDecoder}), the connections to the audited server ports
 * reassembled ({@link org.mgtm.check.pcap.TcpReassembler}), their GTM messages decoded and paired
 * ({@link org.mgtm.check.pcap.ConversationDecoder}) and translated into a history
 * ({@link org.mgtm.check.pcap.HistoryTranslator}); {@link org.mgtm.check.pcap.PcapAudit} ties them
 * together. docs/checker.md, "Auditing captured traffic", says what the audit can and cannot see.
 */
package org.mgtm.check.pcap;
