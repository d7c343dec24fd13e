package dev.ccrouter.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The peers whose {@code X-Forwarded-*} headers are believed ({@code server.trusted_proxies}): IP addresses or CIDR
 * ranges, never host names (a name would be looked up at start and trusted whatever it later resolves to). Any other
 * client could write those headers itself and make the gateway show its setup commands with an address of the
 * client's choosing.
 */
final class TrustedProxies {
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private record Range(byte[] network, int prefixBits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefixBits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            int mask = rest == 0 ? 0 : (0xff << (8 - rest)) & 0xff;
            return rest == 0 || (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private final List<Range> ranges;

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

    private static Range parse(String entry) {
        int slash = entry.indexOf('/');
        String address = slash < 0 ? entry : entry.substring(0, slash);
        if (!IP_LITERAL.matcher(address).matches()) {
            throw new IllegalArgumentException("server.trusted_proxies: '" + entry
                    + "' is not an IP address or CIDR range (host names are not accepted)");
        }
        byte[] network;
        try {
            network = InetAddress.getByName(address).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("server.trusted_proxies: '" + entry + "' is not an IP address", e);
        }
        int bits = network.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > network.length * 8) {
                throw new IllegalArgumentException("server.trusted_proxies: '" + entry + "' has an invalid prefix length");
            }
        }
        return new Range(network, bits);
    }
}
