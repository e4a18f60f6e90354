/** KoboldCpp's flags: their catalogue, the command line and .kcpps parser, and the configuration PIDs they feed. */
@Export
@Version("1.3.0")
package koboldj.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
