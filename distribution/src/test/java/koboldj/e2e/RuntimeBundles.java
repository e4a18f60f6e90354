package koboldj.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The running server's bundles folder, and jars taken out of it and put back, as a user would.
 * A jar is set aside in a folder beside it, on the same file system, and moved atomically both
 * ways: the folder watcher never sees half a jar.
 */
final class RuntimeBundles {
    static final Path FOLDER = Path.of(System.getProperty("koboldj.runtime", "target/koboldj")).resolve("bundles");

    private RuntimeBundles() {
    }

    /** Takes {@code jarName} out of the bundles folder; closing the answer puts it back. */
    static TakenOut takeOut(String jarName) throws IOException {
        Path jar = FOLDER.resolve(jarName);
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " is not in the runtime");
        }
        Path staging = Files.createTempDirectory(FOLDER.getParent(), "taken-out");
        Path aside = staging.resolve(jarName);
        Files.move(jar, aside, StandardCopyOption.ATOMIC_MOVE);
        return new TakenOut(jar, aside);
    }

    /** A jar out of the bundles folder until closed. */
    record TakenOut(Path jar, Path aside) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            Files.move(aside, jar, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(aside.getParent());
        }
    }
}
