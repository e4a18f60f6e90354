/** Web search service, and the SPI through which a bundle adds a search engine. */
@Export
@Version("1.1.0")
package koboldj.api.websearch;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
