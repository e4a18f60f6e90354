/** What the server can do right now: capability names, the flag that enables each, the routes each owns. */
@Export
@Version("1.1.0")
package koboldj.api.capability;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
