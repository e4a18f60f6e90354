/**
 * How a bundle announces a capability: service properties that carry its key, its routes, how to
 * turn it on and the API it adds. Nothing central lists capabilities.
 */
@Export
@Version("2.0.0")
package koboldj.api.capability;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
