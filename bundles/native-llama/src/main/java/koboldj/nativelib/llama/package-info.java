/**
 * The llama.cpp/ggml shared library, opened once for all engines in the process, and the turn
 * its multi-token products take. Opening it gives ggml's CPU buffer type an allocator whose large
 * buffers are mappings of their own, so that a new buffer llama.cpp clears (a KV cache) holds
 * memory only where it is written afterwards.
 *
 * <p>Every product of several tokens in the loaded copy of the library — a {@code llama_decode}
 * of a batch of more than one token, prompts and embeddings included, and a ggml graph compute
 * with such products — runs inside a {@link koboldj.nativelib.llama.ComputeTurn}. In this build
 * ggml's CPU matrix product (llamafile's tinyBLAS) keeps its work counter in function-level
 * statics ({@code tinyBLAS<..>::gemm<..>::current_chunk}), so two such products at once skip
 * parts of each other's work: two contexts decoding batches of two or three tokens side by side
 * gave wrong tokens in most runs (measured). Single-token decodes are exempt: tinyBLAS declines
 * products with a single column, so they never reach those statics and run side by side with
 * anything. The turn covers this one copy of the library: an engine that must not keep others
 * waiting for seconds (image graphs) may open its own copy of the file, whose statics are its own.
 */
@Export
@Version("2.1.0")
package koboldj.nativelib.llama;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
