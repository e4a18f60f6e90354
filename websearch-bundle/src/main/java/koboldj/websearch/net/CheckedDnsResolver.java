package koboldj.websearch.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.apache.hc.client5.http.DnsResolver;

/**
 * Resolves a host and refuses it whole when any of its addresses is refused, so a name that
 * answers with a public and a private address cannot lead the client to the private one. The
 * client connects only to the addresses returned here; nothing resolves the name a second time.
 */
final class CheckedDnsResolver implements DnsResolver {
    private final AddressPolicy policy;

    CheckedDnsResolver(AddressPolicy policy) {
        this.policy = policy;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = InetAddress.getAllByName(host);
        for (InetAddress address : addresses) {
            policy.check(host, address);
        }
        return addresses;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        // only Kerberos-style authentication asks for it, which the web search never uses
        return host;
    }
}
