/**
 * What every capability bundle needs from HTTP, once, for its resources to use: a server-sent
 * events stream fed by any producer and written without blocking ({@link koboldj.server.http.EventStream},
 * {@link koboldj.server.http.EventSink}), a whole JSON answer that may take long and survives a
 * rebuild of the REST application ({@link koboldj.server.http.WholeResponse}), the server's JSON
 * error shape ({@link koboldj.server.http.ErrorResponses}) and the progress of a long job
 * ({@link koboldj.server.http.JobProgress}).
 */
@Export
@Version("1.1.0")
package koboldj.server.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
