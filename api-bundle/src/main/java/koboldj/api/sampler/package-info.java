/** The sampler plugin SPI: a bundle registers a Sampler service and requests can name it. */
@Export
@Version("1.0.0")
package koboldj.api.sampler;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
