/** Wire shapes shared by every HTTP surface of koboldj. */
@Export
@Version("1.0.0")
package koboldj.api.dto;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
