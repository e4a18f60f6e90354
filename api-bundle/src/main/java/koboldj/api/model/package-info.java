/** Descriptors of loaded models. */
@Export
@Version("1.0.0")
package koboldj.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
