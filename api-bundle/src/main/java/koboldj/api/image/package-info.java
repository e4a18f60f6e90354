/** Image generation service (txt2img, img2img, upscaling, progress). */
@Export
@Version("3.1.0")
package koboldj.api.image;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
