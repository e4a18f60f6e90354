package koboldj.websearch.net;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Which addresses the web search may connect to for pages it did not choose itself (result links
 * and their redirects): public unicast ones only, unless the operator allows local ones. Refused are
 * loopback, private (RFC 1918, IPv6 unique-local, carrier-grade NAT), link-local, multicast,
 * unspecified and reserved addresses, IPv4 and IPv6 alike, and IPv6 forms that carry an IPv4
 * address (mapped, compatible, NAT64, 6to4) when the IPv4 address inside is refused.
 */
public final class AddressPolicy {
    private static final AddressPolicy STRICT = new AddressPolicy(false);
    private static final AddressPolicy ALLOWING_LOCAL = new AddressPolicy(true);

    private final boolean allowLocal;

    private AddressPolicy(boolean allowLocal) {
        this.allowLocal = allowLocal;
    }

    /** Public addresses only. */
    public static AddressPolicy strict() {
        return STRICT;
    }

    /** Every address (--websearchallowlocal: an intranet, tests). */
    public static AddressPolicy allowingLocal() {
        return ALLOWING_LOCAL;
    }

    public static AddressPolicy of(boolean allowLocal) {
        return allowLocal ? ALLOWING_LOCAL : STRICT;
    }

    public boolean allowsLocal() {
        return allowLocal;
    }

    /** Refuses {@code address} with the reason, unless it may be connected to. */
    public void check(String host, InetAddress address) throws RefusedAddressException {
        Optional<String> refusal = refusal(address);
        if (refusal.isPresent()) {
            throw new RefusedAddressException(host, address, refusal.get());
        }
    }

    /** Why {@code address} is refused (e.g. "a loopback address"), or empty when it is allowed. */
    public Optional<String> refusal(InetAddress address) {
        if (allowLocal) {
            return Optional.empty();
        }
        byte[] bytes = address.getAddress();
        return Optional.ofNullable(bytes.length == 4 ? ipv4(bytes, 0) : ipv6(bytes));
    }

    private static String ipv4(byte[] b, int at) {
        int first = b[at] & 0xff;
        int second = b[at + 1] & 0xff;
        if (first == 0) {
            return "an unspecified address (0.0.0.0/8)";
        }
        if (first == 127) {
            return "a loopback address";
        }
        if (first == 10 || (first == 172 && second >= 16 && second <= 31) || (first == 192 && second == 168)) {
            return "a private address";
        }
        if (first == 100 && second >= 64 && second <= 127) {
            return "a private address (carrier-grade NAT)";
        }
        if (first == 169 && second == 254) {
            return "a link-local address";
        }
        if (first == 192 && second == 0 && (b[at + 2] & 0xff) == 0) {
            return "a reserved address (192.0.0.0/24)";
        }
        if (first == 198 && (second == 18 || second == 19)) {
            return "a reserved address (198.18.0.0/15)";
        }
        if (first >= 224 && first <= 239) {
            return "a multicast address";
        }
        if (first >= 240) {
            return "a reserved or broadcast address";
        }
        return null;
    }

    private static String ipv6(byte[] b) {
        if (leadingZeros(b, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return ipv4(b, 12); // IPv4-mapped ::ffff:a.b.c.d
        }
        if (leadingZeros(b, 12)) {
            if (leadingZeros(b, 15) && (b[15] == 0 || b[15] == 1)) {
                return b[15] == 0 ? "an unspecified address (::)" : "a loopback address";
            }
            return ipv4(b, 12); // the deprecated IPv4-compatible ::a.b.c.d
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (first == 0x00 && second == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && leadingZeros(b, 12, 4)) {
            return ipv4(b, 12); // NAT64 64:ff9b::a.b.c.d
        }
        if (first == 0x20 && second == 0x02) {
            return ipv4(b, 2); // 6to4 2002:aabb:ccdd::
        }
        if ((first & 0xfe) == 0xfc) {
            return "a private address (unique local)";
        }
        if (first == 0xfe && (second & 0xc0) == 0x80) {
            return "a link-local address";
        }
        if (first == 0xfe && (second & 0xc0) == 0xc0) {
            return "a private address (site-local)";
        }
        if (first == 0xff) {
            return "a multicast address";
        }
        return null;
    }

    private static boolean leadingZeros(byte[] b, int count) {
        return leadingZeros(b, count, 0);
    }

    private static boolean leadingZeros(byte[] b, int end, int from) {
        for (int i = from; i < end; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
