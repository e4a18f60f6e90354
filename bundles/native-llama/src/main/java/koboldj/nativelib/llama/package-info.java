/** The llama.cpp/ggml shared library, opened once for all engines in the process. */
@Export
@Version("1.0.0")
package koboldj.nativelib.llama;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
