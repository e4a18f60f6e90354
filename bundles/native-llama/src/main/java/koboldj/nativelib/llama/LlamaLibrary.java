package koboldj.nativelib.llama;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Opens libjllama.so (llama.cpp tag b4916 with ggml), whose exported symbols are the whole llama.h
 * and ggml C API. The library is copied out of this bundle once per process and opened for the
 * life of the process: native code cannot be unloaded, so engines that come and go share this one
 * copy. {@link SymbolLookup#libraryLookup} is not tied to a class loader, so any bundle may bind it.
 *
 * <p>Updating this bundle makes a new class loader with fresh statics, so which file is open is
 * kept in a system property, which outlives every revision. A second revision that extracted its
 * own file would make the dynamic linker map a second, independent copy of llama.cpp and ggml
 * (it tells libraries apart by path), with its own global state, next to the first.
 */
public final class LlamaLibrary {
    /** System property prefix; the key ends with the library's {@link #fingerprint}, the value is the opened file. */
    static final String OPENED_PROPERTY = "koboldj.native.llama.opened.";
    /** System property prefix of private copies: the key goes on with the owner's name, then the fingerprint. */
    static final String PRIVATE_PROPERTY = "koboldj.native.llama.private.";
    private static SymbolLookup lookup;
    private static final Map<String, SymbolLookup> privateLookups = new HashMap<>();

    private LlamaLibrary() {
    }

    /**
     * The library's symbols; the first call in this process extracts and opens it. Whoever computes
     * products of several tokens with them holds a {@link ComputeTurn} meanwhile.
     */
    public static synchronized SymbolLookup lookup() {
        if (lookup == null) {
            byte[] library = bundled();
            // computeIfAbsent is atomic, also against a revision of this class in another class loader
            String file = (String) System.getProperties().computeIfAbsent(OPENED_PROPERTY + fingerprint(library),
                    key -> extract(library));
            // the same path string finds the copy already mapped (even if the file has been deleted since)
            lookup = SymbolLookup.libraryLookup(file, Arena.global());
            LazyCpuBuffers.install(lookup, file);
        }
        return lookup;
    }

    /**
     * The symbols of a second copy of the library, extracted to its own file and opened for
     * {@code owner} alone: the dynamic linker maps a file at another path as another library, so this
     * copy's statics (ggml's tinyBLAS work counter among them) are not those of {@link #lookup()}, and
     * its computations need no {@link ComputeTurn}. One copy per owner name in the process, kept
     * across revisions of this bundle as {@link #lookup()} keeps its own.
     *
     * @param owner a short name of who uses the copy ({@code "image"}); letters and digits only
     */
    public static synchronized SymbolLookup privateCopy(String owner) {
        if (!owner.matches("[A-Za-z0-9]{1,32}")) {
            throw new IllegalArgumentException("a private copy's owner is 1 to 32 letters or digits: " + owner);
        }
        SymbolLookup found = privateLookups.get(owner);
        if (found == null) {
            byte[] library = bundled();
            String file = (String) System.getProperties().computeIfAbsent(PRIVATE_PROPERTY + owner + "." + fingerprint(library),
                    key -> extract(library));
            found = SymbolLookup.libraryLookup(file, Arena.global());
            privateLookups.put(owner, found);
        }
        return found;
    }

    private static byte[] bundled() {
        String resource = "/de/kherud/llama/" + platform() + "/libjllama.so";
        try (InputStream in = LlamaLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new UnsupportedOperationException("llama.cpp is not bundled for " + platform());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bundled llama.cpp library: " + e.getMessage(), e);
        }
    }

    /** Writes the library to a new temporary folder; its real path, which the dynamic linker will know it by. */
    private static String extract(byte[] library) {
        try {
            Path folder = Files.createTempDirectory("koboldj-native-");
            // the mapping stays valid after the file is gone; nothing is left behind on exit (files
            // registered later are deleted first, so the folder is registered before its file)
            folder.toFile().deleteOnExit();
            Path file = Files.write(folder.resolve("libjllama.so"), library);
            file.toFile().deleteOnExit();
            return file.toRealPath().toString();
        } catch (IOException e) {
            throw new IllegalStateException("cannot extract the llama.cpp library: " + e.getMessage(), e);
        }
    }

    /**
     * Tells one build of the library from another: its length and CRC-32. CRC-32 rather than a
     * cryptographic digest, which took a quarter of a second of the start-up over these 5.6 MB while
     * the JIT had not yet compiled it (CRC-32 is an intrinsic from the first call).
     */
    private static String fingerprint(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return bytes.length + "-" + Long.toHexString(crc.getValue());
    }

    private static String platform() {
        String os = System.getProperty("os.name");
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String cpu = arch.equals("amd64") ? "x86_64" : arch;
        return (os.toLowerCase(Locale.ROOT).contains("linux") ? "Linux" : os.replaceAll("\\s+", "")) + "/" + cpu;
    }
}
