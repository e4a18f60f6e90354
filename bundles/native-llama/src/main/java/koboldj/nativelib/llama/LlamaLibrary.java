package koboldj.nativelib.llama;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Opens libjllama.so (llama.cpp tag b4916 with ggml), whose exported symbols are the whole llama.h
 * and ggml C API. The library is copied out of this bundle once and opened for the life of the
 * process: native code cannot be unloaded, so engines that come and go share this one copy.
 * {@link SymbolLookup#libraryLookup} is not tied to a class loader, so any bundle may bind it.
 */
public final class LlamaLibrary {
    private static final ReentrantLock COMPUTE = new ReentrantLock();
    private static SymbolLookup lookup;

    private LlamaLibrary() {
    }

    /** The library's symbols; the first call extracts and opens it. */
    public static synchronized SymbolLookup lookup() {
        if (lookup == null) {
            Path file = extract();
            lookup = SymbolLookup.libraryLookup(file, Arena.global());
        }
        return lookup;
    }

    /**
     * The lock to hold around every computation of a graph (llama_decode) in the process, on any
     * context. In this build ggml's CPU matrix product (llamafile's tinyBLAS) keeps its work
     * counter in function-level statics ({@code tinyBLAS<..>::gemm<..>::current_chunk}), so two
     * computations at once skip parts of each other's products: two contexts decoding batches of
     * two or three tokens side by side gave wrong tokens in most runs (measured).
     */
    public static ReentrantLock computeLock() {
        return COMPUTE;
    }

    private static Path extract() {
        String resource = "/de/kherud/llama/" + platform() + "/libjllama.so";
        try (InputStream in = LlamaLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new UnsupportedOperationException("llama.cpp is not bundled for " + platform());
            }
            Path folder = Files.createTempDirectory("koboldj-native-");
            Path file = folder.resolve("libjllama.so");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            // the mapping stays valid after the file is gone; nothing is left behind on exit
            file.toFile().deleteOnExit();
            folder.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("cannot extract the llama.cpp library: " + e.getMessage(), e);
        }
    }

    private static String platform() {
        String os = System.getProperty("os.name");
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String cpu = arch.equals("amd64") ? "x86_64" : arch;
        return (os.toLowerCase(Locale.ROOT).contains("linux") ? "Linux" : os.replaceAll("\\s+", "")) + "/" + cpu;
    }
}
