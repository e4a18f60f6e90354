/** Text embedding service. */
@Export
@Version("1.1.0")
package koboldj.api.embeddings;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
