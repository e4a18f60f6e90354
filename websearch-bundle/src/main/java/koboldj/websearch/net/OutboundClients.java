package koboldj.websearch.net;

import java.util.concurrent.TimeUnit;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SchemePortResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.HttpClientConnectionOperator;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.util.Timeout;

/**
 * Builds the Apache HTTP clients of a fetcher: names resolved and sockets connected only through
 * the {@link AddressPolicy}, no proxy, no cookies, no automatic redirects or retries (the fetcher
 * follows redirects itself and checks each), and the timeouts of the {@link FetchLimits}.
 */
final class OutboundClients {

    private OutboundClients() {
    }

    static CloseableHttpClient create(AddressPolicy policy, FetchLimits limits) {
        CheckedSocketFactory sockets = new CheckedSocketFactory(policy);
        PoolingHttpClientConnectionManager connections = new PoolingHttpClientConnectionManagerBuilder() {
            @Override
            protected HttpClientConnectionOperator createConnectionOperator(SchemePortResolver ports, DnsResolver names,
                    TlsSocketStrategy tls) {
                return new DefaultHttpClientConnectionOperator(sockets, ports, names,
                        RegistryBuilder.<TlsSocketStrategy>create().register(URIScheme.HTTPS.id, tls).build());
            }
        }
                .setDnsResolver(new CheckedDnsResolver(policy))
                .setMaxConnTotal(limits.maxConcurrent())
                .setMaxConnPerRoute(limits.maxConcurrent())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(timeout(limits.connectTimeout().toMillis()))
                        .setSocketTimeout(timeout(limits.timeout().toMillis()))
                        .build())
                .build();
        return HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(timeout(limits.timeout().toMillis()))
                        .setResponseTimeout(timeout(limits.timeout().toMillis()))
                        .build())
                .setUserAgent(limits.userAgent())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .evictExpiredConnections()
                .build();
    }

    private static Timeout timeout(long millis) {
        return Timeout.of(Math.max(1, millis), TimeUnit.MILLISECONDS);
    }
}
