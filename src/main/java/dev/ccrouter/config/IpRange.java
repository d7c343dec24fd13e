package dev.ccrouter.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IP address or a CIDR range, as {@code server.trusted_proxies} takes them: literals only, never a host name (a
 * name would be looked up once and trusted whatever it later became). One reading for the configuration's check and
 * the server's matching, so that {@code config check} refuses exactly what {@code serve} would.
 */
public final class IpRange {
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
            + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern PREFIX = Pattern.compile("[0-9]{1,3}");

    private final byte[] network;
    private final int prefixBits;

    private IpRange(byte[] network, int prefixBits) {
        this.network = network;
        this.prefixBits = prefixBits;
    }

    /** The address or range {@code entry} names; an {@link IllegalArgumentException} saying why it names none. */
    public static IpRange parse(String entry) {
        String text = entry.strip();
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] network = IPV4.matcher(address).matches() || IPV6.matcher(address).matches() ? literal(address) : null;
        if (network == null) {
            throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR range (host names are "
                    + "not accepted)");
        }
        int bits = network.length * 8;
        if (slash >= 0) {
            String prefix = text.substring(slash + 1);
            if (!PREFIX.matcher(prefix).matches() || Integer.parseInt(prefix) > bits) {
                throw new IllegalArgumentException("'" + entry + "' has an invalid prefix length");
            }
            bits = Integer.parseInt(prefix);
        }
        return new IpRange(network, bits);
    }

    /** Text with a colon is read as an IPv6 literal, never looked up. */
    static boolean isIpv6Literal(String address) {
        return address.contains(":") && literal(address) instanceof byte[] bytes && bytes.length == 16;
    }

    /** The address's bytes; null when it is none (a literal is parsed, never looked up). */
    private static byte[] literal(String address) {
        try {
            InetAddress parsed = InetAddress.getByName(address);
            return address.contains(":") && !(parsed instanceof Inet6Address) ? null : parsed.getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether the address (4 or 16 bytes) lies in this range. */
    public boolean contains(byte[] address) {
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
