/** The one error type every koboldj service throws; the HTTP layer maps it to a status and a JSON body. */
@Export
@Version("1.2.0")
package koboldj.api.error;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
