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

    private static String describe(String host, InetAddress address) {
        String literal = address.getHostAddress();
        return host == null || host.isEmpty() || host.equals(literal) || host.equals("[" + literal + "]")
                ? literal : host + " (" + literal + ")";
    }
}
