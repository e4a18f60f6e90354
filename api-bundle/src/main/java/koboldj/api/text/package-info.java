/** Text generation and tokenization services. */
@Export
@Version("1.5.0")
package koboldj.api.text;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
