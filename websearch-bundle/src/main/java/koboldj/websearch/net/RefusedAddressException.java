package koboldj.websearch.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A connection the {@link AddressPolicy} refused. An {@link UnknownHostException}, so that a name
 * resolver may throw it: for the HTTP client the host then has no address it may use.
 */
public class RefusedAddressException extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    public RefusedAddressException(String host, InetAddress address, String reason) {
        super(describe(host, address) + " is " + reason);
    }

    /** The host as the address named it, with the address it resolved to when it was a name. */
    private static String describe(String host, InetAddress address) {
        if (host == null || host.isEmpty()) {
            return address.getHostAddress();
        }
        return isLiteral(host) ? host : host + " (" + address.getHostAddress() + ")";
    }

    private static boolean isLiteral(String host) {
        return host.startsWith("[") || host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }
}
