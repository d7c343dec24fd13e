package dev.ccrouter.server;

import dev.ccrouter.config.IpRange;
import java.net.InetAddress;
import java.util.List;

/**
 * The peers whose {@code X-Forwarded-*} headers are believed ({@code server.trusted_proxies}): IP addresses or CIDR
 * ranges, never host names (a name would be looked up at start and trusted whatever it later resolves to). Any other
 * client could write those headers itself and make the gateway show its setup commands with an address of the
 * client's choosing.
 */
final class TrustedProxies {
    private final List<IpRange> ranges;

    TrustedProxies(List<String> entries) {
        this.ranges = entries.stream().map(TrustedProxies::parse).toList();
    }

    boolean trusts(InetAddress peer) {
        if (peer == null) {
            return false;
        }
        byte[] address = peer.getAddress();
        return ranges.stream().anyMatch(range -> range.contains(address));
    }

    private static IpRange parse(String entry) {
        try {
            return IpRange.parse(entry);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("server.trusted_proxies: " + e.getMessage(), e);
        }
    }
}
