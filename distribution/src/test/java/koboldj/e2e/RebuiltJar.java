package koboldj.e2e;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * What rebuilding a checkout under a running server does to a bundle jar: other bytes, the same
 * bundle, moved in whole so that FileInstall never reads a half-written jar and updates the bundle.
 */
final class RebuiltJar {

    private RebuiltJar() {
    }

    /** Replaces {@code jar} with {@code original} plus an entry named {@code marker}, through {@code staging}. */
    static void replace(Path jar, byte[] original, String marker, Path staging) throws IOException {
        Path next = staging.resolve(jar.getFileName());
        Files.write(next, withExtraEntry(original, marker));
        Files.move(next, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static byte[] withExtraEntry(byte[] jar, String name) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(jar.length + 1024);
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar));
                ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null;) {
                out.putNextEntry(new ZipEntry(entry.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry(name));
            out.write(name.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return bytes.toByteArray();
    }
}
