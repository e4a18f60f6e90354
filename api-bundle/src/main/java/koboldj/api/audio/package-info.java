/** Speech-to-text and text-to-speech services. */
@Export
@Version("2.0.0")
package koboldj.api.audio;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
