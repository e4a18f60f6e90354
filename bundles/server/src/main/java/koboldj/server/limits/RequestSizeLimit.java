package koboldj.server.limits;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.jakartars.whiteboard.propertytypes.JSONRequired;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsExtension;
import org.osgi.service.jakartars.whiteboard.propertytypes.JakartarsName;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;

import koboldj.api.error.ApiException;
import koboldj.api.error.ErrorKind;
import koboldj.config.Pids;
import koboldj.server.http.ErrorResponses;
import koboldj.server.security.ServerConfiguration;

/**
 * --maxrequestsize: a body larger than the limit gets 413, whether it announces its length or
 * is sent in chunks (then it is cut off as soon as it passes the limit). On the public port an
 * announced length is already refused by {@link DeclaredSizeLimit}, before the body is waited for.
 */
@Component(service = ContainerRequestFilter.class, configurationPid = Pids.SERVER,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@JakartarsExtension
@JakartarsName("koboldj.requestsize")
@JSONRequired
@PreMatching
@Priority(Priorities.AUTHENTICATION + 1)
public class RequestSizeLimit implements ContainerRequestFilter {
    private volatile long maxBytes;

    @Activate
    @Modified
    void configure(ServerConfiguration configuration) {
        maxBytes = configuration.maxrequestsize() * 1024L * 1024L;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        long limit = maxBytes;
        if (ContentLength.of(request) > limit) {
            request.abortWith(ErrorResponses.of(ErrorKind.TOO_LARGE, tooLarge(limit)));
        } else if (request.hasEntity()) {
            request.setEntityStream(new LimitedStream(request.getEntityStream(), limit));
        }
    }

    static String tooLarge(long limit) {
        return "The request body is larger than " + limit / (1024 * 1024) + " MB (--maxrequestsize).";
    }

    /** Counts what is read and fails once the count passes the limit. */
    private static final class LimitedStream extends FilterInputStream {
        private final long limit;
        private long count;

        LimitedStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        private void add(long n) {
            count += n;
            if (count > limit) {
                throw new ApiException(ErrorKind.TOO_LARGE, tooLarge(limit));
            }
        }
    }
}
