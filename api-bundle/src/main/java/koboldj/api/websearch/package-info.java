/** Web search service. */
@Export
@Version("1.0.0")
package koboldj.api.websearch;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
