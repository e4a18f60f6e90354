package koboldj.websearch.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketAddress;

import org.apache.hc.client5.http.io.DetachedSocketFactory;

/**
 * Makes the HTTP client's sockets, which check the address they are about to connect to: the last
 * gate, on the address actually connected to, whichever way the client came by it.
 */
final class CheckedSocketFactory implements DetachedSocketFactory {
    private final AddressPolicy policy;

    CheckedSocketFactory(AddressPolicy policy) {
        this.policy = policy;
    }

    @Override
    public Socket create(Proxy proxy) throws IOException {
        if (proxy != null && proxy.type() != Proxy.Type.DIRECT) {
            throw new IOException("The web search connects directly, never through a proxy.");
        }
        return new CheckedSocket(policy);
    }

    private static final class CheckedSocket extends Socket {
        private final AddressPolicy policy;

        CheckedSocket(AddressPolicy policy) {
            this.policy = policy;
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            if (!(endpoint instanceof InetSocketAddress address) || address.isUnresolved()) {
                throw new IOException("The web search connects only to resolved addresses, not " + endpoint);
            }
            policy.check(address.getHostString(), address.getAddress());
            super.connect(endpoint, timeout);
        }
    }
}
